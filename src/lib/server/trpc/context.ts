import type { RequestEvent } from '@sveltejs/kit';
import type { Db } from '../db/index.js';
import type { DbKind } from '../config.js';
import type { SessionUser } from '../auth/access.js';
import { database } from '../runtime.js';
import type { KioskIdentity } from '../kiosk/kiosk.service.js';

/** The testable part of the context: tests build it directly and call procedures via createCaller. */
export interface InnerContext {
  db: Db;
  dbKind: DbKind;
  /** The signed-in user (from the session cookie, see hooks.server.ts), or null when anonymous. */
  user: SessionUser | null;
  /** The id (stored hash) of the session making the request; null in-process without one. */
  sessionId?: string | null;
  /** A wall screen's device link (its page load only, never from HTTP headers): it reads its
   *  dashboards and nothing else (trpc/t.ts dashboardProcedure); `user` stays null. */
  kiosk?: KioskIdentity | null;
}

export function createInnerContext(inner: InnerContext): InnerContext {
  return { db: inner.db, dbKind: inner.dbKind, user: inner.user ?? null, sessionId: inner.sessionId ?? null, kiosk: inner.kiosk ?? null };
}

export async function createContext(event: RequestEvent): Promise<InnerContext> {
  const { db, kind } = await database();
  return createInnerContext({ db, dbKind: kind, user: event.locals.user ?? null, sessionId: event.locals.session?.id ?? null });
}

export type Context = InnerContext;
