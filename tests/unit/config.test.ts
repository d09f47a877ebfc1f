import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readConfig, settingDocs } from '../../src/lib/server/config.js';

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

describe('readConfig: mail and second factor settings', () => {
  it('BEACON_SMTP_URL: unset means mail is off; smtp:// and smtps:// URLs are taken', () => {
    expect(readConfig({}).smtpUrl).toBeUndefined();
    expect(readConfig({ BEACON_SMTP_URL: '' }).smtpUrl).toBeUndefined();
    expect(readConfig({ BEACON_SMTP_URL: 'smtp://mail.example.org:587' }).smtpUrl).toBe('smtp://mail.example.org:587');
    expect(readConfig({ BEACON_SMTP_URL: 'smtps://u:p@mail.example.org:465' }).smtpUrl).toBe('smtps://u:p@mail.example.org:465');
  });

  it('BEACON_SMTP_URL: anything else is refused, naming the setting', () => {
    expect(() => readConfig({ BEACON_SMTP_URL: 'http://mail.example.org' })).toThrow(/BEACON_SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    expect(() => readConfig({ BEACON_SMTP_URL: 'mail.example.org' })).toThrow(/BEACON_SMTP_URL must be a URL/);
  });

  it('BEACON_MAIL_FROM has a default', () => {
    expect(readConfig({}).mailFrom).toBe('Beacon <beacon@localhost>');
    expect(readConfig({ BEACON_MAIL_FROM: 'Beacon <no-reply@example.org>' }).mailFrom).toBe('Beacon <no-reply@example.org>');
  });

  it('BEACON_REQUIRE_2FA: a comma-separated list of roles; an unknown role is refused', () => {
    expect(readConfig({}).require2faRoles).toEqual([]);
    expect(readConfig({ BEACON_REQUIRE_2FA: 'admin, leadership,admin' }).require2faRoles).toEqual(['admin', 'leadership']);
    expect(() => readConfig({ BEACON_REQUIRE_2FA: 'admin,directors' })).toThrow(/BEACON_REQUIRE_2FA .*"directors" is not one/);
  });
});

describe('readConfig: demo mode', () => {
  it('is on by default only for the embedded database at a local origin', () => {
    for (const origin of [undefined, 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://127.8.9.10', 'http://[::1]:3000']) {
      expect({ origin, demo: readConfig({ ORIGIN: origin }).demo }).toEqual({ origin, demo: true });
    }
    for (const origin of ['https://beacon.example.org', 'http://10.0.0.5:3000', 'http://128.0.0.1', 'http://localhost.example.org']) {
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

describe('every setting: validated, named when refused, listed in .env.example', () => {
  it('.env.example lists every setting with its default, after a line saying what it is', () => {
    const lines = fs.readFileSync(path.resolve(import.meta.dirname, '../../.env.example'), 'utf8').split('\n');
    for (const s of settingDocs) {
      const at = lines.indexOf(`# ${s.name}=${s.default}`);
      expect(at, s.name).toBeGreaterThan(0);
      expect(lines[at - 1], s.name).toBe(`# ${s.doc}`);
    }
    const listed = lines.filter((l) => /^# [A-Z0-9_]+=/.test(l)).map((l) => l.slice(2, l.indexOf('=')));
    expect(listed.sort()).toEqual(settingDocs.map((s) => s.name).sort());
  });

  it('defaults: the embedded database in ./data on port 3000, demo on without DATABASE_URL and off with it', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, dataDir: path.resolve('data'), port: 3000, host: '0.0.0.0', demo: true, logLevel: 'info', metricsToken: undefined, timeZone: 'America/New_York' });
    expect(readConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).demo).toBe(false);
    expect(readConfig({ DATABASE_URL: 'postgres://u@h:5432/db', BEACON_DEMO: '1' }).demo).toBe(true);
  });

  it('refuses bad values with one line naming the variable and what it accepts', () => {
    const bad: Array<[Record<string, string>, string]> = [
      [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535, got "abc"'],
      [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
      [{ BEACON_FY_START_MONTH: '13' }, 'BEACON_FY_START_MONTH must be an integer from 1 to 12, got "13"'],
      [{ BEACON_FY_START_MONTH: '0' }, 'BEACON_FY_START_MONTH must be an integer from 1 to 12, got "0"'],
      [{ BEACON_TIME_ZONE: 'Mars/Olympus_Mons' }, 'BEACON_TIME_ZONE must be an IANA time zone such as America/New_York or UTC, got "Mars/Olympus_Mons"'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
      [{ BEACON_DEMO: 'yes' }, 'BEACON_DEMO must be one of 1, true, 0, false, got "yes"'],
      // Secrets (a URL that may hold a password, a token) are never quoted back.
      [{ DATABASE_URL: 'mysql://u:secret@h/db' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
      [{ ORIGIN: 'https://beacon.example.org/app' }, 'ORIGIN must be an http(s) origin without a path, got "https://beacon.example.org/app"'],
      [{ ORIGIN: 'not a url' }, 'ORIGIN must be an http(s) origin without a path, got "not a url"'],
      [{ BEACON_METRICS_TOKEN: 'short' }, 'BEACON_METRICS_TOKEN must be at least 16 characters'],
      [{ XFF_DEPTH: '0' }, 'XFF_DEPTH must be an integer from 1 to 100, got "0"'],
      [{ BODY_SIZE_LIMIT: 'lots' }, 'BODY_SIZE_LIMIT must be a byte count with an optional K, M or G suffix, or Infinity, got "lots"']
    ];
    for (const [env, message] of bad) {
      let caught: unknown;
      try {
        readConfig(env);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toBe(message);
      expect((caught as Error).message).not.toContain('\n');
    }
  });

  it('takes good values', () => {
    const c = readConfig({ PORT: '8080', BEACON_TIME_ZONE: 'America/Denver', ORIGIN: 'https://beacon.example.org', LOG_LEVEL: 'warn', BODY_SIZE_LIMIT: '2M', XFF_DEPTH: '2' });
    expect(c).toMatchObject({ port: 8080, timeZone: 'America/Denver', origin: 'https://beacon.example.org', logLevel: 'warn', bodySizeLimit: '2M', xffDepth: 2 });
  });
});
