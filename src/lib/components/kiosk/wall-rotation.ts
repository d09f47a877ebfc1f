// Wall screens (kiosk): how long each screen stays up, and what comes after a dashboard's last one.
// The dashboards' layout (`?kiosk=1&rotate=N`) and a device link (/kiosk/[token]) set it; each wall's
// pager reads it.
import { getContext, setContext } from 'svelte';

export interface WallRotation {
  /** Seconds each panel group (a screen) stays up. */
  seconds: number;
  /** After a dashboard's last group: the next dashboard (null: start the groups over). */
  advance: (() => void) | null;
}

const KEY = Symbol('wall-rotation');
/** Panel groups stay up this long when nothing else is asked for. */
export const DEFAULT_WALL_SECONDS = 20;

export function setWallRotation(get: () => WallRotation): void {
  setContext(KEY, get);
}

export function wallRotation(): () => WallRotation {
  return getContext<(() => WallRotation) | undefined>(KEY) ?? (() => ({ seconds: DEFAULT_WALL_SECONDS, advance: null }));
}

/** "2 min 5 s", "40 s": a plain duration for the staleness banner. */
export function sinceWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h} h ${m} min`;
  return m ? `${m} min ${s} s` : `${s} s`;
}
