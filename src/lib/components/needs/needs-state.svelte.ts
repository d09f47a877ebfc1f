// The /needs workspace in the browser: the page of needs the table shows (search, chips, filters,
// order and paging answered by the server: a division may hold thousands), kept live (every committed
// change in the room refetches that page, the activity feed, the open drawer and the board), the
// saves, and the conflicts a save can run into.
import { trpc, refusal, type Conflict, type Refused } from '$lib/trpc.js';
import { liveClient, type LiveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom, type IntentTarget, type RowChange } from '$lib/realtime/events.js';
import type { RouterInputs, RouterOutputs as Outputs } from '$lib/server/trpc/router.js';
import { formInput } from '$lib/form-input.js';
import type { DivisionCode } from '$lib/regions.js';
import { fieldLabel, fieldMessages, plainRefusal } from './need-words.js';
import { EditQueue, type QueuedEdit } from './edit-queue.svelte.js';
import { tableQuery, type TableQuery } from '../workspace/table-query.js';
import { NEEDS_FIRST_QUERY, NEEDS_PAGE, STATUSES } from './needs-view.js';

export type Need = Outputs['needs']['list'][number];
export type NeedsPage = Outputs['needs']['page'];
export type Activity = Outputs['activity']['list'][number];
export type Editable = 'title' | 'priority' | 'quantity' | 'neededBy' | 'estimatedCostCents' | 'centerId' | 'kind' | 'basicNeedType';

export interface PendingConflict {
  need: Need;
  mine: Record<string, unknown>;
  conflict: Conflict;
  /** Where focus goes back when the dialog closes (the cell that was being edited). */
  returnTo: { id: number; field: string };
  /** Set when the edit came from the queue of unsent edits: it leaves the queue once answered. */
  queued?: boolean;
}

/** What a save came to: saved, refused (with the plain message for the field), or a conflict (dialog). */
export type SaveResult = { ok: true; queued?: boolean } | { ok: false; message: string } | { ok: false; conflict: true };

/** While edits wait, a failed send is tried again this often (a flaky network says it is online). */
const RETRY_MS = 15_000;
const browserOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

export class NeedsWorkspace {
  /** The page the table shows. */
  needs = $state<Need[]>([]);
  /** How many needs match the query, and how many under each chip. */
  total = $state(0);
  counts = $state<Record<string, number>>({});
  /** The need open in the drawer, when it is not on the page (a link, or moved off the chip shown). */
  opened = $state<Need | null>(null);
  /** The board's columns (the first 100 of each status, with the status's count), once it is shown. */
  board = $state<Record<string, { rows: Need[]; total: number }> | null>(null);
  /** A page request is on its way. */
  loading = $state(false);
  #asked = 0;
  activity = $state<Activity[]>([]);
  message = $state<string | null>(null);
  conflict = $state<PendingConflict | null>(null);
  /** Bumped on every live change, so the open drawer refetches its comments and history. */
  revision = $state(0);
  live = $state<LiveClient | null>(null);
  /** Edits not yet saved (offline, or the network failed), kept in this browser per person. */
  readonly queue: EditQueue;
  online = $state(true);
  /** When the table's needs were last read from the server (ISO time): "as of" while offline. */
  readAt = $state('');
  /** What the table shows: open needs first, most urgent first. */
  query = $state<TableQuery>(tableQuery(...NEEDS_FIRST_QUERY));
  readonly room: string;
  /** The server's answer to a queued edit that conflicted, until its dialog is answered. */
  #conflicts = new Map<string, Conflict>();
  #flushing = false;

  /** `division` null: every division; `userId` keys the stored queue (null: kept in memory); `readAt`: when `page` was read. */
  constructor(readonly division: string | null, page: NeedsPage, activity: Activity[], userId: string | number | null = null, readAt = new Date().toISOString()) {
    this.readAt = readAt;
    this.queue = new EditQueue(userId === null ? null : `beacon:needs-unsaved:${userId}`);
    this.needs = this.#overlay(page.rows);
    this.total = page.total;
    this.counts = page.counts;
    this.activity = activity;
    this.room = division ? rowsRoom('needs', { division }) : rowsRoom('needs', 'all');
  }

  /** Follows the room and sends queued edits when the connection is back; returns the cleanup (for an $effect). */
  follow(): () => void {
    const live = liveClient();
    this.live = live;
    this.online = browserOnline();
    const online = () => {
      this.online = true;
      void this.flush();
    };
    const offline = () => (this.online = false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    const retry = setInterval(() => void this.flush(), RETRY_MS);
    void this.flush();
    // Joining without `since`: the first answer is followed by a refetch, so nothing between the
    // server render and the join is missed.
    const unsubscribe = live.subscribe(this.room, { onChanges: (changes) => this.apply(changes), onReset: () => {
      // A (re)join means the server is reachable again: what waits is sent, then the page is read.
      void this.flush();
      return this.refresh();
    } });
    return () => {
      unsubscribe();
      clearInterval(retry);
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }

  /** Needs as this person will see them once their queued edits are saved. */
  #overlay(needs: Need[]): Need[] {
    const waiting = this.queue.waiting();
    if (!waiting.length) return needs;
    return needs.map((n) => {
      const mine = waiting.filter((e) => e.needId === n.id);
      return mine.length ? ({ ...n, ...Object.fromEntries(mine.map((e) => [e.field, e.value])) } as Need) : n;
    });
  }

  /** The queued edit of a cell, if any (the cell says "not saved yet"). */
  unsaved(id: number, field: string): QueuedEdit | undefined {
    return this.queue.find(id, field);
  }

  /**
   * Sends the queued edits, oldest first, each from its own base: saved ones leave the queue, a
   * conflict opens the dialog, a refusal stays listed with its reason until the person discards it.
   * Stops at the first network failure (they stay queued).
   */
  async flush() {
    if (this.#flushing || !browserOnline() || !this.queue.waiting().length) return;
    this.#flushing = true;
    try {
      // One sender at a time across this person's tabs (and page instances): each edit is sent once.
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      if (locks && this.queue.key) await locks.request(this.queue.key, () => this.#send());
      else await this.#send();
    } finally {
      this.#flushing = false;
    }
    this.#nextConflict();
  }

  async #send() {
    this.queue.sync();
    let unsent = false;
    for (const e of this.queue.waiting()) {
      try {
        const row = await trpc().needs.update.mutate(formInput({ id: e.needId, version: e.base.version, changes: { [e.field]: e.value }, base: { [e.field]: e.base.value } }));
        this.queue.remove(e.needId, e.field);
        this.#replace(row);
      } catch (err) {
        const r = refusal(err);
        if (r.code === 'NETWORK') break;
        if (r.conflict && JSON.stringify(r.conflict.current[e.field] ?? null) === JSON.stringify(e.value ?? null)) {
          this.queue.remove(e.needId, e.field); // the need already holds this value: nothing to choose
        } else if (r.conflict) {
          this.#conflicts.set(`${e.needId}:${e.field}`, r.conflict);
          this.queue.mark(e.needId, e.field, 'conflict');
          unsent = true;
        } else {
          this.queue.mark(e.needId, e.field, 'refused', fieldMessages(r, {}, e.field)[e.field] ?? plainRefusal(r));
          unsent = true;
        }
      }
    }
    // The table showed these edits as if saved: show the saved values again.
    if (unsent) await this.refresh().catch(() => {});
  }

  /** Opens the dialog for the next queued edit that conflicted (one at a time). */
  #nextConflict() {
    if (this.conflict) return;
    const e = this.queue.entries.find((x) => x.state === 'conflict' && this.#conflicts.has(`${x.needId}:${x.field}`));
    if (!e) return;
    const conflict = this.#conflicts.get(`${e.needId}:${e.field}`)!;
    const need = this.needs.find((n) => n.id === e.needId) ?? (conflict.current as unknown as Need);
    this.conflict = { need: { ...need, title: e.title }, mine: { [e.field]: e.value }, conflict, returnTo: { id: e.needId, field: e.field }, queued: true };
  }

  /** A refused queued edit the person has read and lets go. */
  discard(e: QueuedEdit) {
    this.queue.remove(e.needId, e.field);
    void this.refresh().catch(() => {});
  }

  #enqueue(need: Need, field: string, value: unknown, base: { version: number; value: unknown }) {
    this.queue.put({ needId: need.id, field, value, base, title: need.title });
    this.#replace({ id: need.id, [field]: value });
  }

  /** Any committed change to a need in the room: the page, the feed, the drawer and the board are read again. */
  async apply(changes: RowChange[]) {
    if (!changes.some((c) => c.entity === 'aftercare_need')) return;
    await this.refresh();
  }

  #division() {
    return formInput<DivisionCode | undefined>(this.division ?? undefined);
  }

  #pageInput(q: TableQuery, over: Partial<{ status: string; offset: number; limit: number }> = {}) {
    return formInput<RouterInputs['needs']['page']>({
      division: this.#division(), text: q.text, status: over.status ?? q.status, priority: q.filters.priority || undefined, kind: q.filters.kind || undefined,
      sort: q.sort.key, dir: q.sort.dir === 1 ? 'asc' : 'desc', offset: over.offset ?? q.page * NEEDS_PAGE, limit: over.limit ?? NEEDS_PAGE
    });
  }

  /** Reads the page the query asks for (a later query's answer always wins over an earlier one's). */
  async loadPage(): Promise<void> {
    const asked = ++this.#asked;
    const q = this.query;
    this.loading = true;
    try {
      const page = await trpc().needs.page.query(this.#pageInput(q));
      if (asked !== this.#asked) return;
      // The page asked for no longer exists (fewer needs match now): show the last one.
      if (!page.rows.length && page.total > 0 && q.page > 0) {
        this.query = { ...q, page: Math.ceil(page.total / NEEDS_PAGE) - 1 };
        return this.loadPage();
      }
      this.needs = this.#overlay(page.rows);
      this.total = page.total;
      this.counts = page.counts;
      this.readAt = new Date().toISOString();
    } catch (err) {
      // Offline or a failed read: the table keeps the needs as last read, and says so.
      if (asked === this.#asked) {
        this.message = refusal(err).code === 'NETWORK' ? 'You are offline: the table shows the needs as last read.' : 'The needs could not be read just now; the table shows them as last read.';
      }
    } finally {
      if (asked === this.#asked) this.loading = false;
    }
  }

  /** The board's columns: the first 100 of each status, most urgent first, over the same search and filters. */
  async loadBoard() {
    const q = this.query;
    const pages = await Promise.all(STATUSES.map((status) =>
      trpc().needs.page.query(this.#pageInput({ ...q, sort: { key: 'status', dir: 1 } }, { status, offset: 0, limit: 100 }))));
    this.board = Object.fromEntries(STATUSES.map((s, i) => [s, { rows: pages[i].rows, total: pages[i].total }]));
  }

  /**
   * Opens a need in the drawer and keeps it there, even when it leaves the page (moved off the chip
   * shown): the page's copy at once, else read on its own; refresh() reads it again.
   */
  async show(id: number | null) {
    if (id === null) return void (this.opened = null);
    const onPage = this.needs.find((n) => n.id === id);
    if (onPage) return void (this.opened = onPage);
    try {
      const { editable: _editable, ...row } = await trpc().needs.get.query({ id });
      this.opened = this.#overlay([row])[0];
    } catch (err) {
      if (refusal(err).code === 'NOT_FOUND') this.message = 'That need no longer exists.';
    }
  }

  /** The need with this id as last read (the page's, the drawer's or the board's, whichever is newest). */
  find(id: number | null): Need | null {
    if (id === null) return null;
    const seen = [this.needs.find((n) => n.id === id), this.opened?.id === id ? this.opened : undefined,
      ...Object.values(this.board ?? {}).map((c) => c.rows.find((n) => n.id === id))].filter((n): n is Need => !!n);
    return seen.reduce<Need | null>((a, b) => (!a || b.version > a.version ? b : a), null);
  }

  async refresh() {
    const opened = this.opened?.id;
    const [activity, fresh] = await Promise.all([
      trpc().activity.list.query({ division: this.#division(), limit: 30 }),
      opened ? trpc().needs.get.query({ id: opened }).catch(() => null) : Promise.resolve(null),
      this.loadPage(),
      this.board ? this.loadBoard() : Promise.resolve()
    ]);
    if (fresh) {
      const { editable: _editable, ...row } = fresh;
      this.opened = this.#overlay([row])[0];
    }
    this.activity = activity;
    this.revision++;
  }

  viewers() {
    return this.live?.viewers[this.room] ?? [];
  }

  /** Who else is editing this need's field (display names). */
  editorsOf(id: number, field: string): string[] {
    const byUser = this.live?.intents[this.room] ?? {};
    return Object.values(byUser).filter((i) => i.entity === 'need' && i.id === id && i.field === field).map((i) => i.displayName);
  }

  setIntent(target: IntentTarget | null) {
    this.live?.setIntent(this.room, target);
  }

  #replace(row: Record<string, unknown>) {
    const merge = (n: Need) => (n.id === row.id ? ({ ...n, ...row } as Need) : n);
    this.needs = this.#overlay(this.needs.map(merge));
    if (this.opened) this.opened = this.#overlay([merge(this.opened)])[0];
    if (this.board) this.board = Object.fromEntries(Object.entries(this.board).map(([s, c]) => [s, { ...c, rows: this.#overlay(c.rows.map(merge)) }]));
  }

  /** Saves one field edited from `base` (the version and value when editing began). */
  async saveField(need: Need, field: Editable, value: unknown, base: { version: number; value: unknown }): Promise<SaveResult> {
    // Offline, or this cell already waits: queue it (after what waits, from the first base).
    if (!browserOnline() || this.queue.find(need.id, field)) {
      this.#enqueue(need, field, value, base);
      void this.flush();
      return { ok: true, queued: true };
    }
    const result = await this.#update(need, { [field]: value }, base.version, { [field]: base.value }, field);
    if (!result.ok && 'offline' in result) {
      this.#enqueue(need, field, value, base);
      return { ok: true, queued: true };
    }
    return result;
  }

  async #update(need: Need, changes: Record<string, unknown>, version: number, base: Record<string, unknown> | undefined, field: string): Promise<SaveResult | { ok: false; offline: true }> {
    this.message = null;
    try {
      const row = await trpc().needs.update.mutate(formInput({ id: need.id, version, changes, base }));
      this.#replace(row);
      return { ok: true };
    } catch (err) {
      const r = refusal(err);
      if (r.code === 'NETWORK') return { ok: false, offline: true };
      if (r.conflict) {
        this.conflict = { need, mine: changes, conflict: r.conflict, returnTo: { id: need.id, field } };
        return { ok: false, conflict: true };
      }
      const messages = fieldMessages(r, {}, field);
      return { ok: false, message: messages[field] ?? Object.values(messages)[0] ?? plainRefusal(r) };
    }
  }

  /** Conflict dialog answers. */
  async resolve(choice: Record<string, 'mine' | 'theirs'>) {
    const pending = this.conflict;
    if (!pending) return;
    this.conflict = null;
    this.#answered(pending);
    const changes = Object.fromEntries(Object.entries(pending.mine).filter(([f]) => choice[f] !== 'theirs'));
    const current = pending.conflict.current as { version: number } & Record<string, unknown>;
    if (Object.keys(changes).length) {
      const r = await this.#update(pending.need, changes, current.version, undefined, pending.returnTo.field);
      if (!r.ok && 'offline' in r) {
        // Kept, from the values the person has just seen: sent when the connection is back.
        for (const [f, v] of Object.entries(changes)) this.#enqueue(pending.need, f, v, { version: current.version, value: current[f] });
      } else if (!r.ok && 'message' in r) this.message = `${fieldLabel(pending.returnTo.field)}: ${r.message}`;
    }
    await this.refresh().catch(() => {});
    this.#nextConflict();
  }

  /** A queued edit whose conflict was answered leaves the queue (the answer decides what is saved). */
  #answered(pending: PendingConflict) {
    if (!pending.queued) return;
    for (const f of Object.keys(pending.mine)) {
      this.#conflicts.delete(`${pending.need.id}:${f}`);
      this.queue.remove(pending.need.id, f);
    }
  }

  /** The dialog closed without a choice (Escape): theirs stays, and the page says mine was not saved. */
  async dismiss() {
    const pending = this.conflict;
    if (!pending) return;
    this.conflict = null;
    this.#answered(pending);
    const what = Object.keys(pending.mine).map(fieldLabel).join(', ').toLowerCase();
    this.message = `Your change to the ${what} of “${pending.need.title}” was not saved; the current values are shown.`;
    await this.refresh().catch(() => {});
    this.#nextConflict();
  }

  /** A write other than a field edit (move, pledge, fulfilment): null when done, else the refusal. */
  async act(run: () => Promise<unknown>): Promise<Refused | null> {
    this.message = null;
    try {
      await run();
      await this.refresh();
      return null;
    } catch (err) {
      const r = refusal(err);
      if (r.conflict) {
        this.message = 'Someone else changed this need first; the current values are shown. Try again if it still applies.';
        await this.refresh();
      }
      return r;
    }
  }
}
