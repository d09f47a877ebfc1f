// The only reader of process.env. Every setting is one entry in SETTINGS below: its variable, its
// default, one line of documentation (.env.example and the README list them; a test keeps them in
// step) and a reader that validates it. A bad value stops the start with one line naming the
// variable and what it accepts (scripts/serve.js prints it and exits 1).
import fs from 'node:fs';
import path from 'node:path';
import { enums, type UserRole as Role } from './db/schema.js';

export type DbKind = 'pglite' | 'postgres';
type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Setting<T> {
  name: string;
  /** The default as .env.example writes it ('' = unset). */
  default: string;
  doc: string;
  read(raw: string | undefined, env: Env): T;
}

const given = (raw: string | undefined): raw is string => raw !== undefined && raw !== '';

function int(name: string, fallback: number, min: number, max: number, doc: string): Setting<number> {
  return {
    name,
    default: String(fallback),
    doc,
    read(raw) {
      if (!given(raw)) return fallback;
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < min || n > max) {
        throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      }
      return n;
    }
  };
}

/**
 * A string; unset gives `fallback` (so a setting with a default is never undefined). A `secret`
 * one (a password, a token, a URL that may hold a password) is never quoted back in an error.
 */
function text<F extends string | undefined>(
  name: string,
  fallback: F,
  doc: string,
  check?: (v: string) => string | null,
  options: { secret?: boolean } = {}
): Setting<string | F> {
  return {
    name,
    default: fallback ?? '',
    doc,
    read(raw) {
      if (!given(raw)) return fallback;
      const problem = check?.(raw);
      if (problem) throw new ConfigError(options.secret ? `${name} ${problem}` : `${name} ${problem}, got "${raw}"`);
      return raw;
    }
  };
}

/** A comma-separated list of user roles (duplicates dropped). */
function roles(name: string, doc: string): Setting<Role[]> {
  return {
    name,
    default: '',
    doc,
    read(raw) {
      const list = (raw ?? '').split(',').map((r) => r.trim()).filter(Boolean);
      const unknown = list.filter((r) => !(enums.user_role as readonly string[]).includes(r));
      if (unknown.length) throw new ConfigError(`${name} lists roles from ${enums.user_role.join(', ')}; "${unknown.join(', ')}" is not one`);
      return [...new Set(list)] as Role[];
    }
  };
}

const isSmtpUrl = (v: string) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'must be a URL such as smtps://user:password@mail.example.org:465';
  }
  return url.protocol === 'smtp:' || url.protocol === 'smtps:' ? null : `must start with smtp:// or smtps://, got "${url.protocol}//"`;
};

/** A setting whose validated value is turned into something else (a path made absolute...). */
function mapped<T, U>(setting: Setting<T>, map: (value: T) => U): Setting<U> {
  return { ...setting, read: (raw, env) => map(setting.read(raw, env)) };
}

function oneOf<const V extends string>(name: string, values: readonly V[], fallback: V, doc: string): Setting<V> {
  return {
    name,
    default: fallback,
    doc,
    read(raw) {
      if (!given(raw)) return fallback;
      if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
      return raw as V;
    }
  };
}

function flag(name: string, doc: string, fallback: (env: Env) => boolean, defaultText: string): Setting<boolean> {
  return {
    name,
    default: defaultText,
    doc,
    read(raw, env) {
      if (!given(raw)) return fallback(env);
      if (raw === '1' || raw === 'true') return true;
      if (raw === '0' || raw === 'false') return false;
      throw new ConfigError(`${name} must be one of 1, true, 0, false, got "${raw}"`);
    }
  };
}

const isUrl = (protocols: string[], what: string) => (v: string) => {
  try {
    const u = new URL(v);
    return protocols.includes(u.protocol) ? null : `must be ${what}`;
  } catch {
    return `must be ${what}`;
  }
};

const isTimeZone = (v: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return null;
  } catch {
    return 'must be an IANA time zone such as America/New_York or UTC';
  }
};

const isSize = (v: string) => (/^(\d+[KMG]?|Infinity)$/.test(v) ? null : 'must be a byte count with an optional K, M or G suffix, or Infinity');
const isHeader = (v: string) => (/^[A-Za-z0-9-]+$/.test(v) ? null : 'must be an HTTP header name');

/** Unset, localhost, 127.0.0.0/8 or ::1: a demo nobody else can reach. Anything else counts as public. */
export function isLocalOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return false;
  }
  // URL normalises IPv4 spellings (127.1, 0x7f.0.0.1) to dotted decimal.
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Every setting. Adding one is one entry here (and its line in .env.example, which a test checks). */
const SETTINGS = {
  databaseUrl: text('DATABASE_URL', undefined, 'a Postgres server (postgres://user@host:5432/db); unset = embedded PGlite on disk', isUrl(['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL'), { secret: true }),
  dataDir: mapped(text('BEACON_DATA_DIR', './data', 'where the embedded database lives'), (dir) => path.resolve(dir)),
  port: int('PORT', 3000, 0, 65535, 'HTTP port (0 = any free port)'),
  host: text('HOST', '0.0.0.0', 'interface to listen on', (v) => (/^[\w.:[\]-]+$/.test(v) ? null : 'must be a host name or IP address')),
  origin: text('ORIGIN', undefined, 'the public origin behind a TLS proxy (https://beacon.example.org); unset = http:// + the request Host', (v) =>
    isUrl(['http:', 'https:'], 'an http(s) origin without a path')(v) ?? (new URL(v).origin === v.replace(/\/$/, '') ? null : 'must be an http(s) origin without a path')
  ),
  protocolHeader: text('PROTOCOL_HEADER', undefined, 'adapter-node: header carrying the scheme from a trusted proxy (x-forwarded-proto), when ORIGIN is unset', isHeader),
  hostHeader: text('HOST_HEADER', undefined, 'adapter-node: header carrying the host from a trusted proxy (x-forwarded-host), when ORIGIN is unset', isHeader),
  addressHeader: text('ADDRESS_HEADER', undefined, 'adapter-node: header holding the client address behind a proxy (x-forwarded-for); never trusted unless set', isHeader),
  xffDepth: int('XFF_DEPTH', 1, 1, 100, 'adapter-node: with ADDRESS_HEADER=x-forwarded-for, how many trusted proxies sit in front'),
  bodySizeLimit: text('BODY_SIZE_LIMIT', '512K', 'adapter-node: largest request body (K, M, G suffixes, or Infinity)', isSize),
  /**
   * Seed demo data and demo users: BEACON_DEMO=1, or by default on the embedded database at a local
   * origin only — never by default against a real DATABASE_URL or a public ORIGIN.
   */
  demo: flag(
    'BEACON_DEMO',
    '1 seeds demo data and demo users into an empty database; never on by default against a real server or a public ORIGIN',
    (env) => !given(env.DATABASE_URL) && isLocalOrigin(given(env.ORIGIN) ? env.ORIGIN : undefined),
    '(1 for the embedded database at a local origin, else 0)'
  ),
  /** Unset → random per data directory (src/lib/server/users/demo-password.ts). */
  demoPassword: text('BEACON_DEMO_PASSWORD', undefined, 'password of the demo users; unset = random per data directory, printed at start-up'),
  fiscalYearStartMonth: int('BEACON_FY_START_MONTH', 1, 1, 12, 'first month of the fiscal year (1 = January); a fiscal year is named after the calendar year it ends in'),
  // Eastern time: the organisation's head office and most of its staff and partners work from the US east coast.
  timeZone: text('BEACON_TIME_ZONE', 'America/New_York', "IANA time zone the organisation's days, months, fiscal years, \"as of\" times and schedules are counted in (changing it rebuilds the month rollups at the next start)", isTimeZone),
  snapshotSchedulerIntervalMs: int('BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS', 60_000, 0, 86_400_000, 'how often the server looks for due snapshot schedules (ms); 0 turns the scheduler off'),
  alertIntervalMs: int('BEACON_ALERT_INTERVAL_MS', 60_000, 0, 86_400_000, 'how often every alert rule is re-checked in full (ms), for conditions time alone makes true (a date passing); committed changes are re-checked at once; 0 turns the timer off'),
  digestHour: int('BEACON_DIGEST_HOUR', 7, 0, 23, "hour of the organisation's day (BEACON_TIME_ZONE) from which each person who chose the daily digest gets it, once that day"),
  digestIntervalMs: int('BEACON_DIGEST_INTERVAL_MS', 300_000, 0, 86_400_000, 'how often the server looks for daily notification digests due (ms); 0 turns digests off'),
  liveTickMs: int('BEACON_LIVE_TICK_MS', 50, 10, 100, 'how often a changed dashboard may be re-read and pushed to its viewers (ms)'),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info', 'least severe log level written (JSON lines on stdout)'),
  metricsToken: text('BEACON_METRICS_TOKEN', undefined, 'bearer token for GET /metrics (at least 16 characters); unset = /metrics answers 404', (v) => (v.length >= 16 ? null : 'must be at least 16 characters'), { secret: true }),
  /** Outgoing mail; absent = mail features are off and say so. */
  smtpUrl: text('BEACON_SMTP_URL', undefined, 'outgoing mail: smtp:// or smtps:// URL (smtps://user:password@mail.example.org:465); unset = mail features off', isSmtpUrl, { secret: true }),
  chromiumPath: text('BEACON_CHROMIUM', '/usr/bin/chromium', 'the Chromium the server makes snapshot PDFs with (playwright-core, headless); missing = /snapshots/[id]/pdf answers 503 and scheduled mail carries a link only'),
  mailFrom: text('BEACON_MAIL_FROM', 'Beacon <beacon@localhost>', "the From address of Beacon's mail"),
  /** Roles that must enrol a second factor (TOTP) before reaching anything else. */
  require2faRoles: roles('BEACON_REQUIRE_2FA', 'comma-separated roles that must enrol a second factor (TOTP) before anything else (admin, leadership, coordinator, board)'),
  newUserPassword: text('BEACON_NEW_USER_PASSWORD', undefined, 'npm run user:create only: the new user\'s password (asked for on a terminal when unset)'),
  production: { name: 'NODE_ENV', default: 'production', doc: 'production (npm start and npm run serve set it) or development', read: (raw: string | undefined) => raw === 'production' } satisfies Setting<boolean>
} satisfies Record<string, Setting<unknown>>;

export type Config = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]['read']> };

/** Variable, default and documentation of every setting (for .env.example and its test). */
export const settingDocs: ReadonlyArray<{ name: string; default: string; doc: string }> = Object.values(SETTINGS).map(({ name, default: d, doc }) => ({ name, default: d, doc }));

let envFileLoaded = false;
/** Loads ./.env into process.env once (variables already set win), when the file exists. */
export function loadEnvFile(file = path.resolve('.env')): void {
  if (envFileLoaded) return;
  envFileLoaded = true;
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

/** Reads and validates every setting; throws a ConfigError naming the first bad variable. */
export function readConfig(env?: Env): Config {
  if (!env) loadEnvFile();
  const source = env ?? process.env;
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) out[key] = (setting as Setting<unknown>).read(source[setting.name], source);
  return out as Config;
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= readConfig();
  return cached;
}
