import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { DomainError } from '$lib/server/errors.js';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password.js';
import { completePasswordReset, INVALID_RESET_LINK, resetForToken } from '$lib/server/auth/password-reset.service.js';
import { clearSessionCookie } from '$lib/server/auth/session.js';
import { field } from '$lib/server/pages/form-fields.js';

export const load: PageServerLoad = async ({ params }) => {
  const { db } = await database();
  const reset = await resetForToken(db, params.token);
  if (!reset) error(404, INVALID_RESET_LINK);
  return { email: reset.email, minLength: PASSWORD_MIN_LENGTH };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const password = field(form, 'password');
    if (!password) return fail(400, { field: 'password', message: 'Enter a new password.' });
    if (password !== field(form, 'confirm')) return fail(400, { field: 'confirm', message: 'The two passwords differ.' });
    const { db } = await database();
    try {
      await completePasswordReset(db, { token: event.params.token, password });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const field = (err.details?.fieldErrors as Record<string, string[]> | undefined)?.password ? 'password' : null;
      return fail(err.code === 'NOT_FOUND' ? 404 : 400, { field, message: err.message });
    }
    // Every session of the account ended, this browser's included.
    clearSessionCookie(event.cookies, event.url);
    redirect(303, '/login?notice=reset');
  }
};
