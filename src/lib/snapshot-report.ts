// Client-safe: turns a snapshot's stored datasets (whatever their shape) into titled tables, metrics
// to compare and CSV. Survivor figures are stored already published (rounded, withheld under 3
// centers: docs/figures.md, "Survivor counts: disclosure control"); a snapshot made before that rule
// has its survivor figures withheld here, before anything reaches a page, a CSV or a share link.
import { provisionalLine } from './provisional.js';
import { SURVIVOR_RULE, WITHHELD } from './survivor-figures.js';
import { csvRows } from './csv.js';
import { divisionName, regions } from './regions.js';

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
const META_KEYS = new Set(['seq', 'asOf', 'filters', 'period', 'fiscalYear', 'provisionalMonths']);

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

/** Plain names of the stored tables, by key path (docs/figures.md); others are their key, humanized. */
const TABLE_TITLES: Record<string, string> = {
  'overview/pipeline': 'Requests by stage (created in the period)',
  'overview/byCategory': 'Money by category',
  'overview/byState': 'By state or province',
  'overview/needs': 'Needs (now)',
  'overview/needs.byPriority': 'Open needs by priority (now)',
  'overview/needs.oldestCritical': 'Oldest open critical needs',
  'funding/pipeline': 'Pipeline by stage and category',
  'funding/pipelineByStage': 'Pipeline by stage',
  'funding/timeInStage': 'Time in stage (median and p90, days)',
  'funding/stuck.oldest': 'Stuck requests (oldest first)',
  'funding/throughput': 'Monthly throughput',
  'funding/budget': 'Budget vs committed vs disbursed (organisation-wide)',
  'funding/topPartners': 'Top partners (funded requests)',
  'aftercare/openNeeds': 'Open needs by priority, kind and division (now)',
  'aftercare/openByPriority': 'Open needs by priority (now)',
  'aftercare/oldestCritical': 'Oldest open critical needs',
  'aftercare/fulfilment': 'Needs opened and closed per month',
  'aftercare/survivorsMonthly': 'Survivors served per month',
  'outreach/monthly': 'Outreach per month against goal',
  'outreach/byDivision': 'By division',
  'outreach/byFormatAudience': 'By format and audience',
  'outreach/byFormat': 'By format',
  'outreach/byAudience': 'By audience',
  'outreach/goals': 'Goals and progress over their own periods'
};

/** A row holding its own monthly rows (outreach by division): the months' figures summed onto it. */
function withMonthTotals(item: Record<string, unknown>): Record<string, unknown> {
  const months = item.months;
  if (!Array.isArray(months) || !months.every(isPlainObject)) return item;
  const totals: Record<string, number> = {};
  for (const m of months as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(m)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
  }
  return { ...item, ...totals };
}

/** Columns keep their raw key (so money can be recognised); titles are humanized when rendered. */
function tablesOf(title: string, value: Record<string, unknown>, out: Table[], path = ''): void {
  const scalars: Cell[][] = [];
  // A figure's key is its path in the dataset ('funding.budget.budgetCents'), whatever table it is in.
  const inner = path.split('/')[1];
  const prefix = inner ? `${inner}.` : '';
  for (const [k, v] of Object.entries(value)) {
    if (META_KEYS.has(k)) continue;
    if (isScalar(v)) scalars.push([prefix + k, v]);
    else if (isPlainObject(v) && Object.values(v).every(isScalar)) {
      for (const [k2, v2] of Object.entries(v)) scalars.push([`${prefix}${k}.${k2}`, v2 as Cell]);
    }
  }
  if (scalars.length) out.push({ title, columns: ['metric', 'value'], rows: scalars });
  for (const [k, v] of Object.entries(value)) {
    if (META_KEYS.has(k)) continue;
    const at = path.includes('/') ? `${path}.${k}` : `${path}/${k}`;
    const sub = TABLE_TITLES[at] ?? (title ? `${title} · ${humanize(k)}` : humanize(k));
    if (Array.isArray(v)) {
      const items = v.filter(isPlainObject).map(withMonthTotals);
      const columns = [...new Set(items.flatMap((i) => Object.keys(i).filter((c) => isScalar(i[c]))))];
      out.push({ title: sub, columns, rows: items.map((i) => columns.map((c) => (isScalar(i[c]) ? (i[c] as Cell) : null))) });
    } else if (isPlainObject(v) && !Object.values(v).every(isScalar)) {
      tablesOf(sub, v, out, at);
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
    if (isPlainObject(value)) tablesOf('', value, tables, key);
    return { key, title: humanize(key), tables: tables.map((t) => ({ ...t, title: t.title || 'Key figures' })) };
  });
}

/** Plain labels of the stored single figures, as docs/figures.md shows them (by key path). */
const FIGURE_LABELS: Record<string, string> = {
  'funding.requests': 'Requests made',
  'funding.requestedCents': 'Requested',
  'funding.approvedCents': 'Approved (committed)',
  'funding.disbursedCents': 'Disbursed',
  'funding.budget.scope': 'Budget counted',
  'funding.budget.orgWide': 'Budget is organisation-wide',
  'funding.budget.budgetCents': 'Budget of the period\'s fiscal years',
  'funding.budget.committedCents': 'Committed against that budget',
  'funding.budget.disbursedCents': 'Disbursed against that budget',
  'funding.budget.burnPercent': 'Share of budget committed (%)',
  'funding.budget.disbursedPercent': 'Share of budget disbursed (%)',
  'sincePeriodStart.approvedCents': 'Approved from the first day of the period',
  'sincePeriodStart.disbursedCents': 'Paid out from the first day of the period',
  'sincePeriodStart.requestsApproved': 'Approvals in the period',
  'sincePeriodStart.requestsDisbursed': 'Payments in the period',
  'sincePeriodStart.openNeedsNet': 'Open needs, net change in the period',
  'sincePeriodStart.needsFulfilled': 'Needs fulfilled',
  'needs.openCritical': 'Open critical needs (now)',
  'needs.open': 'Open needs (now)',
  'needs.openEstimatedCostCents': 'Estimated cost of open needs (now)',
  'survivors.served': 'Survivors served (monthly counts summed)',
  'survivors.newIntakes': 'New intakes (rounded)',
  'survivors.reports': 'Survivor reports (center-months)',
  'survivors.centersReporting': 'Centers reporting',
  'survivors.rule': 'Survivor figures published under',
  'outreach.events': 'Outreach events',
  'outreach.peopleReached': 'People reached',
  'outreach.followUpRequests': 'Follow-up requests',
  'impact.disbursedCents': 'Disbursed',
  'impact.k9sFunded': 'K9s funded',
  'impact.officersTrained': 'Officers trained',
  'impact.extractionLicenses': 'Extraction software licenses',
  'impact.forensicDevices': 'Forensic devices',
  'impact.labEquipment': 'Lab equipment funded',
  'impact.k9sDelivered': 'K9s delivered',
  'impact.trainingSeatsDelivered': 'Training seats delivered',
  'impact.extractionLicensesDelivered': 'Extraction licenses delivered',
  'impact.forensicDevicesDelivered': 'Forensic devices delivered',
  'impact.labEquipmentDelivered': 'Lab equipment delivered',
  'impact.labsSupported': 'Forensic labs supported',
  'impact.centersSupported': 'Aftercare centers supported',
  'impact.agenciesSupported': 'Law-enforcement agencies supported',
  'stuck.thresholdDays': 'Stuck after (days)',
  'stuck.count': 'Stuck requests',
  budgetIsOrgWide: 'Budget is organisation-wide',
  categoryApplies: 'Category filter applies',
  'openTotals.needs': 'Open needs (now)',
  'openTotals.estimatedCostCents': 'Estimated cost of open needs (now)',
  survivorRule: 'Survivor figures published under',
  goalDivision: 'Goal of division',
  'totals.events': 'Events',
  'totals.peopleReached': 'People reached',
  'totals.followUpRequests': 'Follow-up requests',
  timeZone: 'Time zone',
  periodLabel: 'Period'
};

/** The label of a stored single figure: its plain label, else its key ('a.bCents' → 'A · B'). */
export function metricLabel(key: string): string {
  return FIGURE_LABELS[key] ?? key.split('.').map(humanize).join(' · ');
}

const COLUMN_LABELS: Record<string, string> = {
  centerName: 'Center', partnerName: 'Partner', name: 'Name', title: 'Title', stageEnteredAt: 'In stage since', daysInStage: 'Days in stage',
  createdAt: 'Open since', neededBy: 'Needed by', daysOpen: 'Days open', medianDays: 'Median days', p90Days: 'p90 days',
  ratePercent: 'Fulfilled of closed (%)', peopleGoal: 'Goal (people)', eventsGoal: 'Goal (events)', periodStart: 'From', periodEnd: 'To',
  state: 'State or province', division: 'Division', programArea: 'Program area', committedCents: 'Committed', fundedRequests: 'Funded requests',
  centersReporting: 'Centers reporting', newIntakes: 'New intakes', served: 'Survivors served'
};

/** A table column's heading. */
export function columnLabel(column: string): string {
  return COLUMN_LABELS[column] ?? humanize(column);
}

/** A row's name as people say it: state and division names, never codes. */
export function rowName(column: string, value: Cell): string {
  const text = String(value);
  if (column === 'state') return regions.find((r) => r.code === text)?.name ?? text;
  if (column === 'division') return divisionName(text);
  if (column === 'month' && /^\d{4}-\d{2}-01$/.test(text)) return text.slice(0, 7);
  return humanize(text);
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
      // A row is named by every text column (a stage and a category, a priority, kind and division…).
      const keyColumns = table.columns
        .map((_, i) => i)
        .filter((i) => !/Id$|^id$/.test(table.columns[i]) && !SURVIVOR_KEY.test(table.columns[i]) && table.rows.every((r) => typeof r[i] === 'string'));
      for (const row of table.rows) {
        const rowKey = keyColumns.map((i) => String(row[i])).join('|');
        const name = keyColumns.map((i) => rowName(table.columns[i], row[i])).join(' · ');
        table.columns.forEach((c, i) => {
          if (keyColumns.includes(i) || /Id$|^id$/.test(c) || (typeof row[i] !== 'number' && row[i] !== SUPPRESSED)) return;
          out.push({ key: `${section.key}|${table.title}|${rowKey}|${c}`, section: section.title, label: `${table.title} · ${name ? `${name} · ` : ''}${columnLabel(c)}`, value: row[i] });
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

/**
 * The months of the snapshot's period that were not signed off when it was made (its figures were
 * provisional), from the stored datasets; undefined for snapshots made before monthly sign-off.
 */
export function provisionalOf(datasets: Record<string, unknown>): string[] | undefined {
  const lists = Object.values(datasets).flatMap((d) => (isPlainObject(d) && Array.isArray(d.provisionalMonths) ? [d.provisionalMonths as string[]] : []));
  return lists.length ? [...new Set(lists.flat())].sort() : undefined;
}

/** Every dataset as CSV blocks (a title line, a header row, the rows, a blank line); money in dollars. */
export function datasetsCsv(header: CsvHeader, datasets: Record<string, unknown>): string {
  const lines: Cell[][] = [
    ['Snapshot', header.title], ['Period', header.period], ['As of', header.asOf], ['Filters', header.filters],
    ['Change seq', header.seq], ['Integrity', header.integrity], ['Provisional when made', provisionalLine(provisionalOf(datasets))], []
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

/** "Mountain division · Utah · Detection K9" or "No filters (all regions and categories)". */
export function describeFilters(filters: Record<string, unknown>): string {
  const parts = Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${humanize(k)}: ${k === 'division' || k === 'state' ? rowName(k, String(v)) : String(v).replace(/_/g, ' ')}`);
  return parts.length ? parts.join(' · ') : 'No filters (all regions and categories)';
}

export interface ChangeSentence {
  key: string;
  text: string;
  /** Up or down, for colour. */
  direction: 'up' | 'down';
}

/** A base below this is too small for a percentage to say much (ten units, or $1,000). */
const materialBase = (m: MetricChange) => Math.abs(Number(m.a)) >= (m.money ? 100_000 : 10);

function describeChange(m: MetricChange, format: (key: string, v: Cell) => string): ChangeSentence {
  const key = m.key.split('|').at(-1) ?? '';
  const up = (m.change ?? 0) > 0;
  const pct = m.percent === null ? '' : `${up ? 'up' : 'down'} ${Math.abs(m.percent) < 10 ? Math.abs(m.percent).toFixed(1) : Math.round(Math.abs(m.percent))} %, `;
  return { key: m.key, direction: up ? 'up' : 'down', text: `${m.section} · ${m.label}: ${pct}from ${format(key, m.a)} to ${format(key, m.b)}.` };
}

/**
 * What changed most between two snapshots, in sentences: the largest relative changes (on a base big
 * enough to matter), then the largest changes in dollars not already told. Withheld figures never
 * take part (their change is null).
 */
export function biggestChanges(metrics: MetricChange[], format: (key: string, v: Cell) => string, count = { relative: 8, money: 4 }) {
  const moved = metrics.filter((m) => m.change !== null && m.change !== 0);
  const relative = moved
    .filter((m) => m.percent !== null && materialBase(m))
    .sort((x, y) => Math.abs(y.percent!) - Math.abs(x.percent!) || Math.abs(y.change!) - Math.abs(x.change!) || (x.key < y.key ? -1 : 1))
    .slice(0, count.relative);
  const told = new Set(relative.map((m) => m.key));
  const dollars = moved
    .filter((m) => m.money && !told.has(m.key))
    .sort((x, y) => Math.abs(y.change!) - Math.abs(x.change!) || (x.key < y.key ? -1 : 1))
    .slice(0, count.money);
  return { relative: relative.map((m) => describeChange(m, format)), money: dollars.map((m) => describeChange(m, format)) };
}
