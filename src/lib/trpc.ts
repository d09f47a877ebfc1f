// The browser's tRPC client, and how a page reads a refusal: per-field messages and conflict data
// come from the error's `data` (the server's errorFormatter), never from parsing its message.
import { createTRPCClient } from 'trpc-sveltekit';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '$lib/server/trpc/router.js';
import type { ConflictDetails } from '$lib/server/errors.js';
import { fieldName } from '$lib/field-words.js';

let client: ReturnType<typeof createTRPCClient<AppRouter>> | undefined;

export function trpc() {
  client ??= createTRPCClient<AppRouter>();
  return client;
}

/** What a CONFLICT refusal carries (the server's type; a type-only import, erased from the bundle). */
export type Conflict = ConflictDetails;

export interface Refused {
  code: string;
  message: string;
  fieldErrors: Record<string, string[] | undefined>;
  conflict: Conflict | null;
}

/** Said when a request never reached the server (no connection, or it dropped on the way). */
export const NO_CONNECTION = 'Beacon could not be reached (no connection); this was not saved. Try again when you are back online.';

/** The request failed on the network, before any answer: nothing was refused, nothing was saved. */
export function isNetworkFailure(err: unknown): boolean {
  if (!(err instanceof TRPCClientError) || err.data) return false;
  return err.cause instanceof TypeError || (typeof navigator !== 'undefined' && navigator.onLine === false);
}

export function refusal(err: unknown): Refused {
  if (isNetworkFailure(err)) return { code: 'NETWORK', message: NO_CONNECTION, fieldErrors: {}, conflict: null };
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? {}) as { code?: string; fieldErrors?: Record<string, string[]> | null; conflict?: Conflict | null };
    return { code: data.code ?? 'ERROR', message: err.message, fieldErrors: data.fieldErrors ?? {}, conflict: data.conflict ?? null };
  }
  return { code: 'ERROR', message: 'Something went wrong; try again.', fieldErrors: {}, conflict: null };
}

/** One line for a refusal: the per-field messages, each after its field's name in words, or the message. */
export function describe(r: Refused): string {
  const fields = Object.entries(r.fieldErrors).filter(([, m]) => m?.length).map(([f, m]) => `${fieldName(f)}: ${m![0]}`);
  return fields.length ? fields.join(' · ') : r.message;
}
