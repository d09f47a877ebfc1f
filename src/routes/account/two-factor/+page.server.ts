import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actionFailure, serverCaller } from '$lib/server/trpc/caller.js';
import { field } from '$lib/server/pages/form-fields.js';

export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  const required = !!user.mustEnrolSecondFactor;
  // auth.secondFactor does not answer while enrolment is owed; nothing is enrolled then anyway.
  const enabled = required ? false : (await (await serverCaller(event)).auth.secondFactor()).enabled;
  return { required, enabled };
};

export const actions: Actions = {
  start: async (event) => {
    try {
      const key = await (await serverCaller(event)).auth.totpEnroll();
      return { step: 'scan' as const, key };
    } catch (err) {
      return actionFailure(err, { step: 'start' as const });
    }
  },
  confirm: async (event) => {
    const code = field(await event.request.formData(), 'code');
    const caller = await serverCaller(event);
    try {
      const { recoveryCodes } = await caller.auth.totpConfirm({ code });
      return { step: 'done' as const, recoveryCodes };
    } catch (err) {
      // The same pending key again, so the person can retry without scanning a new code.
      const key = await caller.auth.totpEnroll().catch(() => null);
      if (!key) redirect(303, '/account');
      return actionFailure(err, { step: 'scan' as const, key, code });
    }
  }
};
