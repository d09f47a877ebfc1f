// The browser's side of the live engine: one Socket.IO connection per tab, subscriptions to rooms,
// and the catch-up rules that make "live" mean live:
// - every subscription keeps the last seq it applied; a (re)join sends it and the join's answer
//   carries what was missed (changes, a fresh view, or `reset`), so a reconnect or a server restart
//   loses nothing;
// - a row push whose `prev` is newer than that seq means something was skipped: re-join to catch up;
// - `state` is 'live' only while connected AND every subscription has caught up — never while
//   showing data that may be stale.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  handshakeErrors, type ClientToServerEvents, type DashboardPush, type IntentTarget, type JoinResult, type RowChange,
  type ServerToClientEvents, type Viewer
} from './events.js';
import { applyPatch, type PatchOp } from './view-patch.js';

export type ConnectionState = 'live' | 'reconnecting' | 'offline';
type SubStatus = 'joining' | 'synced' | 'denied';

export interface SubscriptionHandlers {
  /** Last seq the caller's data reflects (e.g. the page's server-rendered view); catch-up starts there. */
  since?: number;
  /** Dashboard rooms: a complete view; replace what is shown. */
  onView?(view: DashboardPush['view'], seq: number): void;
  /** Row rooms: committed changes after the last applied seq, in seq order. */
  onChanges?(changes: RowChange[], seq: number): void;
  /** Row rooms: the retained log no longer reaches back to the last seq; reload the data. */
  onReset?(seq: number): void;
  /** The server refused this room (role or region). */
  onDenied?(error: string): void;
  /** Inbox rooms: something new arrived, or the room was (re)joined — read the inbox. */
  onInbox?(): void;
}

interface Subscription {
  room: string;
  handlers: SubscriptionHandlers;
  lastSeq: number | undefined;
  /** Pushes that arrived while a join was in flight; applied after its answer. */
  pending: Array<() => void> | null;
  attempt: number;
}

export interface LiveClientOptions {
  /** Server URL; the page's own origin by default. */
  url?: string;
  socket?: Partial<ManagerOptions & SocketOptions>;
}

const JOIN_TIMEOUT_MS = 15_000;

export class LiveClient {
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #subs = new Map<string, Subscription>();
  #connected = $state(false);
  #online = $state(true);
  /** Why the server refused the connection (no session, foreign origin); the client stops trying. */
  refused = $state<string | null>(null);
  /** A wall screen's device link was revoked (pushed, or refused at a handshake): it stops for good. */
  revoked = $state(false);
  #status = $state<Record<string, SubStatus>>({});
  /** The last seq applied, per room. */
  lastSeq = $state<Record<string, number>>({});
  /** Who else is looking, per presence room. */
  viewers = $state<Record<string, Viewer[]>>({});
  /** What the others in a presence room are editing, per room and user (ephemeral). */
  intents = $state<Record<string, Record<string, IntentTarget & { displayName: string }>>>({});
  /** Each dashboard room's current view (plain JSON, the base the next patch applies to). */
  readonly #views = new Map<string, DashboardPush['view']>();
  #serverDisconnects: number[] = [];
  #closed = false;

  readonly state: ConnectionState = $derived.by(() => {
    if (!this.#online || this.refused) return 'offline';
    if (this.#connected && Object.values(this.#status).every((s) => s !== 'joining')) return 'live';
    return 'reconnecting';
  });

  constructor(options: LiveClientOptions = {}) {
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      // WebSocket first; long-polling when a proxy or network refuses the upgrade.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      ...options.socket
    };
    this.#socket = options.url ? io(options.url, socketOptions) : io(socketOptions);
    const s = this.#socket;
    s.on('connect', () => {
      this.#connected = true;
      this.refused = null;
      for (const sub of this.#subs.values()) this.#join(sub);
    });
    s.on('disconnect', (reason) => {
      this.#connected = false;
      // Intents are only as current as the connection: the server clears ours, we drop theirs.
      this.intents = {};
      for (const sub of this.#subs.values()) this.#setStatus(sub.room, 'joining');
      // The server hung up on purpose (sign-out, a changed role): one new handshake decides whether
      // this session may still be live; a refused one ends in 'offline'.
      if (reason === 'io server disconnect' && !this.#closed && this.#mayRetryAfterServerDisconnect()) {
        setTimeout(() => !this.#closed && s.connect(), 250);
      } else if (reason === 'io server disconnect') {
        this.refused = 'disconnected';
      }
    });
    s.on('connect_error', (err) => {
      if ((handshakeErrors as readonly string[]).includes(err.message) || !s.active) this.refused = err.message;
      if (err.message === 'kiosk_revoked') this.#stopRevoked();
    });
    s.on('kiosk:revoked', () => this.#stopRevoked());
    s.on('rows:changed', (p) => this.#onRows(p));
    s.on('dashboard:updated', (p) => this.#onView(p));
    s.on('dashboard:patched', (p) => this.#onPatch(p));
    s.on('inbox:changed', ({ room }) => this.#subs.get(room)?.handlers.onInbox?.());
    s.on('presence:joined', ({ room, viewer }) => {
      this.viewers[room] = [...(this.viewers[room] ?? []).filter((v) => v.userId !== viewer.userId), viewer];
    });
    s.on('presence:left', ({ room, userId }) => {
      this.viewers[room] = (this.viewers[room] ?? []).filter((v) => v.userId !== userId);
      if (this.intents[room]) delete this.intents[room][userId];
    });
    s.on('intent:changed', ({ room, userId, displayName, target }) => {
      if (!this.#subs.has(room)) return;
      const byUser = (this.intents[room] ??= {});
      if (target) byUser[userId] = { ...target, displayName };
      else delete byUser[userId];
    });
    if (typeof window !== 'undefined') {
      this.#online = navigator.onLine;
      window.addEventListener('online', () => (this.#online = true));
      window.addEventListener('offline', () => (this.#online = false));
    }
  }

  /** Follows a room until the returned function is called. One subscription per room. */
  subscribe(room: string, handlers: SubscriptionHandlers): () => void {
    this.#subs.get(room)?.pending?.splice(0);
    const sub: Subscription = { room, handlers, lastSeq: handlers.since, pending: null, attempt: 0 };
    this.#subs.set(room, sub);
    if (handlers.since !== undefined) this.lastSeq[room] = handlers.since;
    this.#setStatus(room, 'joining');
    if (this.#socket.connected) this.#join(sub);
    return () => {
      if (this.#subs.get(room) !== sub) return;
      this.#subs.delete(room);
      this.#views.delete(room);
      delete this.#status[room];
      delete this.viewers[room];
      delete this.intents[room];
      if (this.#socket.connected) this.#socket.emit('room:leave', { room }, () => undefined);
    };
  }

  /** Tells the others in `room` which field this tab is editing (null: stopped, e.g. on blur). */
  setIntent(room: string, target: IntentTarget | null): void {
    if (!this.#socket.connected || !this.#subs.has(room)) return;
    if (target) this.#socket.emit('intent:editing', { room, ...target });
    else this.#socket.emit('intent:cleared', { room });
  }

  /** Whether the socket is connected right now (a wall screen's "connection lost" banner). */
  get connected(): boolean {
    return this.#connected;
  }

  close(): void {
    this.#closed = true;
    this.#socket.close();
    this.#connected = false;
  }

  #stopRevoked() {
    this.revoked = true;
    this.refused = 'kiosk_revoked';
    this.close();
  }

  #setStatus(room: string, status: SubStatus) {
    if (this.#status[room] !== status) this.#status[room] = status;
  }

  #mayRetryAfterServerDisconnect(): boolean {
    const now = Date.now();
    this.#serverDisconnects = [...this.#serverDisconnects.filter((t) => now - t < 60_000), now];
    return this.#serverDisconnects.length <= 3;
  }

  #join(sub: Subscription) {
    const attempt = ++sub.attempt;
    sub.pending = [];
    this.#setStatus(sub.room, 'joining');
    const payload = sub.lastSeq === undefined ? { room: sub.room } : { room: sub.room, since: sub.lastSeq };
    this.#socket.timeout(JOIN_TIMEOUT_MS).emit('room:join', payload, (err: Error | null, result: JoinResult) => {
      if (attempt !== sub.attempt || this.#subs.get(sub.room) !== sub) return;
      if (err) {
        // No answer in time: try again while connected (a reconnect re-joins anyway).
        setTimeout(() => this.#socket.connected && attempt === sub.attempt && this.#join(sub), 1_000);
        return;
      }
      if (!result.ok && result.error === 'rate_limited') {
        // Joining faster than the server allows (many rooms at once): the budget refills in a second.
        setTimeout(() => this.#socket.connected && attempt === sub.attempt && this.#join(sub), 1_000);
        return;
      }
      if (!result.ok) {
        sub.pending = null;
        this.#setStatus(sub.room, 'denied');
        sub.handlers.onDenied?.(result.error);
        return;
      }
      this.#applyCatchUp(sub, result);
      const pending = sub.pending ?? [];
      sub.pending = null;
      this.#setStatus(sub.room, 'synced');
      pending.forEach((apply) => apply());
      // Whatever arrived while disconnected: an inbox is re-read after every (re)join.
      sub.handlers.onInbox?.();
    });
  }

  #applyCatchUp(sub: Subscription, result: Extract<JoinResult, { ok: true }>) {
    const { catchUp, seq } = result;
    this.viewers[sub.room] = result.viewers;
    if (catchUp.kind === 'view') {
      this.#views.set(sub.room, catchUp.view);
      sub.handlers.onView?.(catchUp.view, seq);
    }
    else if (catchUp.kind === 'reset') sub.handlers.onReset?.(seq);
    else if (catchUp.kind === 'changes') {
      const last = sub.lastSeq ?? -Infinity;
      const fresh = catchUp.changes.filter((c) => c.seq > last);
      if (fresh.length) sub.handlers.onChanges?.(fresh, seq);
    }
    // A view older than what the caller already shows is not applied (kind 'none'), and its seq
    // must not move the caller's position backwards.
    if (sub.lastSeq === undefined || seq > sub.lastSeq || catchUp.kind === 'view' || catchUp.kind === 'reset') {
      sub.lastSeq = seq;
      this.lastSeq[sub.room] = seq;
    }
  }

  #onRows(p: Parameters<ServerToClientEvents['rows:changed']>[0]) {
    const sub = this.#subs.get(p.room);
    if (!sub) return;
    if (sub.pending) return void sub.pending.push(() => this.#onRows(p));
    const last = sub.lastSeq ?? -Infinity;
    if (p.seq <= last) return;
    // The room's previous push is newer than what was applied: one was missed. Catch up by re-joining.
    if (p.prev > last) return this.#join(sub);
    sub.lastSeq = p.seq;
    this.lastSeq[p.room] = p.seq;
    sub.handlers.onChanges?.(
      p.changes.filter((c) => c.seq > last),
      p.seq
    );
  }

  #onView(p: DashboardPush) {
    const sub = this.#subs.get(p.room);
    if (!sub) return;
    if (sub.pending) return void sub.pending.push(() => this.#onView(p));
    if (sub.lastSeq !== undefined && p.seq < sub.lastSeq) return;
    sub.lastSeq = p.seq;
    this.lastSeq[p.room] = p.seq;
    this.#views.set(p.room, p.view);
    sub.handlers.onView?.(p.view, p.seq);
  }

  #onPatch(p: { room: string; prev: number; seq: number; ops: PatchOp[] }) {
    const sub = this.#subs.get(p.room);
    if (!sub) return;
    if (sub.pending) return void sub.pending.push(() => this.#onPatch(p));
    if (sub.lastSeq !== undefined && p.seq <= sub.lastSeq) return;
    const base = this.#views.get(p.room);
    // Not the view this patch was made for: fetch the room's current view by re-joining.
    if (!base || p.prev !== sub.lastSeq) return this.#join(sub);
    const view = applyPatch(base, p.ops);
    sub.lastSeq = p.seq;
    this.lastSeq[p.room] = p.seq;
    this.#views.set(p.room, view);
    sub.handlers.onView?.(view, p.seq);
  }
}

let shared: LiveClient | undefined;
let sharedOptions: LiveClientOptions = {};

/** Options for the tab's connection, before its first use (a wall screen's device link token). */
export function configureLiveClient(options: LiveClientOptions): void {
  sharedOptions = options;
}

/** The tab's one live connection (browser only: never during server rendering). */
export function liveClient(): LiveClient {
  if (typeof window === 'undefined') throw new Error('the live client runs in the browser only');
  shared ??= new LiveClient(sharedOptions);
  return shared;
}
