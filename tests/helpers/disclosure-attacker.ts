// An attacker on published survivor figures. It knows what docs/figures.md says (every figure is a
// sum of state-month counts; under the current rule each of those counts is rounded to a
// neighbouring multiple of 5 and the figure adds up the rounded counts) and the public structure
// (which states make a division, which months a period), but not the key. From everything it has
// seen it tries to solve for the exact count of every state-month:
//   1. differencing: Gaussian elimination over all figures (totals minus parts, a division minus its
//      states, one period minus an overlapping one — any linear combination at all);
//   2. bounds: interval propagation over the figures, the eliminated rows, "<11" ranges, the rounding
//      (|count − rounded| ≤ 4), non-negativity, months where no center reported (0), and new intakes
//      never exceeding served; repeated until nothing narrows.
// A count is recovered when its interval closes on one value. Both steps only ever conclude what
// holds for EVERY dataset consistent with what was seen (sound), so a recovered value is certain.

export type Measure = 'served' | 'newIntakes';
export const MEASURES: Measure[] = ['served', 'newIntakes'];

/** One figure as a viewer saw it: a sum over state-months, published as a number, "<11", or withheld. */
export interface Observation {
  /** Which view showed it ("snapshot 12 CSV", "live aftercare AK FY2026"…): groups "one view". */
  view: string;
  measure: Measure;
  states: string[];
  months: string[];
  value: number | string;
  /** Centers reporting, when the view shows it for this figure (0 = nothing reported: all zero). */
  centers?: number;
}

/** 'rounded': figures are sums of rounded state-months (the documented rule). 'exact': the rule
 *  Beacon had before: figures are exact sums, shown as "<11" from 1 to 10. */
export type Model = 'rounded' | 'exact';

export interface Recovery {
  measure: Measure;
  state: string;
  month: string;
  value: number;
}

export interface AttackResult {
  /** Cells whose count the attacker pinned to one value. */
  recovered: Recovery[];
  /** Figures that contradict the model (the same sum shown with two values, a rounded figure not a multiple of 5…). */
  contradictions: string[];
  /** Bounds per cell ("measure|state|month" → [lo, hi]). */
  bounds: Map<string, [number, number]>;
  equations: number;
}

const EPS = 1e-7;
const CAP = 1e7;
const cellKey = (state: string, month: string) => `${state}|${month}`;

interface Row {
  idx: number[];
  coef: number[];
  lo: number;
  hi: number;
}

export function attack(observations: Observation[], model: Model): AttackResult {
  const contradictions: string[] = [];
  const cells = [...new Set(observations.flatMap((o) => o.states.flatMap((s) => o.months.map((m) => cellKey(s, m)))))].sort();
  const index = new Map(cells.map((c, i) => [c, i]));
  const n = cells.length;
  // Variables per measure: x (the true count) at [0, n), and in the rounded model r (its rounded value) at [n, 2n).
  const vars = (model === 'rounded' ? 2 : 1) * n;
  const lo: Record<Measure, Float64Array> = { served: new Float64Array(vars), newIntakes: new Float64Array(vars) };
  const hi: Record<Measure, Float64Array> = { served: new Float64Array(vars).fill(CAP), newIntakes: new Float64Array(vars).fill(CAP) };
  const rowsOf: Record<Measure, Row[]> = { served: [], newIntakes: [] };
  const seen = new Map<string, number | string>();
  let equations = 0;

  for (const o of observations) {
    const idx = o.states.flatMap((s) => o.months.map((m) => index.get(cellKey(s, m))!));
    if (o.centers === 0) {
      for (const i of idx) {
        for (const measure of MEASURES) {
          hi[measure][i] = 0;
          if (model === 'rounded') hi[measure][n + i] = 0;
        }
      }
    }
    const id = `${o.measure}|${[...idx].sort((a, b) => a - b).join(',')}`;
    const before = seen.get(id);
    if (before !== undefined && before !== o.value) contradictions.push(`${o.measure} of ${o.states.join('+')} ${o.months[0]}…${o.months.at(-1)}: ${before} and ${o.value} (${o.view})`);
    seen.set(id, o.value);
    if (before !== undefined) continue;
    const rows = rowsOf[o.measure];
    if (typeof o.value === 'number') {
      if (model === 'rounded' && o.value % 5 !== 0) {
        // Not what the rule publishes: take it as the exact sum it may well be.
        contradictions.push(`not a multiple of 5: ${o.measure} ${o.value} (${o.view})`);
        rows.push({ idx, coef: idx.map(() => 1), lo: o.value, hi: o.value });
      } else {
        const shift = model === 'rounded' ? n : 0;
        rows.push({ idx: idx.map((i) => i + shift), coef: idx.map(() => 1), lo: o.value, hi: o.value });
      }
      equations++;
    } else if (o.value === '<11') {
      rows.push({ idx, coef: idx.map(() => 1), lo: 1, hi: 10 });
    }
  }

  // 1. Differencing: reduced row echelon form of the equalities; its rows join the constraints.
  for (const measure of MEASURES) {
    const equalities = rowsOf[measure].filter((r) => r.lo === r.hi);
    rowsOf[measure].push(...eliminate(equalities, vars, lo[measure], hi[measure]));
  }

  // 2. Bounds, to a fixpoint (capped: each pass only narrows).
  for (let pass = 0; pass < 60; pass++) {
    let changed = false;
    for (const measure of MEASURES) {
      const L = lo[measure];
      const H = hi[measure];
      for (const row of rowsOf[measure]) changed = propagate(row, L, H, n, model) || changed;
      if (model === 'rounded') {
        for (let i = 0; i < n; i++) {
          changed = narrow(L, H, i, L[n + i] - 4, H[n + i] + 4, false) || changed;
          changed = narrow(L, H, n + i, L[i] - 4, H[i] + 4, true) || changed;
        }
      }
    }
    // New intakes never exceed served (in every center, so in every state-month).
    for (let i = 0; i < n; i++) {
      changed = narrow(lo.newIntakes, hi.newIntakes, i, -CAP, hi.served[i], false) || changed;
      changed = narrow(lo.served, hi.served, i, lo.newIntakes[i], CAP, false) || changed;
    }
    if (!changed) break;
  }

  const recovered: Recovery[] = [];
  const bounds = new Map<string, [number, number]>();
  for (const measure of MEASURES) {
    for (let i = 0; i < n; i++) {
      const [state, month] = cells[i].split('|');
      const l = lo[measure][i];
      const h = hi[measure][i];
      if (l > h) contradictions.push(`no value fits ${measure} ${cells[i]}`);
      bounds.set(`${measure}|${cells[i]}`, [l, h]);
      if (l === h) recovered.push({ measure, state, month, value: l });
    }
  }
  return { recovered, contradictions, bounds, equations };
}

/** Narrows variable i to [l, h] (rounded inward; to multiples of 5 for a rounded value). */
function narrow(L: Float64Array, H: Float64Array, i: number, l: number, h: number, multipleOf5: boolean): boolean {
  const lower = L;
  let nl = multipleOf5 ? 5 * Math.ceil(l / 5 - EPS) : Math.ceil(l - EPS);
  let nh = multipleOf5 ? 5 * Math.floor(h / 5 + EPS) : Math.floor(h + EPS);
  nl = Math.max(nl, lower[i]);
  nh = Math.min(nh, H[i]);
  const changed = nl > lower[i] || nh < H[i];
  lower[i] = nl;
  H[i] = nh;
  return changed;
}

function propagate(row: Row, L: Float64Array, H: Float64Array, n: number, model: Model): boolean {
  let sMin = 0;
  let sMax = 0;
  const mins = new Float64Array(row.idx.length);
  const maxs = new Float64Array(row.idx.length);
  for (let k = 0; k < row.idx.length; k++) {
    const a = row.coef[k];
    const i = row.idx[k];
    mins[k] = a > 0 ? a * L[i] : a * H[i];
    maxs[k] = a > 0 ? a * H[i] : a * L[i];
    sMin += mins[k];
    sMax += maxs[k];
  }
  let changed = false;
  for (let k = 0; k < row.idx.length; k++) {
    const a = row.coef[k];
    const i = row.idx[k];
    const restMin = sMin - mins[k];
    const restMax = sMax - maxs[k];
    // a·v ∈ [row.lo − restMax, row.hi − restMin]
    const p = (row.lo - restMax) / a;
    const q = (row.hi - restMin) / a;
    changed = narrow(L, H, i, Math.min(p, q), Math.max(p, q), model === 'rounded' && i >= n) || changed;
  }
  return changed;
}

/** Reduced row echelon form (partial pivoting) of Σ coef·v = value rows, over the variables not yet fixed. */
function eliminate(rows: Row[], vars: number, L: Float64Array, H: Float64Array): Row[] {
  const used = new Set(rows.flatMap((r) => r.idx));
  const free = [...Array(vars).keys()].filter((i) => L[i] !== H[i] && used.has(i));
  const col = new Map(free.map((v, c) => [v, c]));
  const m = free.length;
  const A: Float64Array[] = [];
  const b: number[] = [];
  for (const r of rows) {
    const a = new Float64Array(m);
    let rhs = r.lo;
    for (let k = 0; k < r.idx.length; k++) {
      const c = col.get(r.idx[k]);
      if (c === undefined) rhs -= r.coef[k] * L[r.idx[k]];
      else a[c] += r.coef[k];
    }
    A.push(a);
    b.push(rhs);
  }
  let pivotRow = 0;
  const pivots: Array<[number, number]> = [];
  for (let c = 0; c < m && pivotRow < A.length; c++) {
    let best = pivotRow;
    for (let r = pivotRow + 1; r < A.length; r++) if (Math.abs(A[r][c]) > Math.abs(A[best][c])) best = r;
    if (Math.abs(A[best][c]) < 1e-9) continue;
    [A[pivotRow], A[best]] = [A[best], A[pivotRow]];
    [b[pivotRow], b[best]] = [b[best], b[pivotRow]];
    const p = A[pivotRow][c];
    for (let k = c; k < m; k++) A[pivotRow][k] /= p;
    b[pivotRow] /= p;
    for (let r = 0; r < A.length; r++) {
      if (r === pivotRow) continue;
      const f = A[r][c];
      if (Math.abs(f) < 1e-12) continue;
      const src = A[pivotRow];
      const dst = A[r];
      for (let k = c; k < m; k++) dst[k] -= f * src[k];
      b[r] -= f * b[pivotRow];
    }
    pivots.push([pivotRow, c]);
    pivotRow++;
  }
  return pivots.map(([r]) => {
    const idx: number[] = [];
    const coef: number[] = [];
    A[r].forEach((a, c) => {
      if (Math.abs(a) > 1e-9) {
        idx.push(free[c]);
        coef.push(a);
      }
    });
    return { idx, coef, lo: b[r], hi: b[r] };
  });
}
