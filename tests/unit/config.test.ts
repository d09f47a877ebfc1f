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
