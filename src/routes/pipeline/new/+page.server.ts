import type { PageServerLoad } from './$types';
import { serverCaller } from '$lib/server/trpc/caller.js';
import { divisionPage } from '$lib/server/pages/division-page.js';
import { PROGRAM_AREA_OF } from '$lib/server/funding/program-areas.js';

/** /pipeline/new: a new funding request, or (?id=) the edit of one still in intake or vetting. */
export const load: PageServerLoad = async (event) => {
  const page = divisionPage(event);
  const caller = await serverCaller(event);
  const id = Number(event.url.searchParams.get('id'));
  const [partners, needs, editing] = await Promise.all([
    caller.partners.list({ division: page.division }),
    caller.needs.list({ division: page.division }),
    Number.isSafeInteger(id) && id > 0 ? caller.funding.get({ id }) : Promise.resolve(null)
  ]);
  const mine = (state: string) => page.editableStates === null || page.editableStates.includes(state);
  return {
    ...page,
    programAreaOf: PROGRAM_AREA_OF,
    // Requests are entered for vetted partners (vetting current) in the user's regions.
    partners: partners.filter((p) => p.vettingCurrent && mine(p.state)).map((p) => ({ id: p.id, name: p.name, state: p.state, kind: p.kind })),
    needs: needs.filter((n) => mine(n.state)).map((n) => ({ id: n.id, title: n.title, centerName: n.centerName, state: n.state, quantity: n.quantity })),
    editing: editing && (editing.stage === 'intake' || editing.stage === 'vetting') ? editing : null,
    notEditable: editing && editing.stage !== 'intake' && editing.stage !== 'vetting' ? `"${editing.title}" is ${editing.stage}: a request is edited only in intake or vetting.` : null
  };
};
