import { fail, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { createCallerFactory } from './t.js';
import { DomainError } from '../errors.js';
import { appRouter } from './router.js';
import { createContext, createInnerContext } from './context.js';
import { database } from '../runtime.js';
import type { KioskIdentity } from '../kiosk/kiosk.service.js';

const createCaller = createCallerFactory(appRouter);

/** Load functions call procedures in-process, through the same input validation and guards. */
export async function serverCaller(event: RequestEvent) {
  return createCaller(await createContext(event));
}

/** A wall screen's page load: procedures as its device link (its dashboards only, no user). */
export async function kioskCaller(kiosk: KioskIdentity) {
  const { db, kind } = await database();
  return createCaller(createInnerContext({ db, dbKind: kind, user: null, kiosk }));
}

const STATUS: Partial<Record<TRPCError['code'], number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409
};

export interface Refusal {
  status: number;
  message: string;
  fieldErrors: Record<string, string[] | undefined>;
}

/**
 * A refused procedure call, for a page to show: status, one message, per-field messages (from the zod
 * error or the service's field errors, never parsed from text), keyed by the form field's name (the
 * last name on the issue's path: `period.from` → `from`). Null for anything unexpected, which must
 * surface as a 500.
 */
export function describeRefusal(err: unknown): Refusal | null {
  if (!(err instanceof TRPCError) || !STATUS[err.code]) return null;
  const status = STATUS[err.code]!;
  if (!(err.cause instanceof ZodError)) {
    // A service's refusal may name its field too (DomainError details), as a zod error does.
    const named = err.cause instanceof DomainError ? (err.cause.details?.fieldErrors as Record<string, string[] | undefined> | undefined) : undefined;
    return { status, message: err.message, fieldErrors: named ?? {} };
  }
  const formErrors: string[] = [];
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of err.cause.issues) {
    const name = [...issue.path].reverse().find((p): p is string => typeof p === 'string');
    if (name) (fieldErrors[name] ??= []).push(issue.message);
    else formErrors.push(issue.message);
  }
  // The page's summary is in plain words too: the messages, not the fields' internal names.
  const summary = [...new Set([...formErrors, ...Object.values(fieldErrors).map((m) => m[0])])];
  return { status, message: summary.join(' ') || 'Check the form.', fieldErrors };
}

/** A form action's answer to a refused call; unexpected errors are rethrown (500, details logged only). */
export function actionFailure(err: unknown, extra: Record<string, unknown> = {}) {
  const refusal = describeRefusal(err);
  if (!refusal) throw err;
  return fail(refusal.status, { ...extra, message: refusal.message, fieldErrors: refusal.fieldErrors });
}
