// The signed-in person's inbox in the browser: the newest notifications and the unread count, read
// through notifications.list and re-read whenever the server says something new arrived (the person's
// own inbox room on the live connection) or the room was re-joined after a reconnect.
import { trpc } from '$lib/trpc.js';
import { liveClient } from '$lib/realtime/live-client.svelte.js';
import { inboxRoom } from '$lib/realtime/events.js';
import type { RouterOutputs } from '$lib/server/trpc/router.js';

export type InboxItem = RouterOutputs['notifications']['list']['items'][number];

export class Inbox {
  items = $state<InboxItem[]>([]);
  unread = $state(0);
  loaded = $state(false);
  /** Moves on after every read: pages showing a longer list re-read it then. */
  version = $state(0);
  #reading: Promise<void> | null = null;
  #again = false;

  constructor(readonly limit = 10) {}

  /** Follows the person's inbox room; returns the stop function. */
  follow(userId: string): () => void {
    void this.refresh();
    return liveClient().subscribe(inboxRoom(userId), { onInbox: () => void this.refresh() });
  }

  /** One read at a time; a push during a read asks for one more read after it. */
  refresh(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = trpc().notifications.list.query({ limit: this.limit })
      .then((r) => {
        this.items = r.items;
        this.unread = r.unread;
        this.loaded = true;
        this.version++;
      }, () => undefined)
      .finally(() => {
        this.#reading = null;
        if (this.#again) {
          this.#again = false;
          void this.refresh();
        }
      });
    return this.#reading;
  }

  async markRead(ids: number[] | 'all'): Promise<void> {
    const r = await trpc().notifications.markRead.mutate(ids === 'all' ? { all: true } : { ids });
    this.unread = r.unread;
    const now = new Date().toISOString();
    this.items = this.items.map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n));
    this.version++;
  }
}

let shared: Inbox | undefined;

/** The tab's one inbox (the bell follows it; the /notifications page reads along). */
export function inbox(): Inbox {
  shared ??= new Inbox(8);
  return shared;
}
