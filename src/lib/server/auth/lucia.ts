// The only place that constructs Lucia (v3, unmaintained upstream): swapping it out later means
// rewriting this file and lucia-adapter.ts, nothing else.
import { Lucia, TimeSpan } from 'lucia';
import type { Db } from '../db/index.js';
import type { Role } from './access.js';
import { KyselySessionAdapter } from './lucia-adapter.js';

/** A session not used for this long ends (the sliding window). */
export const SESSION_IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** No session outlives this, however active (the hard cap). */
export const SESSION_ABSOLUTE_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

interface UserAttributes {
  email: string;
  displayName: string;
  role: Role;
  divisions: string[];
  states: string[];
  hasTotp: boolean;
}

interface SessionAttributes {
  absoluteExpiresAt: Date;
  lastActiveAt: Date;
  userAgent: string | null;
  address: string | null;
}

function createLucia(db: Db) {
  return new Lucia(new KyselySessionAdapter(db), {
    sessionExpiresIn: new TimeSpan(SESSION_IDLE_TIMEOUT_MS / 1000, 's'),
    getSessionAttributes: (attributes) => attributes,
    getUserAttributes: (attributes) => attributes
  });
}

export type BeaconLucia = ReturnType<typeof createLucia>;

declare module 'lucia' {
  interface Register {
    Lucia: BeaconLucia;
    DatabaseUserAttributes: UserAttributes;
    DatabaseSessionAttributes: SessionAttributes;
  }
}

// One Lucia per database handle (a handle, not per-user state); transactions get their own.
const instances = new WeakMap<Db, BeaconLucia>();

export function luciaFor(db: Db): BeaconLucia {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}
