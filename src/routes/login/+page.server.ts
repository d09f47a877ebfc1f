import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { signIn, signOut } from '$lib/server/auth/sign-in.service.js';
import { setSessionCookie } from '$lib/server/auth/session.js';
import { readKnownBrowserToken, setKnownBrowserCookie } from '$lib/server/auth/known-browser.js';
import { landingFor, safeRedirectTarget } from '$lib/server/auth/page-access.js';
import { CONTROL_CHARACTERS_MESSAGE, isCleanText } from '$lib/validation.js';

// One message for every refusal: it must not tell whether the email has an account.
const REFUSED = 'Wrong email or password.';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

export const load: PageServerLoad = ({ locals, url }) => {
  const redirectTo = url.searchParams.get('redirectTo');
  if (locals.user) redirect(303, landingFor(locals.user, redirectTo));
  return { redirectTo: safeRedirectTarget(redirectTo) };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email').trim();
    const password = text(form, 'password');
    const redirectTo = text(form, 'redirectTo') || event.url.searchParams.get('redirectTo');
    if (!email || !password) return fail(400, { email, message: 'Enter your email and password.' });
    if (!isCleanText(email)) return fail(400, { email, message: `Email: ${CONTROL_CHARACTERS_MESSAGE}` });

    const { db } = await database();
    const knownBrowserToken = readKnownBrowserToken(event.cookies);
    const result = await signIn(db, { email, password, clientAddress: event.getClientAddress(), knownBrowserToken });
    if (!result.ok && result.reason === 'throttled') {
      event.setHeaders({ 'Retry-After': String(result.retryAfterSeconds) });
      return fail(429, {
        email,
        retryAfterSeconds: result.retryAfterSeconds,
        message: `Too many sign-in attempts. Try again in ${result.retryAfterSeconds} seconds.`
      });
    }
    if (!result.ok) return fail(400, { email, message: REFUSED });

    // A fresh session on every sign-in; whatever session this browser had before ends now.
    if (event.locals.session) await signOut(db, event.locals.session);
    setSessionCookie(event.cookies, event.url, result.created.token, result.created.absoluteExpiresAt);
    setKnownBrowserCookie(event.cookies, event.url, result.knownBrowserToken);
    redirect(303, landingFor({ role: result.role }, redirectTo));
  }
};
