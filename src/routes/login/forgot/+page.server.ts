import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { requestPasswordReset } from '$lib/server/auth/password-reset.service.js';
import { mailEnabled } from '$lib/server/mail/mail.js';
import { emailInput } from '$lib/server/users/users.schemas.js';
import { field } from '$lib/server/pages/form-fields.js';

// The same words whether or not the address has an account.
const SENT = 'If an account uses that address, a link to choose a new password is on its way. It works once, for one hour.';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user) redirect(303, '/account');
  return { mailOn: mailEnabled() };
};

export const actions: Actions = {
  default: async (event) => {
    const email = field(await event.request.formData(), 'email');
    const parsed = emailInput.safeParse(email);
    if (!parsed.success) return fail(400, { email, field: 'email', message: parsed.error.issues[0].message });
    const { db } = await database();
    const result = await requestPasswordReset(db, { email: parsed.data, clientAddress: event.getClientAddress(), baseUrl: event.url.origin });
    if (!result.ok && result.reason === 'mail-off') {
      return fail(503, { email, field: null, message: 'Beacon cannot send mail here. Ask an admin for a reset link.' });
    }
    if (!result.ok) {
      event.setHeaders({ 'Retry-After': String(result.retryAfterSeconds) });
      return fail(429, { email, field: null, message: `Too many requests. Try again in ${result.retryAfterSeconds} seconds.` });
    }
    // The mail goes out after the answer, so the answer takes as long for unknown addresses.
    return { email: parsed.data, sent: SENT };
  }
};
