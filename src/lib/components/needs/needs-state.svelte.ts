// The /needs workspace in the browser: the needs kept live (every committed change in the room
// refetches them, with the activity feed and the open drawer), the saves, and the conflicts a save
// can run into.
import { trpc, refusal, type Conflict, type Refused } from '$lib/trpc.js';
import { liveClient, type LiveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom, type IntentTarget, type RowChange } from '$lib/realtime/events.js';
import type { RouterOutputs as Outputs } from '$lib/server/trpc/router.js';
import { formInput } from '$lib/form-input.js';
import type { DivisionCode } from '$lib/regions.js';
import { fieldLabel, fieldMessages, plainRefusal } from './need-words.js';
import { EditQueue, type QueuedEdit } from './edit-queue.svelte.js';

export type Need = Outputs['needs']['list'][number];
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
  needs = $state<Need[]>([]);
  activity = $state<Activity[]>([]);
  message = $state<string | null>(null);
  conflict = $state<PendingConflict | null>(null);
  /** Bumped on every live change, so the open drawer refetches its comments and history. */
  revision = $state(0);
  live = $state<LiveClient | null>(null);
  /** Edits not yet saved (offline, or the network failed), kept in this browser per person. */
  readonly queue: EditQueue;
  online = $state(true);
  readonly room: string;
  /** The server's answer to a queued edit that conflicted, until its dialog is answered. */
  #conflicts = new Map<string, Conflict>();
  #flushing = false;

  /** `division` null: every division; `userId` keys the stored queue (null: kept in memory). */
  constructor(readonly division: string | null, needs: Need[], activity: Activity[], readonly limit = 5000, userId: string | number | null = null) {
    this.queue = new EditQueue(userId === null ? null : `beacon:needs-unsaved:${userId}`);
    this.needs = this.#overlay(needs);
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
    const unsubscribe = live.subscribe(this.room, { onChanges: (changes) => this.apply(changes), onReset: () => this.refresh() });
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

  /**
   * A few changed needs are read one by one and merged (a division may hold thousands: re-reading
   * them all for every edit would not scale); many at once, or a failed read, re-reads the list.
   */
  async apply(changes: RowChange[]) {
    const ids = [...new Set(changes.filter((c) => c.entity === 'aftercare_need').map((c) => c.id))];
    if (ids.length > 20) return this.refresh();
    try {
      const [rows, activity] = await Promise.all([
        Promise.all(ids.map((id) => trpc().needs.get.query({ id }).catch((err: unknown) => {
          if (refusal(err).code === 'NOT_FOUND') return null;
          throw err;
        }))),
        trpc().activity.list.query({ division: formInput<DivisionCode | undefined>(this.division ?? undefined), limit: 30 })
      ]);
      let needs = this.needs;
      ids.forEach((id, i) => {
        const row = rows[i];
        if (!row) return void (needs = needs.filter((n) => n.id !== id));
        const { editable: _editable, ...fresh } = row;
        const known = needs.find((n) => n.id === id);
        // Reads may finish out of order: never go back to an older version.
        if (!known) needs = [...needs, fresh];
        else if (fresh.version >= known.version) needs = needs.map((n) => (n.id === id ? fresh : n));
      });
      this.needs = this.#overlay(needs);
      this.activity = activity;
      this.revision++;
    } catch {
      await this.refresh();
    }
  }

  async refresh() {
    const division = formInput<DivisionCode | undefined>(this.division ?? undefined);
    const [needs, activity] = await Promise.all([
      trpc().needs.list.query({ division, includeClosed: true, limit: this.limit }),
      trpc().activity.list.query({ division, limit: 30 })
    ]);
    this.needs = this.#overlay(needs);
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
    this.needs = this.#overlay(this.needs.map((n) => (n.id === row.id ? ({ ...n, ...row } as Need) : n)));
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
