import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { signOut } from '$lib/server/auth/sign-in.service.js';
import { setSessionCookie } from '$lib/server/auth/session.js';
import { landingFor, safeRedirectTarget } from '$lib/server/pages/page-access.js';
import { challengeIsOpen, completeSecondFactor } from '$lib/server/auth/two-factor.service.js';
import { clearChallengeCookie, readChallengeCookie } from '$lib/server/auth/challenge-cookie.js';
import { readKnownBrowserToken, setKnownBrowserCookie } from '$lib/server/auth/known-browser.js';
import { field } from '$lib/server/pages/form-fields.js';

export const load: PageServerLoad = async ({ cookies, url, locals }) => {
  const redirectTo = url.searchParams.get('redirectTo');
  if (locals.user) redirect(303, landingFor(locals.user, redirectTo));
  const { db } = await database();
  if (!(await challengeIsOpen(db, readChallengeCookie(cookies, url)))) redirect(303, '/login?notice=expired');
  return { redirectTo: safeRedirectTarget(redirectTo) };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const code = field(form, 'code').trim();
    const redirectTo = field(form, 'redirectTo') || event.url.searchParams.get('redirectTo');
    if (!code) return fail(400, { message: 'Type the 6-digit code from your app, or a recovery code.' });
    const { db } = await database();
    const result = await completeSecondFactor(db, {
      challengeToken: readChallengeCookie(event.cookies, event.url),
      code,
      clientAddress: event.getClientAddress(),
      origin: { userAgent: event.request.headers.get('user-agent'), address: event.getClientAddress() },
      knownBrowserToken: readKnownBrowserToken(event.cookies)
    });
    if (!result.ok && result.reason === 'expired') {
      clearChallengeCookie(event.cookies, event.url);
      redirect(303, '/login?notice=expired');
    }
    if (!result.ok && result.reason === 'throttled') {
      event.setHeaders({ 'Retry-After': String(result.retryAfterSeconds) });
      return fail(429, { message: `Too many wrong codes. Try again in ${result.retryAfterSeconds} seconds.` });
    }
    if (!result.ok) return fail(400, { message: result.message });
    clearChallengeCookie(event.cookies, event.url);
    if (event.locals.session) await signOut(db, event.locals.session);
    setSessionCookie(event.cookies, event.url, result.created.token, result.created.absoluteExpiresAt);
    setKnownBrowserCookie(event.cookies, event.url, result.knownBrowserToken);
    redirect(303, landingFor({ role: result.role }, redirectTo));
  }
};
