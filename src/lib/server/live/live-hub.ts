// The hub: committed changes in, pushes out.
// - Row changes go at once to the row rooms that may see them (topic:all, topic:division:<d>,
//   topic:state:<ST>), each push linked to the room's previous one (`prev`) so a client can tell a gap.
// - Dashboard rooms whose sources changed are marked dirty; each dirty room is re-read ONCE per tick
//   (at most every `tickMs`, at once when idle) and the result sent to the whole room, so a refresh
//   costs one read whatever the number of viewers. Reads are cached for joins and catch-up.
// Emits are local (`io.local`): every instance LISTENs and serves its own sockets, so nothing about
// data crosses the Socket.IO adapter (only presence and revocations do).
import type { Db } from '../db/index.js';
import { divisionOf, type RegionCode, regionCodes } from '$lib/regions.js';
import { inboxRoom, rowsRoom, type ChangeTopic, type DashboardPush, type RoomSpec, type RowChange } from '$lib/realtime/events.js';
import { diffView } from '$lib/realtime/view-patch.js';
import { dashboardSources, type DashboardRead } from './dashboard-sources.js';
import type { LiveServer } from './socket-server.js';
import { componentLog, type Logger } from '../log.js';
import { metrics } from '../metrics.js';

type DashboardSpec = Extract<RoomSpec, { kind: 'dashboard' }>;

interface DashboardRoom {
  room: string;
  spec: DashboardSpec;
  dependsOn: ReadonlySet<ChangeTopic>;
  cache: DashboardRead | null;
  /** The cache may be older than a processed change. */
  stale: boolean;
  /** Has viewers here and must be re-read and pushed on the next tick. */
  dirty: boolean;
  reading: Promise<DashboardRead> | null;
  /** The view every socket in the room has (as JSON): joins get it, the next push patches it. */
  pushed: DashboardRead | null;
}

export interface HubOptions {
  tickMs: number;
  fiscalYearStartMonth: number;
  /** The latest seq when the hub started: `prev` for a room's first push. */
  startSeq: number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface HubStats {
  rowPushes: number;
  dashboardReads: number;
  dashboardPushes: number;
}

const knownStates = new Set<string>(regionCodes);

export class LiveHub {
  private readonly roomLast = new Map<string, number>();
  private pendingRows: RowChange[] = [];
  /** Write times of the pending changes that carried one (for the commit-to-push histogram). */
  private pendingWrittenAt: number[] = [];
  private rowFlushScheduled = false;
  private readonly dashboards = new Map<string, DashboardRoom>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing = false;
  private lastFlushAt = 0;
  private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly stats: HubStats = { rowPushes: 0, dashboardReads: 0, dashboardPushes: 0 };

  constructor(
    private readonly io: LiveServer,
    private readonly db: Db,
    private readonly options: HubOptions
  ) {
    this.log = options.log ?? componentLog('live');
    // A room nobody here watches any more needs no cache and no refresh.
    io.of('/').adapter.on('delete-room', (room: string) => this.dashboards.delete(room));
  }

  /** Rooms that may see a row: the topic's org-wide room, its division's and its state's. */
  static roomsFor(change: RowChange): string[] {
    const rooms = [rowsRoom(change.topic, 'all')];
    if (change.state && knownStates.has(change.state)) {
      rooms.push(rowsRoom(change.topic, { division: divisionOf(change.state as RegionCode) }));
      rooms.push(rowsRoom(change.topic, { state: change.state }));
    }
    return rooms;
  }

  /**
   * Called by the change listener, in seq order, for every committed change. Changes that arrive in
   * the same event-loop turn go out as one push per room (setImmediate adds no delay when idle); under
   * load the batches grow by themselves, so a burst costs fewer socket writes instead of a backlog.
   */
  onChanges(changes: RowChange[], writtenAt?: number): void {
    this.pendingRows.push(...changes);
    if (typeof writtenAt === 'number' && Number.isFinite(writtenAt)) for (let i = 0; i < changes.length; i++) this.pendingWrittenAt.push(writtenAt);
    if (!this.rowFlushScheduled) {
      this.rowFlushScheduled = true;
      setImmediate(() => this.flushRows());
    }
  }

  private flushRows(): void {
    this.rowFlushScheduled = false;
    const changes = this.pendingRows;
    const writtenAt = this.pendingWrittenAt;
    this.pendingRows = [];
    this.pendingWrittenAt = [];
    if (!changes.length) return;
    let pushed = false;
    const byRoom = new Map<string, RowChange[]>();
    const topics = new Set<ChangeTopic>();
    for (const change of changes) {
      topics.add(change.topic);
      for (const room of LiveHub.roomsFor(change)) {
        const list = byRoom.get(room);
        if (list) list.push(change);
        else byRoom.set(room, [change]);
      }
    }
    const local = this.io.of('/').adapter.rooms;
    for (const [room, list] of byRoom) {
      const prev = this.roomLast.get(room) ?? this.options.startSeq;
      const seq = list[list.length - 1].seq;
      this.roomLast.set(room, seq);
      if (!local.get(room)?.size) continue;
      this.io.local.to(room).emit('rows:changed', { room, prev, seq, changes: list });
      this.stats.rowPushes++;
      metrics().rowPushes.inc();
      pushed = true;
    }
    if (pushed) {
      // Once per change (not per room): its write on the database clock to its push here.
      const now = Date.now();
      for (const at of writtenAt) metrics().commitToPush.observe(Math.max(0, now - at) / 1000);
    }
    let anyDirty = false;
    for (const d of this.dashboards.values()) {
      if (![...topics].some((t) => d.dependsOn.has(t))) continue;
      d.stale = true;
      if (local.get(d.room)?.size) d.dirty = anyDirty = true;
    }
    if (anyDirty) this.scheduleFlush();
  }

  /** A person has new notifications: tell their sockets on this instance (every instance LISTENs). */
  onInbox(userId: string): void {
    const room = inboxRoom(userId);
    if (this.io.of('/').adapter.rooms.get(room)?.size) this.io.local.to(room).emit('inbox:changed', { room });
  }

  /**
   * The room's view for a joining socket: the one its viewers have (so the next patch applies to
   * it too), refreshed for everyone on the next tick if changes came since; a first read otherwise.
   */
  async readDashboard(room: string, spec: DashboardSpec): Promise<DashboardRead> {
    const d = this.dashboardRoom(room, spec);
    if (d.pushed) {
      if (d.stale || (d.cache && d.cache.seq > d.pushed.seq)) {
        d.dirty = true;
        this.scheduleFlush();
      }
      return d.pushed;
    }
    const read = d.cache && !d.stale ? d.cache : await this.read(d);
    d.pushed ??= toWire(read);
    return d.pushed;
  }

  private dashboardRoom(room: string, spec: DashboardSpec): DashboardRoom {
    let d = this.dashboards.get(room);
    if (!d) {
      d = { room, spec, dependsOn: new Set(dashboardSources[spec.topic].dependsOn), cache: null, stale: true, dirty: false, reading: null, pushed: null };
      this.dashboards.set(room, d);
    }
    return d;
  }

  private read(d: DashboardRoom): Promise<DashboardRead> {
    if (d.reading) return d.reading;
    // Cleared before the read: a change processed while it runs marks the room stale again.
    d.stale = false;
    const source = dashboardSources[d.spec.topic];
    d.reading = source
      .read(this.db, d.spec.filters, { fiscalYearStartMonth: this.options.fiscalYearStartMonth })
      .then((result) => {
        this.stats.dashboardReads++;
        if (!d.cache || result.seq >= d.cache.seq) d.cache = result;
        return d.cache;
      })
      .catch((err) => {
        d.stale = true;
        throw err;
      })
      .finally(() => {
        d.reading = null;
      });
    return d.reading;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing) return;
    const wait = Math.max(0, this.lastFlushAt + this.options.tickMs - Date.now());
    this.flushTimer = setTimeout(() => void this.flush(), wait);
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    this.flushing = true;
    this.lastFlushAt = Date.now();
    const readsBefore = this.stats.dashboardReads;
    try {
      const due = [...this.dashboards.values()].filter((d) => d.dirty);
      await Promise.all(
        due.map(async (d) => {
          d.dirty = false;
          // A read already running may have started before the change: wait for it, then read again.
          if (d.reading) await d.reading.catch(() => undefined);
          try {
            const next = toWire(d.cache && !d.stale ? d.cache : await this.read(d));
            this.push(d, next);
          } catch (err) {
            d.dirty = true;
            this.log.error({ err, room: d.room }, 'refreshing a dashboard failed');
          }
        })
      );
    } finally {
      metrics().dashboardReadsPerTick.observe(this.stats.dashboardReads - readsBefore);
      this.flushing = false;
      if ([...this.dashboards.values()].some((d) => d.dirty)) this.scheduleFlush();
    }
  }

  /** One emit for the whole room: a patch against what it has, or the full view when that is smaller. */
  private push(d: DashboardRoom, next: DashboardRead): void {
    const prev = d.pushed;
    d.pushed = next;
    this.stats.dashboardPushes++;
    metrics().dashboardPushes.inc();
    const { room } = d;
    const topic = d.spec.topic;
    if (prev) {
      const ops = diffView(prev.view, next.view);
      if (JSON.stringify(ops).length < JSON.stringify(next.view).length / 2) {
        this.io.local.to(room).emit('dashboard:patched', { room, topic, prev: prev.seq, seq: next.seq, ops });
        return;
      }
    }
    this.io.local.to(room).emit('dashboard:updated', { room, topic, seq: next.seq, view: next.view } as DashboardPush);
  }

  stop(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }
}

/** The view as the socket carries it (JSON: Dates become ISO strings), so patches compare like with like. */
function toWire(read: DashboardRead): DashboardRead {
  return { seq: read.seq, view: JSON.parse(JSON.stringify(read.view)) };
}
