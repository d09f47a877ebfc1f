import type { RequestEvent } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { serverCaller, actionFailure, describeRefusal } from '$lib/server/trpc/caller.js';
import { mailInvitation } from '$lib/server/users/invitation-mail.js';
import { formInput } from '$lib/form-input.js';
import { fieldList, sentField } from '$lib/server/pages/form-fields.js';

type Caller = Awaited<ReturnType<typeof serverCaller>>;

/**
 * An admin action on one user (the form's userId): what the procedure answers, or its refusal, both
 * tagged with the action and the user so the page shows them beside that user's row.
 */
function userAction<A extends string, R extends Record<string, unknown>>(action: A, run: (caller: Caller, userId: string, event: RequestEvent, form: FormData) => Promise<R>) {
  return async (event: RequestEvent) => {
    const form = await event.request.formData();
    const userId = sentField(form, 'userId') ?? '';
    const caller = await serverCaller(event);
    try {
      return { action, userId, ...(await run(caller, userId, event, form)) };
    } catch (err) {
      return actionFailure(err, { action, userId });
    }
  };
}

const AUDIT_FILTERS = ['actorId', 'entity', 'from', 'to'] as const;

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const filters: Record<string, string> = {};
  for (const key of AUDIT_FILTERS) {
    const value = event.url.searchParams.get(key);
    if (value) filters[key] = value;
  }
  const beforeId = Number(event.url.searchParams.get('beforeId')) || undefined;
  const [users, entities, kioskLinks] = await Promise.all([caller.users.list(), caller.audit.entities(), caller.kiosk.list()]);
  try {
    const audit = await caller.audit.list({ ...filters, beforeId, limit: 100 });
    return { users, entities, kioskLinks, filters, audit, auditError: null };
  } catch (err) {
    const refusal = describeRefusal(err);
    if (!refusal) throw err;
    return { users, entities, kioskLinks, filters, audit: { entries: [], nextBeforeId: null }, auditError: refusal.message };
  }
};

export const actions: Actions = {
  createKiosk: async (event) => {
    const form = await event.request.formData();
    const values = { label: sentField(form, 'label') ?? '', dashboards: fieldList(form, 'dashboards'), rotateSeconds: sentField(form, 'rotateSeconds') ?? '' };
    const caller = await serverCaller(event);
    try {
      const link = await caller.kiosk.create({
        label: values.label,
        dashboards: formInput(values.dashboards),
        // An empty or non-numeric field reaches the rules as NaN: refused in their words.
        rotateSeconds: values.rotateSeconds.trim() === '' ? Number.NaN : Number(values.rotateSeconds)
      });
      return { action: 'createKiosk', created: { label: link.label, url: `${event.url.origin}${link.path}` } };
    } catch (err) {
      return actionFailure(err, { action: 'createKiosk', values });
    }
  },
  revokeKiosk: async (event) => {
    const id = Number(sentField(await event.request.formData(), 'id'));
    const caller = await serverCaller(event);
    try {
      const revoked = await caller.kiosk.revoke({ id });
      return { action: 'revokeKiosk', revoked: revoked.label };
    } catch (err) {
      return actionFailure(err, { action: 'revokeKiosk' });
    }
  },
  invite: async (event) => {
    const form = await event.request.formData();
    const caller = await serverCaller(event);
    const input = {
      email: sentField(form, 'email') ?? '',
      role: sentField(form, 'role') ?? '',
      displayName: sentField(form, 'displayName') || undefined,
      divisions: fieldList(form, 'divisions'),
      states: fieldList(form, 'states')
    };
    try {
      const invited = await caller.users.invite(formInput(input));
      const email = input.email.trim().toLowerCase();
      const url = `${event.url.origin}/invite/${invited.token}`;
      // Mailed when mail is on; the link stays on screen either way, for the admin to copy.
      const mail = await mailInvitation({ to: email, url, expiresAt: invited.expiresAt, invitedBy: event.locals.user!.displayName });
      return { action: 'invite', invited: { email, url, expiresAt: invited.expiresAt, mail } };
    } catch (err) {
      return actionFailure(err, { action: 'invite', values: input });
    }
  },
  reissue: userAction('reissue', async (caller, userId, event) => {
    const invited = await caller.users.reissueInvite({ userId });
    return { invited: { url: `${event.url.origin}/invite/${invited.token}`, expiresAt: invited.expiresAt } };
  }),
  resetLink: userAction('resetLink', async (caller, userId, event) => {
    const link = await caller.users.resetLink({ userId });
    return { resetLink: { url: `${event.url.origin}/reset/${link.token}`, expiresAt: link.expiresAt } };
  }),
  resetSecondFactor: userAction('resetSecondFactor', async (caller, userId) => {
    const { removed } = await caller.users.resetSecondFactor({ userId });
    return { saved: true, note: removed ? 'Second factor removed: they set it up again at their next sign-in.' : 'This user had no second factor.' };
  }),
  update: userAction('update', async (caller, userId, _event, form) => {
    await caller.users.update(
      formInput({ userId, role: sentField(form, 'role'), displayName: sentField(form, 'displayName'), divisions: fieldList(form, 'divisions'), states: fieldList(form, 'states') })
    );
    return { saved: true };
  }),
  deactivate: userAction('deactivate', async (caller, userId) => {
    await caller.users.deactivate({ userId });
    return { saved: true };
  }),
  reactivate: userAction('reactivate', async (caller, userId) => {
    await caller.users.reactivate({ userId });
    return { saved: true };
  })
};
