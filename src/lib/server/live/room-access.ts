// Who may join which room: the only place the live engine decides access (the browser only asks).
// - board members: no live rooms (they see frozen snapshots, never live operational detail);
// - admin and leadership: every room;
// - coordinators: dashboards (read, all divisions: the aggregates leadership also sees), and the
//   row-change rooms of their own regions only — a division they are assigned, or a single state.
import type { SessionUser } from '../auth/session.js';
import { isOperational } from '../auth/access.js';
import { divisionCodes, regionCodes, divisionOf, statesIn, type DivisionCode, type RegionCode } from '$lib/regions.js';
import type { RoomSpec } from '$lib/realtime/events.js';
import { dashboardFilterInput } from '../dashboards/dashboard.filters.js';

const isDivision = (d: string): d is DivisionCode => (divisionCodes as readonly string[]).includes(d);
const isState = (s: string): s is RegionCode => (regionCodes as readonly string[]).includes(s);

/** The rooms' own validity (real division/state codes, valid dashboard filters), whoever asks. */
export function isValidRoom(spec: RoomSpec): boolean {
  if (spec.kind === 'dashboard') return dashboardFilterInput.safeParse(spec.filters).success;
  const scope = spec.scope;
  if ('division' in scope) return isDivision(scope.division);
  if ('state' in scope) return isState(scope.state);
  return true;
}

export function mayJoinRoom(user: Pick<SessionUser, 'role' | 'divisions' | 'states'>, spec: RoomSpec): boolean {
  if (!isValidRoom(spec) || !isOperational(user)) return false;
  switch (user.role) {
    case 'admin':
    case 'leadership':
      return true;
    case 'coordinator':
      return spec.kind === 'dashboard' || coordinatorMaySee(user, spec.scope);
    default:
      return false;
  }
}

function coordinatorMaySee(user: Pick<SessionUser, 'divisions' | 'states'>, scope: Extract<RoomSpec, { kind: 'rows' }>['scope']): boolean {
  if ('division' in scope) {
    // A division room shows every state in it, so a coordinator of single states needs all of them.
    return user.divisions.includes(scope.division) || statesIn(scope.division as DivisionCode).every((s) => user.states.includes(s));
  }
  if ('state' in scope) return user.states.includes(scope.state) || user.divisions.includes(divisionOf(scope.state as RegionCode));
  return false;
}
