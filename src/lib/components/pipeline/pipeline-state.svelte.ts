// /pipeline in the browser: the division's requests and partners, live from their rooms; what the
// table shows; and the in-place edits of a request still in intake or vetting.
import { trpc, refusal, describe } from '$lib/trpc.js';
import { liveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom } from '$lib/realtime/events.js';
import type { RouterOutputs as Outputs } from '$lib/server/trpc/router.js';
import type { DivisionCode } from '$lib/regions.js';
import { formInput } from '$lib/form-input.js';
import { plainMessage } from '../needs/need-words.js';
import { tableQuery, type CellSave, type TableQuery } from '../workspace/table-query.js';
export type Request = Outputs['funding']['list'][number];
export type Partner = Outputs['partners']['list'][number];

export class PipelineWorkspace {
  requests = $state<Request[]>([]);
  partners = $state<Partner[]>([]);
  message = $state<string | null>(null);
  revision = $state(0);
  /** What the table shows: requests still moving first, the latest move first. */
  query = $state<TableQuery>(tableQuery('active', { key: 'stageEnteredAt', dir: -1 }));

  /** `division` null: every division. */
  constructor(readonly division: DivisionCode | null, requests: Request[], partners: Partner[], readonly limit = 1000) {
    this.requests = requests;
    this.partners = partners;
  }

  follow(): () => void {
    const live = liveClient();
    const refresh = () => void this.refresh();
    const scope = this.division ? { division: this.division } : 'all' as const;
    const stops = [
      live.subscribe(rowsRoom('funding', scope), { onChanges: refresh, onReset: refresh }),
      live.subscribe(rowsRoom('partner', scope), { onChanges: refresh, onReset: refresh })
    ];
    return () => stops.forEach((stop) => stop());
  }

  async refresh() {
    const division = formInput<DivisionCode | undefined>(this.division ?? undefined);
    const [requests, partners] = await Promise.all([
      trpc().funding.list.query({ division, limit: this.limit }),
      trpc().partners.list.query({ division })
    ]);
    this.requests = requests;
    this.partners = partners;
    this.revision++;
  }

  async act(run: () => Promise<unknown>) {
    this.message = null;
    try {
      await run();
    } catch (err) {
      this.message = describe(refusal(err));
    }
    await this.refresh();
  }

  /** Saves one field of a request in intake or vetting, from the version shown when editing began. */
  async saveField(r: Request, field: 'title' | 'requestedCents', value: unknown, base: { version: number }): Promise<CellSave> {
    this.message = null;
    try {
      await trpc().funding.update.mutate(formInput({ id: r.id, version: base.version, changes: { [field]: value } }));
      await this.refresh();
      return { ok: true };
    } catch (err) {
      const x = refusal(err);
      if (x.conflict) {
        this.message = `Someone else changed “${r.title}” first; the current values are shown. Try again if your change still applies.`;
        await this.refresh();
        return { ok: false, conflict: true };
      }
      const list = x.fieldErrors[field] ?? x.fieldErrors.changes ?? Object.values(x.fieldErrors).find((m) => m?.length);
      return { ok: false, message: list?.length ? plainMessage(field, list[0]) : x.code === 'FORBIDDEN' ? 'You cannot change requests in this region.' : x.message };
    }
  }
}
