// Pure access rules: who may read, change and open what. The server applies them everywhere (tRPC
// middlewares, services, the page guard); the layout only uses them to hide what a role cannot use.
import type { UserRole } from '../db/schema.js';
import { DomainError } from '../errors.js';

export type Role = UserRole;

/** The signed-in user as every request sees it (built from the session by validateSessionToken). */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  /** Assigned program divisions (coordinators). */
  divisions: string[];
  /** Every state/province the user may edit: assigned states plus all states of assigned divisions. */
  states: string[];
  /**
   * Set when BEACON_REQUIRE_2FA names this role and no second factor is enrolled yet: nothing but
   * enrolment answers (the page guard and the tRPC middlewares both check it).
   */
  mustEnrolSecondFactor?: boolean;
}

export const ROLES: readonly Role[] = ['admin', 'leadership', 'coordinator', 'board'];
/** Roles that see live operational data (dashboards, needs, pipeline, outreach). */
export const OPERATIONAL_ROLES: readonly Role[] = ['admin', 'leadership', 'coordinator'];
/** Who makes, annotates and schedules board snapshots (the router, the service and the page ask this one list). */
export const SNAPSHOT_MAKERS: readonly Role[] = ['leadership', 'admin'];

export function isOperational(user: Pick<SessionUser, 'role'>): boolean {
  return OPERATIONAL_ROLES.includes(user.role);
}

/**
 * The one read rule for live operational data — needs, funding requests, partners, comments,
 * activity, outreach and the dashboards — over HTTP (operationalProcedure) and live (the socket
 * handshake and every room, live/room-access.ts): admin, leadership and coordinators read every
 * region; writing is narrower (canEditState). The board reads snapshots only.
 */
export function mayReadOperational(user: Pick<SessionUser, 'role'>): boolean {
  return isOperational(user);
}

export function isAdmin(user: Pick<SessionUser, 'role'>): boolean {
  return user.role === 'admin';
}

/**
 * May this user change rows located in `state`? Coordinators only in their regions; leadership and
 * admin everywhere; board never. Which roles may call a given mutation at all is the procedure's rule.
 */
export function canEditState(user: Pick<SessionUser, 'role' | 'states'>, state: string): boolean {
  if (user.role === 'board') return false;
  if (user.role === 'coordinator') return user.states.includes(state);
  return true;
}

const HOME: Record<Role, string> = {
  leadership: '/dashboard',
  coordinator: '/needs',
  board: '/snapshots',
  admin: '/admin'
};

export function homeOf(role: Role): string {
  return HOME[role];
}

/** Service-level guard (services check access first, whatever called them). */
export function assertRole(user: Pick<SessionUser, 'role'>, roles: readonly Role[], message = 'Your role cannot do this.'): void {
  if (!roles.includes(user.role)) throw new DomainError('FORBIDDEN', message);
}

/** Service-level form of mayReadOperational (services check access first, whatever called them). */
export function assertMayReadOperational(user: Pick<SessionUser, 'role'>, message: string): void {
  if (!mayReadOperational(user)) throw new DomainError('FORBIDDEN', message);
}

export function assertCanEditState(user: Pick<SessionUser, 'role' | 'states'>, state: string): void {
  if (!canEditState(user, state)) throw new DomainError('FORBIDDEN', `You can only change rows in your own regions (not ${state}).`);
}
