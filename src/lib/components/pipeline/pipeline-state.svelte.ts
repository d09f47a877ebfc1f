// /pipeline in the browser: the division's requests and partners, live from their rooms.
import { trpc, refusal, describe } from '$lib/trpc.js';
import { liveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom } from '$lib/realtime/events.js';
import type { RouterOutputs as Outputs } from '$lib/server/trpc/router.js';
import type { DivisionCode } from '$lib/regions.js';
export type Request = Outputs['funding']['list'][number];
export type Partner = Outputs['partners']['list'][number];

export class PipelineWorkspace {
  requests = $state<Request[]>([]);
  partners = $state<Partner[]>([]);
  message = $state<string | null>(null);
  revision = $state(0);

  constructor(readonly division: DivisionCode, requests: Request[], partners: Partner[]) {
    this.requests = requests;
    this.partners = partners;
  }

  follow(): () => void {
    const live = liveClient();
    const refresh = () => void this.refresh();
    const stops = [
      live.subscribe(rowsRoom('funding', { division: this.division }), { onChanges: refresh, onReset: refresh }),
      live.subscribe(rowsRoom('partner', { division: this.division }), { onChanges: refresh, onReset: refresh })
    ];
    return () => stops.forEach((stop) => stop());
  }

  async refresh() {
    const [requests, partners] = await Promise.all([
      trpc().funding.list.query({ division: this.division }),
      trpc().partners.list.query({ division: this.division })
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
}
