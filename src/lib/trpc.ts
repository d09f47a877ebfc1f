// The browser's tRPC client, and how a page reads a refusal: per-field messages and conflict data
// come from the error's `data` (the server's errorFormatter), never from parsing its message.
import { createTRPCClient } from 'trpc-sveltekit';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '$lib/server/trpc/router.js';
import type { ConflictDetails } from '$lib/server/errors.js';

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

export function refusal(err: unknown): Refused {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? {}) as { code?: string; fieldErrors?: Record<string, string[]> | null; conflict?: Conflict | null };
    return { code: data.code ?? 'ERROR', message: err.message, fieldErrors: data.fieldErrors ?? {}, conflict: data.conflict ?? null };
  }
  return { code: 'ERROR', message: 'Something went wrong; try again.', fieldErrors: {}, conflict: null };
}

/** One line for a refusal: the per-field messages, or the message. */
export function describe(r: Refused): string {
  const fields = Object.entries(r.fieldErrors).filter(([, m]) => m?.length).map(([f, m]) => `${f}: ${m![0]}`);
  return fields.length ? fields.join(' · ') : r.message;
}
