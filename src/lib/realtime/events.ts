// The one socket contract, shared by the live hub (server) and the live client (browser). Client-safe:
// the only server reference is a type-only import of the router, erased at compile time, so view
// shapes flow from the procedures that produce them instead of being copied here.
import type { RouterOutputs } from '$lib/server/trpc/router.js';
import type { PatchOp } from './view-patch.js';

/** change_log topics, as the database triggers write them. */
export const changeTopics = ['partner', 'funding', 'budget', 'needs', 'survivors', 'outreach', 'annotation', 'periods'] as const;
export type ChangeTopic = (typeof changeTopics)[number];

/** One committed row change, as change_log records it. `seq` is commit order across the database. */
export interface RowChange {
  seq: number;
  topic: ChangeTopic;
  entity: string;
  id: number;
  op: 'I' | 'U' | 'D';
  /** The row's state or province; null for rows that have none (budget, outreach_goal). */
  state: string | null;
}

/** Dashboard topics and the view each one pushes (the tRPC output of the same query). */
export interface DashboardViews {
  overview: RouterOutputs['dashboard']['overview'];
  funding: RouterOutputs['dashboard']['funding'];
  aftercare: RouterOutputs['dashboard']['aftercare'];
  outreach: RouterOutputs['dashboard']['outreach'];
}
export type DashboardTopic = keyof DashboardViews;
export const dashboardTopics = ['overview', 'funding', 'aftercare', 'outreach'] as const satisfies readonly DashboardTopic[];

/** A dashboard view as pushed and as returned by a join: its topic tells the view's shape. */
export type DashboardPush = { [T in DashboardTopic]: { room: string; topic: T; seq: number; view: DashboardViews[T] } }[DashboardTopic];

/**
 * Rooms, parsed from their names (the server re-checks every join):
 * - `dashboard:<topic>` or `dashboard:<topic>:<canonical filter JSON>` — a dashboard view;
 * - `<changeTopic>:all` | `<changeTopic>:division:<code>` | `<changeTopic>:state:<ST>` — row changes;
 * - `inbox:<user id>` — one person's notifications (only that person's sockets may join).
 */
export type RoomSpec =
  | { kind: 'dashboard'; topic: DashboardTopic; filters: Record<string, string | number> }
  | { kind: 'rows'; topic: ChangeTopic; scope: { all: true } | { division: string } | { state: string } }
  | { kind: 'inbox'; userId: string };

/** Someone looking at a room: one entry per user, however many tabs (never their email). */
export interface Viewer {
  userId: string;
  displayName: string;
  role: 'admin' | 'leadership' | 'coordinator' | 'board';
}

/** What someone is editing right now (ephemeral: never stored, cleared on blur, leave or disconnect). */
export interface IntentTarget {
  entity: string;
  id: number;
  field: string;
}

/** One user's intent in a presence room; `target` null = they stopped editing. */
export interface IntentChange {
  room: string;
  userId: string;
  displayName: string;
  target: IntentTarget | null;
}

/** Server → client pushes. Every data push carries the change_log seq it reflects. */
export interface ServerToClientEvents {
  /** A complete dashboard view (a room's first push, or when a patch would not be smaller). */
  'dashboard:updated': (payload: DashboardPush) => void;
  /** The usual refresh (once per tick while its sources change, whatever the viewer count): the ops
   *  that turn the room's previous view (seq `prev`) into this one. A client not at `prev` re-joins. */
  'dashboard:patched': (payload: { room: string; topic: DashboardTopic; prev: number; seq: number; ops: PatchOp[] }) => void;
  /** Row changes for an entity room; `prev` is the seq of the room's previous push (a gap check). */
  'rows:changed': (payload: { room: string; prev: number; seq: number; changes: RowChange[] }) => void;
  /** A user's first tab entered the room. */
  'presence:joined': (payload: { room: string; viewer: Viewer }) => void;
  /** A user's last tab left the room (closed, navigated away or timed out). */
  'presence:left': (payload: { room: string; userId: string }) => void;
  /** Someone else in the room started or stopped editing a field. */
  'intent:changed': (payload: IntentChange) => void;
  /** The session was signed out, deactivated or changed role/regions: the server disconnects next. */
  'session:revoked': (payload: { reason: 'revoked' | 'expired' }) => void;
  /** A wall screen's device link was revoked: the server disconnects next, and refuses it from now on. */
  'kiosk:revoked': (payload: Record<string, never>) => void;
  /** New notifications for the person whose inbox room this is: fetch the list (and the unread count). */
  'inbox:changed': (payload: { room: string }) => void;
}

/** What a join returns: the catch-up since `since`, so joining and catching up leave no window. */
export type JoinResult =
  | {
      ok: true;
      room: string;
      seq: number;
      viewers: Viewer[];
      /** Dashboard rooms: the room's current view (always: later patches apply to it). Row rooms:
       *  the changes after `since`, or `reset` when the log no longer reaches back that far. */
      catchUp:
        | ({ kind: 'view' } & Omit<DashboardPush, 'room' | 'seq'>)
        | { kind: 'changes'; changes: RowChange[] }
        | { kind: 'reset' }
        | { kind: 'none' };
    }
  | { ok: false; room: string; error: JoinError };

/** Why a join was refused: role/region, an unknown room, no session, or the socket's limits
 *  (too many dashboard rooms at once; joining too fast — try again in a second). */
export type JoinError = 'forbidden' | 'bad_room' | 'unauthenticated' | 'too_many_rooms' | 'rate_limited';

/** Client → server commands (`entity:verb` with an ack). Sockets never write domain data. */
export interface ClientToServerEvents {
  'room:join': (payload: { room: string; since?: number }, ack: (result: JoinResult) => void) => void;
  'room:leave': (payload: { room: string }, ack: (result: { ok: boolean }) => void) => void;
  /** "I am editing this field" to the others in a presence room the socket has joined. */
  'intent:editing': (payload: { room: string } & IntentTarget) => void;
  'intent:cleared': (payload: { room: string }) => void;
}

/** Reasons a handshake is refused (`connect_error` message). */
export const handshakeErrors = ['origin_refused', 'unauthenticated', 'no_live_access', 'too_many_sockets', 'kiosk_revoked'] as const;
export type HandshakeError = (typeof handshakeErrors)[number];

const DIVISION = /^[a-z]+(?:-[a-z]+)*$/;
const STATE = /^[A-Z]{2}$/;

/** Canonical JSON of a filter object (sorted keys, no empty values): one room per distinct filter. */
export function canonicalFilters(filters: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? JSON.stringify(Object.fromEntries(entries)) : '';
}

export function dashboardRoom(topic: DashboardTopic, filters: Record<string, string | number | undefined | null> = {}): string {
  const key = canonicalFilters(filters);
  return key ? `dashboard:${topic}:${key}` : `dashboard:${topic}`;
}

export function rowsRoom(topic: ChangeTopic, scope: 'all' | { division: string } | { state: string }): string {
  if (scope === 'all') return `${topic}:all`;
  return 'division' in scope ? `${topic}:division:${scope.division}` : `${topic}:state:${scope.state}`;
}

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One person's notification room. */
export function inboxRoom(userId: string): string {
  return `inbox:${userId}`;
}

/** Parses a room name; null for anything that is not exactly a canonical room name. */
export function parseRoom(room: string): RoomSpec | null {
  if (typeof room !== 'string' || room.length > 300) return null;
  if (room.startsWith('inbox:')) {
    const userId = room.slice('inbox:'.length);
    return USER_ID.test(userId) ? { kind: 'inbox', userId } : null;
  }
  if (room.startsWith('dashboard:')) {
    const rest = room.slice('dashboard:'.length);
    const colon = rest.indexOf(':');
    const topic = colon < 0 ? rest : rest.slice(0, colon);
    if (!(dashboardTopics as readonly string[]).includes(topic)) return null;
    if (colon < 0) return { kind: 'dashboard', topic: topic as DashboardTopic, filters: {} };
    let filters: unknown;
    try {
      filters = JSON.parse(rest.slice(colon + 1));
    } catch {
      return null;
    }
    if (!filters || typeof filters !== 'object' || Array.isArray(filters)) return null;
    const flat = filters as Record<string, unknown>;
    if (!Object.values(flat).every((v) => typeof v === 'string' || typeof v === 'number')) return null;
    // Only the canonical spelling is a room, so two viewers of one filter always share one room.
    if (dashboardRoom(topic as DashboardTopic, flat as Record<string, string | number>) !== room) return null;
    return { kind: 'dashboard', topic: topic as DashboardTopic, filters: flat as Record<string, string | number> };
  }
  const [topic, scope, value, ...extra] = room.split(':');
  if (extra.length || !(changeTopics as readonly string[]).includes(topic)) return null;
  const t = topic as ChangeTopic;
  if (scope === 'all' && value === undefined) return { kind: 'rows', topic: t, scope: { all: true } };
  if (scope === 'division' && value && DIVISION.test(value)) return { kind: 'rows', topic: t, scope: { division: value } };
  if (scope === 'state' && value && STATE.test(value)) return { kind: 'rows', topic: t, scope: { state: value } };
  return null;
}

/** Rooms that show who else is looking (a dashboard, one division's needs, or every division's). */
export function hasPresence(room: string): boolean {
  return room.startsWith('dashboard:') || room.startsWith('needs:division:') || room === 'needs:all';
}
