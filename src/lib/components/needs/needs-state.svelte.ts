// The /needs workspace in the browser: the division's needs kept live (every committed change in the
// division's room refetches them, with the activity feed and the open comment thread), the saves, and
// the conflicts a save can run into.
import { trpc, refusal, describe, type Conflict } from '$lib/trpc.js';
import { liveClient, type LiveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom, type IntentTarget } from '$lib/realtime/events.js';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router.js';

type Outputs = inferRouterOutputs<AppRouter>;
export type Need = Outputs['needs']['list'][number];
export type Activity = Outputs['activity']['list'][number];
export type Editable = 'title' | 'priority' | 'quantity' | 'neededBy' | 'estimatedCostCents' | 'centerId' | 'kind' | 'basicNeedType';

export interface PendingConflict {
  need: Need;
  mine: Record<string, unknown>;
  conflict: Conflict;
}

export class NeedsWorkspace {
  needs = $state<Need[]>([]);
  activity = $state<Activity[]>([]);
  message = $state<string | null>(null);
  conflict = $state<PendingConflict | null>(null);
  /** Bumped on every live change, so open comment threads refetch. */
  revision = $state(0);
  live = $state<LiveClient | null>(null);
  readonly room: string;

  constructor(readonly division: string, needs: Need[], activity: Activity[]) {
    this.needs = needs;
    this.activity = activity;
    this.room = rowsRoom('needs', { division });
  }

  /** Follows the division's room; returns the unsubscribe function (for an $effect). */
  follow(): () => void {
    const live = liveClient();
    this.live = live;
    // Joining without `since`: the first answer is followed by a refetch, so nothing between the
    // server render and the join is missed.
    return live.subscribe(this.room, { onChanges: () => this.refresh(), onReset: () => this.refresh() });
  }

  async refresh() {
    const [needs, activity] = await Promise.all([
      trpc().needs.list.query({ division: this.division as never, includeClosed: true }),
      trpc().activity.list.query({ division: this.division as never, limit: 30 })
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
  async saveField(need: Need, field: Editable, value: unknown, base: { version: number; value: unknown }) {
    await this.#update(need, { [field]: value }, base.version, { [field]: base.value });
  }

  async #update(need: Need, changes: Record<string, unknown>, version: number, base?: Record<string, unknown>) {
    this.message = null;
    try {
      const row = await trpc().needs.update.mutate({ id: need.id, version, changes, base } as never);
      this.#replace(row);
    } catch (err) {
      const r = refusal(err);
      if (r.conflict) this.conflict = { need, mine: changes, conflict: r.conflict };
      else this.message = describe(r);
    }
  }

  /** Conflict dialog answers. */
  async resolve(choice: Record<string, 'mine' | 'theirs'>) {
    const pending = this.conflict;
    if (!pending) return;
    this.conflict = null;
    const changes = Object.fromEntries(Object.entries(pending.mine).filter(([f]) => choice[f] !== 'theirs'));
    const current = pending.conflict.current as { version: number };
    if (Object.keys(changes).length) await this.#update(pending.need, changes, current.version);
    await this.refresh();
  }

  async act(run: () => Promise<unknown>): Promise<boolean> {
    this.message = null;
    try {
      await run();
      await this.refresh();
      return true;
    } catch (err) {
      const r = refusal(err);
      this.message = r.conflict ? `Someone else changed it first — ${r.message} The board now shows the current values.` : describe(r);
      if (r.conflict) await this.refresh();
      return false;
    }
  }
}
