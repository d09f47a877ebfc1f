import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { signOut } from '$lib/server/auth/sign-in.service.js';
import { clearSessionCookie } from '$lib/server/auth/session.js';

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.user) redirect(303, '/login');
  return {};
};

export const actions: Actions = {
  // Deletes the session row (so the cookie is useless even if it was copied) and clears the cookie.
  default: async ({ locals, cookies, url }) => {
    if (locals.session) {
      const { db } = await database();
      await signOut(db, locals.session);
    }
    clearSessionCookie(cookies, url);
    redirect(303, '/login');
  }
};
