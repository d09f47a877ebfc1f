// See https://svelte.dev/docs/kit/types#app.d.ts
import type { ValidatedSession } from '$lib/server/auth/session.js';

declare global {
  namespace App {
    interface Error {
      message: string;
    }
    /** Set by the `authenticate` handle from the session cookie (null when anonymous). */
    interface Locals {
      user: ValidatedSession['user'] | null;
      session: ValidatedSession['session'] | null;
      /** Set by the `observe` handle: carried by every log line about this request. */
      requestId: string;
    }
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
