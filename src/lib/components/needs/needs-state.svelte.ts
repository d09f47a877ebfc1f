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

export type Need = Outputs['needs']['list'][number];
export type Activity = Outputs['activity']['list'][number];
export type Editable = 'title' | 'priority' | 'quantity' | 'neededBy' | 'estimatedCostCents' | 'centerId' | 'kind' | 'basicNeedType';

export interface PendingConflict {
  need: Need;
  mine: Record<string, unknown>;
  conflict: Conflict;
  /** Where focus goes back when the dialog closes (the cell that was being edited). */
  returnTo: { id: number; field: string };
}

/** What a save came to: saved, refused (with the plain message for the field), or a conflict (dialog). */
export type SaveResult = { ok: true } | { ok: false; message: string } | { ok: false; conflict: true };

export class NeedsWorkspace {
  needs = $state<Need[]>([]);
  activity = $state<Activity[]>([]);
  message = $state<string | null>(null);
  conflict = $state<PendingConflict | null>(null);
  /** Bumped on every live change, so the open drawer refetches its comments and history. */
  revision = $state(0);
  live = $state<LiveClient | null>(null);
  readonly room: string;

  /** `division` null: every division. */
  constructor(readonly division: string | null, needs: Need[], activity: Activity[], readonly limit = 5000) {
    this.needs = needs;
    this.activity = activity;
    this.room = division ? rowsRoom('needs', { division }) : rowsRoom('needs', 'all');
  }

  /** Follows the room; returns the unsubscribe function (for an $effect). */
  follow(): () => void {
    const live = liveClient();
    this.live = live;
    // Joining without `since`: the first answer is followed by a refetch, so nothing between the
    // server render and the join is missed.
    return live.subscribe(this.room, { onChanges: (changes) => this.apply(changes), onReset: () => this.refresh() });
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
      this.needs = needs;
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
    this.needs = needs;
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
    this.needs = this.needs.map((n) => (n.id === row.id ? ({ ...n, ...row } as Need) : n));
  }

  /** Saves one field edited from `base` (the version and value when editing began). */
  async saveField(need: Need, field: Editable, value: unknown, base: { version: number; value: unknown }): Promise<SaveResult> {
    return this.#update(need, { [field]: value }, base.version, { [field]: base.value }, field);
  }

  async #update(need: Need, changes: Record<string, unknown>, version: number, base: Record<string, unknown> | undefined, field: string): Promise<SaveResult> {
    this.message = null;
    try {
      const row = await trpc().needs.update.mutate(formInput({ id: need.id, version, changes, base }));
      this.#replace(row);
      return { ok: true };
    } catch (err) {
      const r = refusal(err);
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
    const changes = Object.fromEntries(Object.entries(pending.mine).filter(([f]) => choice[f] !== 'theirs'));
    const current = pending.conflict.current as { version: number };
    if (Object.keys(changes).length) {
      const r = await this.#update(pending.need, changes, current.version, undefined, pending.returnTo.field);
      if (!r.ok && 'message' in r) this.message = `${fieldLabel(pending.returnTo.field)}: ${r.message}`;
    }
    await this.refresh();
  }

  /** The dialog closed without a choice (Escape): theirs stays, and the page says mine was not saved. */
  async dismiss() {
    const pending = this.conflict;
    if (!pending) return;
    this.conflict = null;
    const what = Object.keys(pending.mine).map(fieldLabel).join(', ').toLowerCase();
    this.message = `Your change to the ${what} of “${pending.need.title}” was not saved; the current values are shown.`;
    await this.refresh();
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
