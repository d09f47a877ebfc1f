// /outreach in the browser: the division's latest events, live from their room; what the table
// shows; and the in-place edits and deletion of an event (versioned: a stale edit is refused).
import { trpc, refusal } from '$lib/trpc.js';
import { liveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom } from '$lib/realtime/events.js';
import type { RouterOutputs as Outputs } from '$lib/server/trpc/router.js';
import type { DivisionCode } from '$lib/regions.js';
import { formInput } from '$lib/form-input.js';
import { plainMessage } from '../needs/need-words.js';
import { tableQuery, type CellSave, type TableQuery } from '../workspace/table-query.js';

export type OutreachEvent = Outputs['outreach']['list'][number];
export type OutreachField = 'occurredOn' | 'title' | 'format' | 'audience' | 'attendees' | 'partnerProfessionals' | 'followUpRequests';

export class OutreachWorkspace {
  events = $state<OutreachEvent[]>([]);
  message = $state<string | null>(null);
  /** What the table shows: the latest first. */
  query = $state<TableQuery>(tableQuery('all', { key: 'occurredOn', dir: -1 }));

  /** `division` null: every division. */
  constructor(readonly division: DivisionCode | null, events: OutreachEvent[], readonly limit: number) {
    this.events = events;
  }

  follow(): () => void {
    const room = rowsRoom('outreach', this.division ? { division: this.division } : 'all');
    const refresh = () => void this.refresh();
    return liveClient().subscribe(room, { onChanges: refresh, onReset: refresh });
  }

  async refresh() {
    this.events = await trpc().outreach.list.query({ division: formInput<DivisionCode | undefined>(this.division ?? undefined), limit: this.limit });
  }

  /** Saves one field from the version shown when editing began. */
  async saveField(e: OutreachEvent, field: OutreachField, value: unknown, base: { version: number }): Promise<CellSave> {
    this.message = null;
    try {
      const row = await trpc().outreach.update.mutate(formInput({ id: e.id, version: base.version, changes: { [field]: value } }));
      this.events = this.events.map((x) => (x.id === row.id ? { ...x, ...row } : x));
      return { ok: true };
    } catch (err) {
      const r = refusal(err);
      if (r.conflict) {
        this.message = 'Someone else changed this event first; the current values are shown. Try again if your change still applies.';
        await this.refresh();
        return { ok: false, conflict: true };
      }
      const list = r.fieldErrors[field] ?? r.fieldErrors.changes ?? Object.values(r.fieldErrors).find((m) => m?.length);
      return { ok: false, message: list?.length ? plainMessage(field, list[0]) : r.code === 'FORBIDDEN' ? 'You cannot change events in this region.' : r.message };
    }
  }

  /** Deletes an event (after the page's confirmation): null when done, else what went wrong. */
  async remove(e: OutreachEvent): Promise<string | null> {
    try {
      await trpc().outreach.delete.mutate({ id: e.id, version: e.version });
      this.events = this.events.filter((x) => x.id !== e.id);
      return null;
    } catch (err) {
      const r = refusal(err);
      await this.refresh();
      return r.conflict ? 'Someone else changed this event first; it was not deleted. Look again and retry.' : r.message;
    }
  }
}
