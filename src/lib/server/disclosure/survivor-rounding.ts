// Keyed random rounding of one state-month survivor count to base 5 (docs/figures.md, "Survivor
// counts: disclosure control"). Pure: the key is passed in.
//
// offset = (first 4 bytes of HMAC-SHA256(key, "<measure>|<state>|<YYYY-MM-DD>") as a big-endian
// uint32) mod 5; rounded(x) = 5 * ceil((x - offset) / 5). So a count x = 5k + r rounds up exactly
// when r > offset: with probability r/5 over keys (unbiased), always the same way for one cell.
import { createHmac } from 'node:crypto';
import { ROUNDING_BASE } from '$lib/survivor-figures.js';

export const SURVIVOR_MEASURES = ['served', 'newIntakes'] as const;
export type SurvivorMeasure = (typeof SURVIVOR_MEASURES)[number];

// Offsets depend only on (key, cell): memoised per key (a few thousand cells at most).
const memo = new Map<string, Map<string, number>>();
const MEMO_KEYS = 16;

// The memo of a key object, found without hashing the key again (one lookup per cell and measure).
const memoOfKey = new WeakMap<Uint8Array, Map<string, number>>();

function cellsOf(key: Uint8Array): Map<string, number> {
  const known = memoOfKey.get(key);
  if (known) return known;
  const keyHex = Buffer.from(key).toString('hex');
  let cells = memo.get(keyHex);
  if (!cells) {
    if (memo.size >= MEMO_KEYS) memo.delete(memo.keys().next().value!);
    cells = new Map();
    memo.set(keyHex, cells);
  }
  memoOfKey.set(key, cells);
  return cells;
}

export function roundingOffset(key: Uint8Array, measure: SurvivorMeasure, state: string, month: string): number {
  const cells = cellsOf(key);
  const cell = `${measure}|${state.trim()}|${month}`;
  let offset = cells.get(cell);
  if (offset === undefined) {
    offset = createHmac('sha256', key).update(cell, 'utf8').digest().readUInt32BE(0) % ROUNDING_BASE;
    cells.set(cell, offset);
  }
  return offset;
}

/** x rounded to a neighbouring multiple of 5: up when x mod 5 > offset. 0 and multiples of 5 stay. */
export function roundCount(x: number, offset: number): number {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`not a count: ${x}`);
  return Math.max(0, ROUNDING_BASE * Math.ceil((x - offset) / ROUNDING_BASE));
}
