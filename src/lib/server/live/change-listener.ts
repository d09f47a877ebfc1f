// LISTEN beacon_change, delivering every committed change exactly once and in seq (= commit) order.
// Postgres: a dedicated pg.Client (a pooled one could be handed to a query mid-LISTEN), reconnected
// with backoff when it drops; after each (re)connect it LISTENs first and then reads change_log
// after the last seq it delivered, so a change committed while it was away is never missed.
// Embedded PGlite: pglite.listen on the one in-process connection (nothing to reconnect).
import pg from 'pg';
import type { DbHandle } from '../db/index.js';
import type { ChangeTopic, RowChange } from '$lib/realtime/events.js';
import * as changeLog from './change-log.repository.js';
import { componentLog, type Logger } from '../log.js';
import { metrics } from '../metrics.js';

export const CHANGE_CHANNEL = 'beacon_change';
/** New notification rows, one message per person (migration 2026-12-05-10): `{"userId": "…"}`. */
export const INBOX_CHANNEL = 'beacon_inbox';
const CATCH_UP_PAGE = 2000;

// `at`: when the statement wrote (ms since the epoch, database clock; migration 2026-12-03-04).
type Notification =
  | { seq: number; topic: ChangeTopic; entity: string; id: number; op: RowChange['op']; state: string | null; at?: number }
  | { fromSeq: number; seq: number; topic: ChangeTopic; entity: string; count: number; at?: number };

export interface ChangeListenerOptions {
  handle: DbHandle;
  /** Connection string for the dedicated LISTEN connection (Postgres only). */
  databaseUrl?: string;
  /** Deliver changes after this seq (the latest seq at start-up). */
  afterSeq: number;
  /** `writtenAt`: when the changes were written (ms), when the notification said; not for catch-up reads. */
  onChanges(changes: RowChange[], writtenAt?: number): void;
  /** A person has new notifications (no catch-up: a reconnecting browser re-reads its inbox). */
  onInbox?(userId: string): void;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Health check of the LISTEN connection (ms); a silently dead TCP connection is replaced. */
  healthCheckMs?: number;
}

export interface ChangeListener {
  /** The last seq delivered. */
  readonly lastSeq: number;
  /** Listening now (Postgres: the dedicated connection is up and has caught up). */
  readonly connected: boolean;
  /** Resolves once the listener has (re)connected and caught up at least once. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startChangeListener(options: ChangeListenerOptions): ChangeListener {
  const queue = deliveryQueue(options);
  const inbox = inboxHandler(options);
  return options.handle.kind === 'pglite' ? listenOnPglite(options.handle, queue, inbox) : listenOnPostgres(options, queue, inbox);
}

function inboxHandler(options: ChangeListenerOptions): (payload: string | undefined) => void {
  const log = options.log ?? componentLog('live');
  return (payload) => {
    try {
      const { userId } = JSON.parse(payload ?? '') as { userId?: unknown };
      if (typeof userId === 'string') options.onInbox?.(userId);
    } catch {
      log.warn('ignoring a malformed inbox notification');
    }
  };
}

/**
 * The one delivery queue both engines feed: notifications and catch-up reads run one at a time, so
 * bulk-range reads and catch-up reads never reorder deliveries, and `lastSeq` only moves forward.
 */
interface DeliveryQueue {
  readonly lastSeq: number;
  onNotification(payload: string | undefined): void;
  /** Reads change_log after the last seq delivered, page by page (after each (re)connect). */
  catchUp(): Promise<void>;
  stop(): void;
}

function deliveryQueue(options: ChangeListenerOptions): DeliveryQueue {
  const log = options.log ?? componentLog('live');
  const { handle } = options;
  let lastSeq = options.afterSeq;
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();
  // After a failed read, later notifications must not move lastSeq past the unread rows: deliver
  // nothing until a catch-up has re-read the log from lastSeq.
  let broken = false;
  let repairTimer: NodeJS.Timeout | undefined;

  const deliver = (changes: RowChange[], writtenAt?: number) => {
    if (broken) return;
    const fresh = changes.filter((c) => c.seq > lastSeq);
    if (!fresh.length) return;
    lastSeq = fresh[fresh.length - 1].seq;
    metrics().changesDelivered.inc(fresh.length);
    try {
      options.onChanges(fresh, writtenAt);
    } catch (err) {
      log.error({ err }, 'change handler failed');
    }
  };

  const enqueue = (job: () => Promise<void> | void) => {
    const next = queue.then(job);
    queue = next.catch(() => undefined);
    return next;
  };

  const onNotification = (payload: string | undefined) => {
    if (!payload) return;
    let n: Notification;
    try {
      n = JSON.parse(payload) as Notification;
    } catch {
      log.warn('ignoring a malformed notification');
      return;
    }
    if ('fromSeq' in n) {
      enqueue(async () => {
        if (!broken) deliver(await changeLog.changesInRange(handle.db, Math.max(n.fromSeq, lastSeq + 1), n.seq), n.at);
      }).catch((err) => {
        log.error({ err }, 'reading a bulk change range failed');
        breakAndRepair();
      });
    } else {
      enqueue(() => deliver([{ seq: n.seq, topic: n.topic, entity: n.entity, id: n.id, op: n.op, state: n.state }], n.at));
    }
  };

  const catchUp = () =>
    enqueue(async () => {
      broken = false;
      try {
        for (;;) {
          const page = await changeLog.changesAfter(handle.db, lastSeq, CATCH_UP_PAGE);
          deliver(page);
          if (page.length < CATCH_UP_PAGE) return;
        }
      } catch (err) {
        broken = true;
        throw err;
      }
    });

  const breakAndRepair = () => {
    broken = true;
    if (stopped || repairTimer) return;
    repairTimer = setTimeout(() => {
      repairTimer = undefined;
      catchUp().catch((err) => {
        log.error({ err }, 'change_log catch-up failed');
        breakAndRepair();
      });
    }, 1_000);
  };

  return {
    get lastSeq() {
      return lastSeq;
    },
    onNotification,
    catchUp,
    stop() {
      stopped = true;
      clearTimeout(repairTimer);
    }
  };
}

/** Embedded PGlite: pglite.listen on the one in-process connection (nothing to reconnect). */
function listenOnPglite(handle: DbHandle, queue: DeliveryQueue, onInbox: (payload: string | undefined) => void): ChangeListener {
  const pglite = handle.pglite!;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let unlistenInbox: (() => Promise<void>) | undefined;
  const ready = pglite.listen(CHANGE_CHANNEL, queue.onNotification).then(async (u) => {
    unlisten = u;
    unlistenInbox = await pglite.listen(INBOX_CHANNEL, onInbox);
    await queue.catchUp();
  });
  let listening = false;
  void ready.then(() => (listening = true), () => undefined);
  return {
    get lastSeq() {
      return queue.lastSeq;
    },
    get connected() {
      return listening && !stopped;
    },
    ready,
    async stop() {
      stopped = true;
      queue.stop();
      await unlisten?.().catch(() => undefined);
      await unlistenInbox?.().catch(() => undefined);
    }
  };
}

/** Postgres: a dedicated connection with its own reconnect loop and health check. */
function listenOnPostgres(options: ChangeListenerOptions, queue: DeliveryQueue, onInbox: (payload: string | undefined) => void): ChangeListener {
  if (!options.databaseUrl) throw new Error('a Postgres change listener needs the database URL');
  const log = options.log ?? componentLog('live');
  let stopped = false;
  let client: pg.Client | undefined;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  /** Set once LISTEN is issued and the log caught up on the current connection. */
  let live = false;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const drop = (reason: string) => {
    const c = client;
    if (!c) return;
    client = undefined;
    live = false;
    clearInterval(healthTimer);
    c.removeAllListeners('notification');
    c.on('error', () => undefined);
    c.end().catch(() => undefined);
    if (!stopped) {
      log.warn({ reason }, 'LISTEN connection lost; reconnecting');
      schedule();
    }
  };

  const schedule = () => {
    if (stopped || retryTimer) return;
    // 250 ms doubling to 10 s, with jitter so several instances do not reconnect in lockstep.
    const delay = Math.min(10_000, 250 * 2 ** attempt) * (0.75 + Math.random() / 2);
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: options.databaseUrl, keepAlive: true, application_name: 'beacon-live-listener' });
    c.on('error', (err) => drop(err.message));
    c.on('end', () => drop('connection ended'));
    c.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL) queue.onNotification(msg.payload);
      else if (msg.channel === INBOX_CHANNEL) onInbox(msg.payload);
    });
    try {
      await c.connect();
      client = c;
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
      await c.query(`LISTEN ${INBOX_CHANNEL}`);
      await queue.catchUp();
      if (stopped) return void (await c.end().catch(() => undefined));
      if (attempt > 0) log.info({ seq: queue.lastSeq }, 'LISTEN connection restored and caught up');
      attempt = 0;
      live = client === c;
      markReady();
      healthTimer = setInterval(() => {
        const probe = client;
        if (!probe) return;
        const timeout = setTimeout(() => probe === client && drop('health check timed out'), 5_000);
        probe.query('select 1').then(
          () => clearTimeout(timeout),
          (err: Error) => {
            clearTimeout(timeout);
            if (probe === client) drop(err.message);
          }
        );
      }, options.healthCheckMs ?? 15_000);
      healthTimer.unref();
    } catch (err) {
      if (client === c) drop(err instanceof Error ? err.message : String(err));
      else {
        c.end().catch(() => undefined);
        if (!stopped) {
          log.warn({ err }, 'LISTEN connection failed; retrying');
          schedule();
        }
      }
    }
  };

  void connect();
  return {
    get lastSeq() {
      return queue.lastSeq;
    },
    get connected() {
      return live && client !== undefined && !stopped;
    },
    ready,
    async stop() {
      stopped = true;
      queue.stop();
      clearTimeout(retryTimer);
      clearInterval(healthTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    }
  };
}
