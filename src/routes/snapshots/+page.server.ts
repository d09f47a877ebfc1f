import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { serverCaller, actionFailure } from '$lib/server/trpc/caller.js';
import { createInputFromForm, idFromForm, scheduleInputFromForm } from '$lib/server/pages/snapshot-forms.js';
import { formInput } from '$lib/form-input.js';
import { SNAPSHOT_MAKERS } from '$lib/server/auth/access.js';


export const load: PageServerLoad = async (event) => {
  const caller = await serverCaller(event);
  const role = event.locals.user?.role;
  const canMake = role !== undefined && SNAPSHOT_MAKERS.includes(role);
  const [snapshots, schedules] = await Promise.all([caller.snapshots.list({}), canMake ? caller.snapshots.schedules() : Promise.resolve(null)]);
  return { snapshots, schedules, canMake };
};

export const actions: Actions = {
  create: async (event) => {
    const input = createInputFromForm(await event.request.formData());
    let id: number;
    try {
      id = (await (await serverCaller(event)).snapshots.create(formInput(input))).id;
    } catch (err) {
      return actionFailure(err, { action: 'create', values: input });
    }
    redirect(303, `/snapshots/${id}`);
  },
  setSchedule: async (event) => {
    const input = scheduleInputFromForm(await event.request.formData());
    try {
      await (await serverCaller(event)).snapshots.setSchedule(formInput(input));
      return { action: 'setSchedule', ok: true };
    } catch (err) {
      return actionFailure(err, { action: 'setSchedule', values: input });
    }
  },
  deleteSchedule: async (event) => {
    const id = idFromForm(await event.request.formData());
    try {
      await (await serverCaller(event)).snapshots.deleteSchedule(formInput({ id }));
      return { action: 'deleteSchedule', ok: true };
    } catch (err) {
      return actionFailure(err, { action: 'deleteSchedule' });
    }
  }
};
