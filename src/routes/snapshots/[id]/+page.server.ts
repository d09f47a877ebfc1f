import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { serverCaller, actionFailure, describeRefusal } from '$lib/server/trpc/caller.js';
import { idFromForm } from '$lib/server/pages/snapshot-forms.js';
import { formInput } from '$lib/form-input.js';
import { sentField } from '$lib/server/pages/form-fields.js';

const idOf = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : error(404, 'There is no such snapshot.'));

export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const id = idOf(event.params.id);
  const role = event.locals.user?.role;
  try {
    const [snapshot, others, shareLinks] = await Promise.all([
      caller.snapshots.get({ id }),
      caller.snapshots.list({}),
      role === 'admin' ? caller.snapshots.shareLinks({ snapshotId: id }) : Promise.resolve(null)
    ]);
    return { snapshot, others: others.filter((s) => s.id !== id), shareLinks, canEdit: role === 'leadership' || role === 'admin' };
  } catch (err) {
    const refusal = describeRefusal(err);
    if (refusal) error(refusal.status, refusal.message);
    throw err;
  }
};


export const actions: Actions = {
  notes: async (event) => {
    const form = await event.request.formData();
    const input = { id: idOf(event.params.id), title: sentField(form, 'title')?.trim(), notes: sentField(form, 'notes') };
    try {
      await (await serverCaller(event)).snapshots.updateNotes(input);
      return { action: 'notes', saved: true };
    } catch (err) {
      return actionFailure(err, { action: 'notes' });
    }
  },
  share: async (event) => {
    const form = await event.request.formData();
    const days = Number(sentField(form, 'expiresInDays'));
    try {
      const link = await (await serverCaller(event)).snapshots.createShareLink({ snapshotId: idOf(event.params.id), expiresInDays: days });
      return { action: 'share', link: { url: `${event.url.origin}${link.path}`, expiresAt: link.expiresAt } };
    } catch (err) {
      return actionFailure(err, { action: 'share' });
    }
  },
  revoke: async (event) => {
    const id = idFromForm(await event.request.formData());
    try {
      await (await serverCaller(event)).snapshots.revokeShareLink(formInput({ id }));
      return { action: 'revoke', ok: true };
    } catch (err) {
      return actionFailure(err, { action: 'revoke' });
    }
  }
};
