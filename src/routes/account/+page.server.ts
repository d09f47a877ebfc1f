import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actionFailure, serverCaller } from '$lib/server/trpc/caller.js';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password.js';
import { field } from '$lib/server/pages/form-fields.js';
import { isOperational } from '$lib/server/auth/access.js';
import { formInput } from '$lib/form-input.js';

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const [me, sessions, secondFactor] = await Promise.all([caller.auth.me(), caller.auth.sessions(), caller.auth.secondFactor()]);
  // Notification mail: for the people who get notifications (not the board, which reads snapshots).
  const notifications = event.locals.user && isOperational(event.locals.user) ? await caller.notifications.settings() : null;
  return { me: { email: me.email, displayName: me.displayName, role: me.role }, sessions, secondFactor, minLength: PASSWORD_MIN_LENGTH, notifications };
};

export const actions: Actions = {
  name: async (event) => {
    const displayName = field(await event.request.formData(), 'displayName');
    try {
      await (await serverCaller(event)).auth.changeName({ displayName });
      return { action: 'name', saved: 'Your name is saved.' };
    } catch (err) {
      return actionFailure(err, { action: 'name', values: { displayName } });
    }
  },
  password: async (event) => {
    const form = await event.request.formData();
    const currentPassword = field(form, 'currentPassword');
    const newPassword = field(form, 'newPassword');
    if (newPassword && newPassword !== field(form, 'confirm')) {
      return { action: 'password', message: 'The two new passwords differ.', fieldErrors: { confirm: ['The two new passwords differ.'] }, failed: true };
    }
    try {
      const result = await (await serverCaller(event)).auth.changePassword({ currentPassword, newPassword });
      const others = result.otherSessionsEnded;
      return { action: 'password', saved: `Password changed. ${others === 1 ? '1 other session was' : `${others} other sessions were`} signed out.` };
    } catch (err) {
      return actionFailure(err, { action: 'password' });
    }
  },
  notifications: async (event) => {
    const mail = field(await event.request.formData(), 'mail');
    try {
      const saved = await (await serverCaller(event)).notifications.setMail({ mail: formInput(mail) });
      const words = { instant: 'Each notification will also come by mail.', digest: 'You will get one mail a day listing what you have not read.', off: 'No notification mail: they show in Beacon only.' };
      return { action: 'notifications', saved: words[saved.mail] };
    } catch (err) {
      return actionFailure(err, { action: 'notifications' });
    }
  },
  revoke: async (event) => {
    const sessionId = field(await event.request.formData(), 'sessionId');
    try {
      await (await serverCaller(event)).auth.revokeSession({ sessionId });
      if (sessionId === event.locals.session?.id) redirect(303, '/login');
      return { action: 'sessions', saved: 'That session is signed out.' };
    } catch (err) {
      return actionFailure(err, { action: 'sessions' });
    }
  },
  revokeOthers: async (event) => {
    try {
      const { ended } = await (await serverCaller(event)).auth.revokeOtherSessions();
      return { action: 'sessions', saved: `Signed out everywhere else (${ended} ${ended === 1 ? 'session' : 'sessions'}).` };
    } catch (err) {
      return actionFailure(err, { action: 'sessions' });
    }
  }
};
