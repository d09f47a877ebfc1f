// The collaboration pages that show one division at a time (/partners, /outreach, /survivor-counts,
// /pipeline, /needs): which division a page shows, and the names and states its controls offer.
import type { RequestEvent } from '@sveltejs/kit';
import { divisionCodes, divisionName, divisionOf, statesIn, statesOf, type DivisionCode, type RegionCode } from '$lib/regions.js';
import type { SessionUser } from '../auth/access.js';

/** The division a collaboration page shows: the one asked for, else the user's own, else the first. */
export function workingDivision(user: SessionUser, asked: string | null): DivisionCode {
  if (asked && (divisionCodes as readonly string[]).includes(asked)) return asked as DivisionCode;
  const own = user.divisions[0] ?? (user.states[0] ? divisionOf(user.states[0] as RegionCode) : undefined);
  return (own as DivisionCode | undefined) ?? divisionCodes[0];
}

/**
 * A division page's common data: the division shown (`?division=`, else the user's own), its name, every
 * division for the switcher, where this user may write (null = everywhere: the UI hides controls
 * elsewhere; the server refuses anyway) and the states of the division a form may offer.
 */
export function divisionPage(event: Pick<RequestEvent, 'locals' | 'url'>) {
  const user = event.locals.user!; // the page guard in hooks.server.ts lets only operational roles in
  const division = workingDivision(user, event.url.searchParams.get('division'));
  const editableStates = user.role === 'coordinator' ? user.states : null;
  return {
    division,
    divisionName: divisionName(division),
    divisions: divisionCodes.map((code) => ({ code, name: divisionName(code) })),
    editableStates,
    states: statesIn(division).filter((s) => editableStates === null || editableStates.includes(s))
  };
}

/**
 * A workspace page (/needs, /pipeline, /outreach): as a division page, but leadership and admin, who
 * work everywhere, start on every division at once (`division` null; `?division=all` asks for it).
 */
export function workspacePage(event: Pick<RequestEvent, 'locals' | 'url'>) {
  const user = event.locals.user!;
  const everywhere = user.role !== 'coordinator';
  const asked = event.url.searchParams.get('division');
  if (!everywhere || (asked !== null && asked !== 'all')) return { ...divisionPage(event), everywhere };
  const editableStates = null;
  return {
    division: null,
    divisionName: 'All divisions',
    divisions: divisionCodes.map((code) => ({ code, name: divisionName(code) })),
    editableStates,
    states: statesOf(null),
    everywhere
  };
}
