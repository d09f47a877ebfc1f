import { fail, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { createCallerFactory } from './t.js';
import { DomainError } from '../errors.js';
import { appRouter } from './router.js';
import { createContext } from './context.js';

const createCaller = createCallerFactory(appRouter);

/** Load functions call procedures in-process, through the same input validation and guards. */
export async function serverCaller(event: RequestEvent) {
  return createCaller(await createContext(event));
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
 * error, never parsed from text). Null for anything unexpected, which must surface as a 500.
 */
export function describeRefusal(err: unknown): Refusal | null {
  if (!(err instanceof TRPCError) || !STATUS[err.code]) return null;
  if (!(err.cause instanceof ZodError)) {
    // A service's refusal may name its field too (DomainError details), as a zod error does.
    const named = err.cause instanceof DomainError ? (err.cause.details?.fieldErrors as Record<string, string[] | undefined> | undefined) : undefined;
    return { status: STATUS[err.code]!, message: err.message, fieldErrors: named ?? {} };
  }
  const { formErrors, fieldErrors } = err.cause.flatten() as { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
  const fields = Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages?.[0]}`);
  return { status: STATUS[err.code]!, message: [...formErrors, ...fields].join(' · ') || 'Check the form.', fieldErrors };
}

/** A form action's answer to a refused call; unexpected errors are rethrown (500, details logged only). */
export function actionFailure(err: unknown, extra: Record<string, unknown> = {}) {
  const refusal = describeRefusal(err);
  if (!refusal) throw err;
  return fail(refusal.status, { ...extra, message: refusal.message, fieldErrors: refusal.fieldErrors });
}
