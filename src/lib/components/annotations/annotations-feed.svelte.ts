// A dashboard's chart notes, kept live: the server-rendered list first, then re-read whenever an
// annotation is written or removed anywhere (the `annotation:all` row room: every committed change
// to the table, announced by the database), and after the person's own writes.
import { untrack } from 'svelte';
import { trpc } from '$lib/trpc.js';
import { liveClient } from '$lib/realtime/live-client.svelte.js';
import { rowsRoom } from '$lib/realtime/events.js';
import type { RouterInputs, RouterOutputs } from '$lib/server/trpc/router.js';

export type AnnotationItem = RouterOutputs['annotations']['list'][number];
export type AnnotationQuery = RouterInputs['annotations']['list'];

export function followAnnotations(source: () => { query: AnnotationQuery; list: ReadonlyArray<unknown> } | null) {
  let fetched = $state.raw<{ key: string; list: AnnotationItem[] } | null>(null);
  const key = $derived(JSON.stringify(source()?.query ?? null));
  let reload: () => Promise<void> = async () => {};

  $effect(() => {
    const s = source();
    const k = key;
    if (!s) return;
    return untrack(() => {
      let alive = true;
      let asked = 0;
      const load = async () => {
        const mine = ++asked;
        try {
          const list = await trpc().annotations.list.query(s.query);
          if (alive && mine === asked) fetched = { key: k, list };
        } catch {
          // Offline or refused: keep what is shown; the next change or reconnect reads again.
        }
      };
      reload = load;
      const stop = liveClient().subscribe(rowsRoom('annotation', 'all'), { onChanges: load, onReset: load });
      void load();
      return () => {
        alive = false;
        stop();
      };
    });
  });

  return {
    get list(): AnnotationItem[] {
      if (fetched && fetched.key === key) return fetched.list;
      return JSON.parse(JSON.stringify(source()?.list ?? [])) as AnnotationItem[];
    },
    refresh: () => reload()
  };
}
