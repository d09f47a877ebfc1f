/** The demo users' password on every test server: startServer sets it as BEACON_DEMO_PASSWORD. */
export const TEST_DEMO_PASSWORD = 'beacon-demo';
