// The open alerts the signed-in person may see (alerts.list), shared by every marked dashboard tile of
// the tab. Re-read whenever the person's inbox hears something (a new alert is a new notification;
// a resolved one is announced on the same inbox room), so a tile's mark comes and goes live.
import { trpc } from '$lib/trpc.js';
import { inbox } from '$lib/components/notifications/inbox.svelte.js';
import type { RouterOutputs } from '$lib/server/trpc/router.js';

export type OpenAlert = RouterOutputs['alerts']['list']['open'][number];

export class OpenAlerts {
  items = $state<OpenAlert[]>([]);
  #reading: Promise<void> | null = null;
  #again = false;
  #seenVersion = -1;

  /** The open alerts that mark a tile ('budget', 'needs', …). */
  forTile(tiles: readonly string[]): OpenAlert[] {
    return this.items.filter((a) => tiles.includes(a.tile));
  }

  /** Called from an effect: reads now, and again whenever the inbox moved on. */
  sync(): void {
    const version = inbox().version;
    if (version === this.#seenVersion) return;
    this.#seenVersion = version;
    void this.refresh();
  }

  refresh(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = trpc().alerts.list.query({ recentDays: 0, limit: 200 })
      .then((r) => void (this.items = r.open), () => undefined)
      .finally(() => {
        this.#reading = null;
        if (this.#again) {
          this.#again = false;
          void this.refresh();
        }
      });
    return this.#reading;
  }
}

let shared: OpenAlerts | undefined;

export function openAlerts(): OpenAlerts {
  shared ??= new OpenAlerts();
  return shared;
}
