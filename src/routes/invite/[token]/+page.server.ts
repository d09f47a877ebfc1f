import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { DomainError } from '$lib/server/errors.js';
import { homeOf } from '$lib/server/auth/access.js';
import { setSessionCookie } from '$lib/server/auth/session.js';
import { signOut, startSession } from '$lib/server/auth/sign-in.service.js';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password.js';
import { acceptInvitation, invitationForToken } from '$lib/server/users/users.service.js';
import { displayNameInput } from '$lib/server/users/users.schemas.js';
import { field } from '$lib/server/pages/form-fields.js';

const UNUSABLE = 'This invitation link is invalid, has expired or was already used. Ask an admin for a new one.';

export const load: PageServerLoad = async ({ params }) => {
  const { db } = await database();
  const invitation = await invitationForToken(db, params.token);
  if (!invitation) error(404, UNUSABLE);
  return { email: invitation.email, displayName: invitation.displayName, role: invitation.role, minLength: PASSWORD_MIN_LENGTH };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const password = field(form, 'password');
    // What was typed as the name comes back with every refusal, so a page reloaded without
    // JavaScript (or before it loaded) keeps it.
    const typedName = field(form, 'displayName').slice(0, 200);
    const name = displayNameInput.safeParse(field(form, 'displayName'));
    if (!name.success) return fail(400, { field: 'displayName', message: name.error.issues[0].message, displayName: typedName });
    if (password !== field(form, 'confirm')) return fail(400, { field: 'confirm', message: 'The two passwords differ.', displayName: typedName });

    const { db } = await database();
    let accepted;
    try {
      accepted = await acceptInvitation(db, { token: event.params.token, displayName: name.data, password });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return fail(err.code === 'NOT_FOUND' ? 404 : 400, { field: (err.details?.field as string) ?? null, message: err.message, displayName: typedName });
    }
    // Signed in as the new account straight away (whoever was signed in on this browser is not).
    if (event.locals.session) await signOut(db, event.locals.session);
    const created = await startSession(db, accepted.userId);
    setSessionCookie(event.cookies, event.url, created.token, created.absoluteExpiresAt);
    redirect(303, homeOf(accepted.role));
  }
};
