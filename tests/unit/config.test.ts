import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/lib/server/config.js';

describe('readConfig: BEACON_LIVE_TICK_MS', () => {
  it('defaults to 50 ms and takes any whole number from 10 to 100', () => {
    expect(readConfig({}).liveTickMs).toBe(50);
    expect(readConfig({ BEACON_LIVE_TICK_MS: '' }).liveTickMs).toBe(50);
    expect(readConfig({ BEACON_LIVE_TICK_MS: '10' }).liveTickMs).toBe(10);
    expect(readConfig({ BEACON_LIVE_TICK_MS: '100' }).liveTickMs).toBe(100);
  });

  it('refuses a tick outside 10–100 ms or not a whole number, naming the setting', () => {
    for (const bad of ['0', '9', '101', '250', '50.5', 'fast', '-50']) {
      expect(() => readConfig({ BEACON_LIVE_TICK_MS: bad })).toThrow(`BEACON_LIVE_TICK_MS must be an integer from 10 to 100, got "${bad}"`);
    }
  });
});

describe('readConfig: demo mode', () => {
  it('is on by default only for the embedded database at a local origin', () => {
    for (const origin of [undefined, 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://127.8.9.10', 'http://[::1]:3000']) {
      expect({ origin, demo: readConfig({ ORIGIN: origin }).demo }).toEqual({ origin, demo: true });
    }
    for (const origin of ['https://beacon.example.org', 'http://10.0.0.5:3000', 'http://128.0.0.1', 'http://localhost.example.org', 'not a url']) {
      expect({ origin, demo: readConfig({ ORIGIN: origin }).demo }).toEqual({ origin, demo: false });
    }
    expect(readConfig({ DATABASE_URL: 'postgres://db/beacon' }).demo).toBe(false);
  });

  it('follows BEACON_DEMO when it is set, and has no password unless BEACON_DEMO_PASSWORD gives one', () => {
    expect(readConfig({ ORIGIN: 'https://beacon.example.org', BEACON_DEMO: '1' }).demo).toBe(true);
    expect(readConfig({ DATABASE_URL: 'postgres://db/beacon', BEACON_DEMO: '1' }).demo).toBe(true);
    expect(readConfig({ BEACON_DEMO: '0' }).demo).toBe(false);
    expect(readConfig({}).demoPassword).toBeUndefined();
    expect(readConfig({ BEACON_DEMO_PASSWORD: 'chosen' }).demoPassword).toBe('chosen');
  });
});
