import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/runtime.js';
import { signIn, signOut } from '$lib/server/auth/sign-in.service.js';
import { setSessionCookie } from '$lib/server/auth/session.js';
import { readKnownBrowserToken, setKnownBrowserCookie } from '$lib/server/auth/known-browser.js';
import { landingFor, safeRedirectTarget } from '$lib/server/pages/page-access.js';
import { CONTROL_CHARACTERS_MESSAGE, isCleanText } from '$lib/validation.js';
import { beginSecondFactor } from '$lib/server/auth/two-factor.service.js';
import { setChallengeCookie } from '$lib/server/auth/challenge-cookie.js';
import { mailEnabled } from '$lib/server/mail/mail.js';
import { field } from '$lib/server/pages/form-fields.js';
import { config } from '$lib/server/config.js';
import { demoAccounts } from '$lib/server/users/demo-users.js';

// One message for every refusal: it must not tell whether the email has an account.
const REFUSED = 'Wrong email or password.';

const NOTICES: Record<string, string> = {
  reset: 'Your password was changed and every session signed out. Sign in with the new password.',
  expired: 'The sign-in took too long. Start again with your email and password.'
};

export const load: PageServerLoad = ({ locals, url }) => {
  const redirectTo = url.searchParams.get('redirectTo');
  if (locals.user) redirect(303, landingFor(locals.user, redirectTo));
  return {
    redirectTo: safeRedirectTarget(redirectTo), notice: NOTICES[url.searchParams.get('notice') ?? ''] ?? null, mailOn: mailEnabled(),
    // Demo mode only: the demo sign-ins (the password is printed at start-up, never shown here).
    demoAccounts: config().demo ? demoAccounts() : []
  };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = field(form, 'email').trim();
    const password = field(form, 'password');
    const redirectTo = field(form, 'redirectTo') || event.url.searchParams.get('redirectTo');
    if (!email || !password) return fail(400, { email, message: 'Enter your email and password.' });
    if (!isCleanText(email)) return fail(400, { email, message: `Email: ${CONTROL_CHARACTERS_MESSAGE}` });

    const { db } = await database();
    const knownBrowserToken = readKnownBrowserToken(event.cookies);
    const result = await signIn(db, {
      email, password, clientAddress: event.getClientAddress(), knownBrowserToken, userAgent: event.request.headers.get('user-agent')
    });
    if (!result.ok && result.reason === 'throttled') {
      event.setHeaders({ 'Retry-After': String(result.retryAfterSeconds) });
      return fail(429, {
        email,
        retryAfterSeconds: result.retryAfterSeconds,
        message: `Too many sign-in attempts. Try again in ${result.retryAfterSeconds} seconds.`
      });
    }
    if (!result.ok && result.reason === 'second-factor') {
      // No session yet: the code step holds only a short-lived challenge.
      const challenge = await beginSecondFactor(db, result.userId);
      setChallengeCookie(event.cookies, event.url, challenge.token, challenge.expiresAt);
      const target = safeRedirectTarget(redirectTo);
      redirect(303, `/login/code${target ? `?redirectTo=${encodeURIComponent(target)}` : ''}`);
    }
    if (!result.ok) return fail(400, { email, message: REFUSED });

    // A fresh session on every sign-in; whatever session this browser had before ends now.
    if (event.locals.session) await signOut(db, event.locals.session);
    setSessionCookie(event.cookies, event.url, result.created.token, result.created.absoluteExpiresAt);
    setKnownBrowserCookie(event.cookies, event.url, result.knownBrowserToken);
    redirect(303, landingFor({ role: result.role }, redirectTo));
  }
};
