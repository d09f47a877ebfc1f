import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeOf } from '$lib/server/auth/access.js';

// Each role has a home; anyone not signed in starts at the sign-in page.
export const load: PageServerLoad = ({ locals }) => {
  redirect(303, locals.user ? homeOf(locals.user.role) : '/login');
};
