// Client-safe: turns a snapshot's stored datasets (whatever their shape) into titled tables, metrics
// to compare and CSV. Survivor figures are stored already published (rounded, withheld under 3
// centers: docs/figures.md, "Survivor counts: disclosure control"); a snapshot made before that rule
// has its survivor figures withheld here, before anything reaches a page, a CSV or a share link.
import { SURVIVOR_RULE, WITHHELD } from './survivor-figures.js';
import { csvRows } from './csv.js';

export type Cell = string | number | boolean | null;
export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}
export interface Section {
  key: string;
  title: string;
  tables: Table[];
}
export interface Metric {
  key: string;
  section: string;
  label: string;
  value: Cell;
}

/** Compare treats a withheld figure as missing. */
export const SUPPRESSED = WITHHELD;
/** Keys whose integer values count survivors (or could re-identify them when small). */
const SURVIVOR_KEY = /survivor|served|intake|bed_?nights/i;
/** Per-dataset fields that describe the read rather than the figures (shown on the title page). */
const META_KEYS = new Set(['seq', 'asOf', 'filters', 'period', 'fiscalYear']);

const carriesRule = (value: unknown): boolean =>
  value === SURVIVOR_RULE ||
  (Array.isArray(value) ? value.some(carriesRule) : !!value && typeof value === 'object' && Object.values(value).some(carriesRule));

function withholdSurvivorFigures<T>(value: T, survivorScope = false): T {
  if (Array.isArray(value)) return value.map((v) => withholdSurvivorFigures(v, survivorScope)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = withholdSurvivorFigures(v, survivorScope || (SURVIVOR_KEY.test(k) && !/cents$/i.test(k)));
    }
    return out as T;
  }
  return (survivorScope && typeof value === 'number' ? WITHHELD : value) as T;
}

/**
 * Stored datasets as pages may show them: a dataset whose survivor figures were published under the
 * rule (it carries SURVIVOR_RULE) is shown as stored; in an older one every survivor figure is
 * withheld, since its exact counts could be recovered by subtraction.
 */
export function protectStoredSurvivorFigures(datasets: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(datasets).map(([name, data]) => [name, carriesRule(data) ? data : withholdSurvivorFigures(data)]));
}

/** 'openEstimatedCostCents' → 'Open estimated cost'; 'survivor_basic_needs' → 'Survivor basic needs'. */
export function humanize(key: string): string {
  const words = key
    .replace(/Cents$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is Cell => v === null || ['string', 'number', 'boolean'].includes(typeof v);
export const isMoneyKey = (key: string) => /Cents$/.test(key);

/** Columns keep their raw key (so money can be recognised); titles are humanized when rendered. */
function tablesOf(title: string, value: Record<string, unknown>, out: Table[]): void {
  const scalars: Cell[][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (META_KEYS.has(k)) continue;
    if (isScalar(v)) scalars.push([k, v]);
    else if (isPlainObject(v) && Object.values(v).every(isScalar)) {
      for (const [k2, v2] of Object.entries(v)) scalars.push([`${k}.${k2}`, v2 as Cell]);
    }
  }
  if (scalars.length) out.push({ title, columns: ['metric', 'value'], rows: scalars });
  for (const [k, v] of Object.entries(value)) {
    if (META_KEYS.has(k)) continue;
    const sub = title ? `${title} · ${humanize(k)}` : humanize(k);
    if (Array.isArray(v)) {
      const items = v.filter(isPlainObject);
      const columns = [...new Set(items.flatMap((i) => Object.keys(i).filter((c) => isScalar(i[c]))))];
      out.push({ title: sub, columns, rows: items.map((i) => columns.map((c) => (isScalar(i[c]) ? (i[c] as Cell) : null))) });
    } else if (isPlainObject(v) && !Object.values(v).every(isScalar)) {
      tablesOf(sub, v, out);
    }
  }
}

/** The dashboards' order (jsonb keeps keys in its own order, so the stored order is not it). */
const DASHBOARD_ORDER = ['overview', 'funding', 'aftercare', 'outreach'];
const rank = (key: string) => (DASHBOARD_ORDER.includes(key) ? DASHBOARD_ORDER.indexOf(key) : DASHBOARD_ORDER.length);

/** One section per dashboard dataset, in the dashboards' order. */
export function sectionsOf(datasets: Record<string, unknown>): Section[] {
  const entries = Object.entries(datasets).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([key, value]) => {
    const tables: Table[] = [];
    if (isPlainObject(value)) tablesOf('', value, tables);
    return { key, title: humanize(key), tables: tables.map((t) => ({ ...t, title: t.title || 'Key figures' })) };
  });
}

/** The label of a metric row: its key ('funding.requestedCents' → 'Funding · Requested'). */
export function metricLabel(key: string): string {
  return key.split('.').map(humanize).join(' · ');
}

/** Every figure of every dataset, keyed by a stable name, for metric-by-metric comparison. */
export function metricsOf(datasets: Record<string, unknown>): Metric[] {
  const out: Metric[] = [];
  for (const section of sectionsOf(datasets)) {
    for (const table of section.tables) {
      if (table.columns.length === 2 && table.columns[0] === 'metric') {
        for (const [k, v] of table.rows) {
          out.push({ key: `${section.key}|${table.title}|${k}`, section: section.title, label: `${table.title} · ${metricLabel(String(k))}`, value: v });
        }
        continue;
      }
      const rowKeyColumn = table.columns.findIndex((c, i) => table.rows.every((r) => typeof r[i] === 'string' || typeof r[i] === 'number') && !/cents$|count$|^needs$|^requests$/i.test(c));
      for (const row of table.rows) {
        const rowName = rowKeyColumn >= 0 ? String(row[rowKeyColumn]) : '';
        table.columns.forEach((c, i) => {
          if (i === rowKeyColumn || (typeof row[i] !== 'number' && row[i] !== SUPPRESSED)) return;
          out.push({ key: `${section.key}|${table.title}|${rowName}|${c}`, section: section.title, label: `${table.title} · ${humanize(rowName)} · ${humanize(c)}`, value: row[i] });
        });
      }
    }
  }
  return out;
}

export interface MetricChange {
  key: string;
  section: string;
  label: string;
  money: boolean;
  a: Cell;
  b: Cell;
  /** b − a; null when either side is missing or suppressed. */
  change: number | null;
  /** Percent change from a; null when a is 0, missing or suppressed. */
  percent: number | null;
}

export function compareMetrics(a: Record<string, unknown>, b: Record<string, unknown>): MetricChange[] {
  const left = new Map(metricsOf(a).map((m) => [m.key, m]));
  const right = new Map(metricsOf(b).map((m) => [m.key, m]));
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  return keys.map((key) => {
    const m = (left.get(key) ?? right.get(key))!;
    const va = left.get(key)?.value ?? null;
    const vb = right.get(key)?.value ?? null;
    const both = typeof va === 'number' && typeof vb === 'number';
    return {
      key, section: m.section, label: m.label, money: isMoneyKey(key.split('|').at(-1) ?? ''), a: va, b: vb,
      change: both ? vb - va : null,
      percent: both && va !== 0 ? Math.round(((vb - va) / Math.abs(va)) * 1000) / 10 : null
    };
  });
}

export interface CsvHeader {
  title: string;
  period: string;
  asOf: string;
  filters: string;
  seq: number;
  integrity: string;
}

/** Every dataset as CSV blocks (a title line, a header row, the rows, a blank line); money in dollars. */
export function datasetsCsv(header: CsvHeader, datasets: Record<string, unknown>): string {
  const lines: Cell[][] = [
    ['Snapshot', header.title], ['Period', header.period], ['As of', header.asOf], ['Filters', header.filters],
    ['Change seq', header.seq], ['Integrity', header.integrity], []
  ];
  for (const section of sectionsOf(datasets)) {
    for (const table of section.tables) {
      lines.push([`${section.title} — ${table.title}`]);
      const isKv = table.columns[0] === 'metric';
      lines.push(isKv ? ['Metric', 'Value'] : table.columns.map((c) => humanize(c) + (isMoneyKey(c) ? ' (USD)' : '')));
      for (const row of table.rows) {
        if (isKv) {
          const key = String(row[0]);
          const money = isMoneyKey(key);
          lines.push([metricLabel(key) + (money ? ' (USD)' : ''), money && typeof row[1] === 'number' ? row[1] / 100 : row[1]]);
        } else {
          lines.push(row.map((v, i) => (isMoneyKey(table.columns[i]) && typeof v === 'number' ? v / 100 : v)));
        }
      }
      lines.push([]);
    }
  }
  return csvRows(lines);
}

/** "Mountain division · Utah · Detection k9" or "No filters (all regions and categories)". */
export function describeFilters(filters: Record<string, unknown>): string {
  const parts = Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${humanize(k)}: ${String(v).replace(/_/g, ' ')}`);
  return parts.length ? parts.join(' · ') : 'No filters (all regions and categories)';
}
