// Who may follow what live: the only place the live engine decides access (the browser only asks).
// One rule for HTTP and live (auth/access.ts mayReadOperational): whoever may read operational rows
// over HTTP may follow their rooms, and nobody else — admin, leadership and coordinators every room
// (coordinators read every region and edit only their own, as on the pages); the board no room and
// no connection at all (board members see frozen snapshots, never live operational detail).
import type { SessionUser } from '../auth/session.js';
import { mayReadOperational } from '../auth/access.js';
import { divisionCodes, regionCodes, type DivisionCode, type RegionCode } from '$lib/regions.js';
import type { RoomSpec } from '$lib/realtime/events.js';
import { dashboardFilterInput } from '../dashboards/dashboard.filters.js';

const isDivision = (d: string): d is DivisionCode => (divisionCodes as readonly string[]).includes(d);
const isState = (s: string): s is RegionCode => (regionCodes as readonly string[]).includes(s);

/** The rooms' own validity (real division/state codes, valid dashboard filters), whoever asks. */
export function isValidRoom(spec: RoomSpec): boolean {
  if (spec.kind === 'inbox') return true;
  if (spec.kind === 'dashboard') return dashboardFilterInput.safeParse(spec.filters).success;
  const scope = spec.scope;
  if ('division' in scope) return isDivision(scope.division);
  if ('state' in scope) return isState(scope.state);
  return true;
}

/** May this user hold a live connection at all (checked at the handshake)? */
export function mayFollowLive(user: Pick<SessionUser, 'role'>): boolean {
  return mayReadOperational(user);
}

export function mayJoinRoom(user: Pick<SessionUser, 'id' | 'role'>, spec: RoomSpec): boolean {
  // A person's inbox is theirs alone: another user's id is refused whatever the role.
  if (spec.kind === 'inbox') return spec.userId === user.id && mayReadOperational(user);
  return isValidRoom(spec) && mayReadOperational(user);
}
