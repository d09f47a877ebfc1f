// Imports from spreadsheets (CSV with a header row): funding requests with their stage history,
// partners, outreach events, survivor counts. One path for the /import page, the tRPC procedures and
// `npm run import`: read the file, map its columns, judge every row (plain words naming the row and
// the field), then write everything in ONE transaction — all rows or none — with ONE audit entry.
// Importing the same file again changes nothing: rows are found by their external id (survivor
// counts by center and month) and only what differs is written.
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/index.js';
import { assertRole, canEditState, type SessionUser } from '../auth/access.js';
import { DomainError } from '../errors.js';
import { databaseRefusal, isLockedPeriodRefusal } from '../db/refusals.js';
import { recordAudit } from '../audit/audit.repository.js';
import { enums, type FundingCategory, type FundingStage } from '../db/schema.js';
import { PROGRAM_AREA_OF } from '../funding/program-areas.js';
import { fiscalYearOf } from '../fiscal-year.js';
import { divisions, regions } from '../../regions.js';
import { dateProblem, CENTS_MAX, isCleanText } from '../../validation.js';
import { dollarsToCents, centsToDollars } from '../../money-input.js';
import { label, monthLabel } from '../../format.js';
import { IMPORT_FIELDS, headerKey, type ImportKind } from '../../import-fields.js';
import * as repo from './imports.repository.js';
import { lockedPeriods } from '../periods/periods.repository.js';

export const IMPORT_ROLES = ['leadership', 'admin', 'coordinator'] as const;
/** Rows per multi-row statement. */
const BATCH = 2_000;
/** Requests and stage moves: larger statements, as each costs one run of every statement-level trigger. */
const REQUEST_BATCH = 10_000;
/** New requests with their history (about 4 rows each) per statement in import mode: fewer statements, fewer rollup upserts. */
const HISTORY_BATCH = 25_000;
/** Row problems listed in a preview (the count says how many there are in all). */
const ERRORS_SHOWN = 200;

export interface ImportInput {
  kind: ImportKind;
  fileName: string;
  csv: string;
  /** Beacon field → the file's column header ('' = not in this file). Absent: the saved mapping, else the headers' names. */
  mapping?: Record<string, string>;
}

export interface RowError {
  /** The spreadsheet's row number (the header is row 1). */
  row: number;
  /** The field's label. */
  field: string;
  message: string;
}

export interface ImportCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface Progress {
  (p: { done: number; total: number; step: string }): void;
}

type Stats = Omit<ImportCounts, 'rows'>;

interface Plan {
  errors: RowError[];
  stats: Stats;
  /** Writes the valid plan inside the caller's transaction; returns how many rows it wrote (events included). */
  write(tx: Db, progress: Progress): Promise<number>;
}

export interface ImportReport extends ImportCounts {
  kind: ImportKind;
  fileName: string;
  headers: string[];
  /** Field → header used ('' = none). */
  mapping: Record<string, string>;
  /** Problems with the file as a whole (unreadable, a required column missing). */
  fileErrors: string[];
  /** The first problems by row, in plain words. */
  errors: RowError[];
  errorCount: number;
  /** The first rows as the mapping reads them (field order). */
  sample: string[][];
  committed: boolean;
}

/** "Row 14, Amount requested: enter a dollar amount such as 24,050" */
export const rowErrorText = (e: RowError) => `Row ${e.row}, ${e.field}: ${e.message}`;

// ---------------------------------------------------------------------------------------------------
// Reading cells

class CellError extends Error {}
const fail = (message: string): never => {
  throw new CellError(message);
};

const REGION_BY_KEY = new Map<string, string>(regions.flatMap((r) => [[headerKey(r.code), r.code], [headerKey(r.name), r.code]]));

function enumValue<T extends string>(values: readonly T[], s: string, what: string): T {
  const k = headerKey(s);
  const hit = values.find((v) => headerKey(v) === k || headerKey(label(v)) === k);
  if (!hit) fail(`“${s}” is not a ${what}: use one of ${values.map((v) => label(v)).join(', ')}`);
  return hit!;
}

const cell = {
  text(s: string, min: number, max: number): string {
    const t = s.trim();
    if (!isCleanText(t)) fail('remove the invisible control characters');
    if (t.length < min) fail(min <= 1 ? 'fill this in' : `use at least ${min} characters`);
    if (t.length > max) fail(`use at most ${max.toLocaleString('en-US')} characters`);
    return t;
  },
  money(s: string): number {
    const cents = dollarsToCents(s);
    if (cents === null) fail('enter a dollar amount such as 24,050');
    if (cents! < 0) fail('an amount cannot be negative');
    if (cents! > CENTS_MAX) fail('use at most $10,000,000,000');
    return cents!;
  },
  date(s: string): string {
    const t = s.trim();
    const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
    const iso = us ? `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}` : t;
    const problem = dateProblem(iso);
    if (problem) fail(problem === 'That day does not exist.' ? `${t} is not a real day` : 'enter a date such as 2024-03-18');
    return iso;
  },
  month(s: string): string {
    const t = s.trim();
    const m = /^(\d{4})-(\d{2})(?:-01)?$/.exec(t);
    const us = /^(\d{1,2})\/(\d{4})$/.exec(t);
    const [y, mo] = us ? [Number(us[2]), Number(us[1])] : m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!(mo >= 1 && mo <= 12) || !(y >= 2000 && y <= 2100)) fail('enter a month such as 2026-10');
    return `${y}-${String(mo).padStart(2, '0')}`;
  },
  count(s: string, max = 1_000_000): number {
    const t = s.trim().replaceAll(',', '');
    if (!/^\d+$/.test(t)) fail(t.startsWith('-') ? 'a count cannot be negative' : 'enter a whole number such as 12');
    const n = Number(t);
    if (n > max) fail(`use at most ${max.toLocaleString('en-US')}`);
    return n;
  },
  state(s: string): string {
    const code = REGION_BY_KEY.get(headerKey(s));
    if (!code) fail(`“${s.trim()}” is not a US state or Canadian province: use its two letters, such as CO`);
    return code!;
  }
};

const dollars = (cents: number) => `$${centsToDollars(cents)}`;

/** One row's cells by field key, with per-field error collection. */
class RowReader {
  readonly errors: RowError[] = [];
  constructor(
    private readonly kind: ImportKind,
    readonly row: number,
    private readonly values: Record<string, string>
  ) {}

  private labelOf(key: string) {
    return IMPORT_FIELDS[this.kind].find((f) => f.key === key)!.label;
  }

  raw(key: string): string {
    return (this.values[key] ?? '').trim();
  }

  /** The field read with `read`, or undefined when empty and optional (a required empty field is an error). */
  get<T>(key: string, read: (s: string) => T, required = false): T | undefined {
    const s = this.raw(key);
    if (!s) {
      if (required) this.error(key, 'fill this in');
      return undefined;
    }
    try {
      return read(s);
    } catch (err) {
      if (err instanceof CellError) {
        this.error(key, err.message);
        return undefined;
      }
      throw err;
    }
  }

  error(key: string, message: string) {
    this.errors.push({ row: this.row, field: this.labelOf(key), message });
  }
}

// ---------------------------------------------------------------------------------------------------
// File and mapping

function readCsv(text: string): { headers: string[]; records: string[][] } | string {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: false }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return `The file could not be read as CSV${line ? ` near line ${line}` : ''}: check that every quote is closed. Save it from your spreadsheet as “CSV (comma delimited)”.`;
  }
  if (rows.length === 0 || rows[0].every((h) => !h.trim())) return 'The file is empty: it needs a header row naming its columns, then one row per record.';
  return { headers: rows[0].map((h) => h.trim()), records: rows.slice(1) };
}

function resolveMapping(kind: ImportKind, headers: string[], given: Record<string, string> | undefined, saved: Record<string, string> | null) {
  const fileErrors: string[] = [];
  const mapping: Record<string, string> = {};
  const byKey = new Map(headers.map((h) => [headerKey(h), h]));
  for (const field of IMPORT_FIELDS[kind]) {
    let header: string | undefined;
    if (given && field.key in given) {
      header = given[field.key];
      if (header && !headers.includes(header)) {
        fileErrors.push(`${field.label}: the file has no column “${header}”.`);
        header = '';
      }
    } else {
      if (saved?.[field.key] && headers.includes(saved[field.key])) header = saved[field.key];
      header ??= [field.label, field.key, ...field.aliases].map((a) => byKey.get(headerKey(a))).find(Boolean);
    }
    mapping[field.key] = header ?? '';
    if (field.required && !mapping[field.key]) {
      fileErrors.push(`${field.label}: no column holds it. Choose its column below (or add one to the file).`);
    }
  }
  return { mapping, fileErrors };
}

// ---------------------------------------------------------------------------------------------------
// Rows of each kind

interface Context {
  db: Db;
  actor: SessionUser;
  today: string;
  fiscalYearStartMonth: number;
  bulk?: boolean;
  /** The signed-off (locked) division-months, as 'division YYYY-MM'. */
  locked: Set<string>;
}

type Row = RowReader;

function duplicateCheck(r: Row, key: string, seen: Map<string, number>, value: string | undefined) {
  if (value === undefined) return false;
  const first = seen.get(value);
  if (first !== undefined) {
    r.error(key, `“${value}” is also on row ${first}: each row needs its own`);
    return true;
  }
  seen.set(value, r.row);
  return false;
}

function notFuture(r: Row, key: string, day: string | undefined, today: string) {
  if (day && day > today) {
    r.error(key, `${day} has not happened yet`);
    return undefined;
  }
  return day;
}

/** Partners named by external id or exact name. */
async function partnerResolver(db: Db, refs: string[]) {
  const found = await repo.partnersByRef(db, [...new Set(refs.filter(Boolean))]);
  const byExt = new Map(found.filter((p) => p.externalId).map((p) => [p.externalId!, p]));
  const byName = new Map<string, repo.PartnerRef[]>();
  for (const p of found) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return (ref: string): repo.PartnerRef => {
    const hit = byExt.get(ref);
    if (hit) return hit;
    const named = byName.get(ref) ?? [];
    if (named.length > 1) fail(`more than one partner is named “${ref}”: use its external id`);
    if (named.length === 0) fail(`no partner has the external id or name “${ref}”: import or add the partner first`);
    return named[0];
  };
}

/** A row dated in a month signed off for its division is refused by the database: named here first. */
function notLocked(ctx: Context, r: Row, key: string, state: string | undefined, day: string | undefined) {
  if (!state || !day || ctx.locked.size === 0) return;
  const division = regions.find((x) => x.code === state)?.division;
  const month = day.slice(0, 7);
  if (division && ctx.locked.has(`${division} ${month}`)) {
    const name = divisions.find((d) => d.code === division)?.name ?? division;
    r.error(key, `${monthLabel(month)} is signed off and locked for the ${name} division: an admin must reopen it before anything dated in it is imported`);
  }
}

function inRegion(ctx: Context, r: Row, key: string, state: string | undefined): boolean {
  if (state && !canEditState(ctx.actor, state)) {
    r.error(key, `${state} is outside your regions: you import rows for ${ctx.actor.states.join(', ')} only`);
    return false;
  }
  return true;
}

async function planPartners(ctx: Context, rows: Row[]): Promise<Plan> {
  const stored = new Map((await repo.partnersByExternalId(ctx.db, rows.map((r) => r.raw('externalId')).filter(Boolean))).map((p) => [p.externalId!, p]));
  const seen = new Map<string, number>();
  const inserts: repo.PartnerRow[] = [];
  const updates: repo.PartnerRow[] = [];
  let unchanged = 0;
  for (const r of rows) {
    const externalId = r.get('externalId', (s) => cell.text(s, 1, 100), true);
    const name = r.get('name', (s) => cell.text(s, 2, 200), true);
    const kind = r.get('kind', (s) => enumValue(enums.partner_kind, s, 'partner kind'), true);
    const state = r.get('state', cell.state, true);
    const city = r.get('city', (s) => cell.text(s, 2, 100)) ?? null;
    const vettingStatus = r.get('vettingStatus', (s) => enumValue(enums.vetting_status, s, 'vetting status')) ?? 'pending';
    const vettedUntil = r.get('vettedUntil', cell.date) ?? null;
    const vettingNote = r.get('vettingNote', (s) => cell.text(s, 3, 2000)) ?? null;
    if (kind === 'aftercare_center' && city && /\d/.test(city)) r.error('city', 'an aftercare center’s location is confidential: give its city only, never a street address');
    inRegion(ctx, r, 'state', state);
    duplicateCheck(r, 'externalId', seen, externalId);
    const before = externalId ? stored.get(externalId) : undefined;
    if (before && kind && before.kind !== kind) r.error('kind', `a partner’s kind cannot change (it is ${label(before.kind)} in Beacon)`);
    if (before && !inRegion(ctx, r, 'externalId', before.state)) continue;
    if (before && before.vettingStatus !== 'pending' && vettingStatus === 'pending') r.error('vettingStatus', `a vetting cannot go back to pending (it is ${before.vettingStatus} in Beacon)`);
    if (r.errors.length) continue;
    const row: repo.PartnerRow = {
      external_id: externalId!, name: name!, kind: kind!, state: state!, city, vetting_status: vettingStatus,
      // A vetted partner without a date gets the database's default (a year from now) on insert; on a re-import the stored date stays.
      vetted_until: vettedUntil ?? (before && vettingStatus === 'vetted' ? before.vettedUntil : null), vetting_note: vettingNote
    };
    if (!before) inserts.push(row);
    else if (before.name === row.name && before.state === row.state && before.city === row.city && before.vettingStatus === row.vetting_status
      && before.vettedUntil === row.vetted_until && before.vettingNote === row.vetting_note) unchanged++;
    else updates.push(row);
  }
  return {
    errors: rows.flatMap((r) => r.errors),
    stats: { inserted: inserts.length, updated: updates.length, unchanged },
    async write(tx, progress) {
      const total = inserts.length + updates.length;
      for (let i = 0; i < inserts.length; i += BATCH) {
        await repo.insertPartners(tx, inserts.slice(i, i + BATCH));
        progress({ done: Math.min(i + BATCH, inserts.length), total, step: 'partners added' });
      }
      for (let i = 0; i < updates.length; i += BATCH) {
        await repo.updatePartners(tx, updates.slice(i, i + BATCH));
        progress({ done: inserts.length + Math.min(i + BATCH, updates.length), total, step: 'partners updated' });
      }
      return total;
    }
  };
}

interface Move {
  to: FundingStage;
  on: string;
  amount: number | null;
  reason?: string | null;
}

/** A spreadsheet rarely says why a request was declined; the database needs a reason, so it says so. */
const NO_REASON_IN_FILE = 'No reason was given in the imported file.';
const moveKey = (m: Move) => `${m.to}@${m.on}:${m.amount ?? ''}`;

async function planRequests(ctx: Context, rows: Row[]): Promise<Plan> {
  const partnerOf = await partnerResolver(ctx.db, rows.map((r) => r.raw('partner')));
  const stored = new Map((await repo.requestsByExternalId(ctx.db, rows.map((r) => r.raw('externalId')).filter(Boolean))).map((q) => [q.externalId, q]));
  const seen = new Map<string, number>();
  const inserts: repo.RequestRow[] = [];
  /** Moves still to record, per request (new ones by external id, known ones by id). */
  const pending: Array<{ externalId: string; id?: number; from: FundingStage; moves: Move[] }> = [];
  let updated = 0;
  let unchanged = 0;
  for (const r of rows) {
    const externalId = r.get('externalId', (s) => cell.text(s, 1, 100), true);
    const partner = r.get('partner', (s) => partnerOf(s), true);
    const category = r.get('category', (s) => enumValue(enums.funding_category, s, 'funding category'), true) as FundingCategory | undefined;
    const programArea = r.get('programArea', (s) => enumValue(enums.program_area, s, 'program area'));
    const title = r.get('title', (s) => cell.text(s, 3, 200));
    const purpose = r.get('purpose', (s) => cell.text(s, 3, 4000)) ?? null;
    const requested = r.get('requested', cell.money, true);
    const created = notFuture(r, 'created', r.get('created', cell.date, true), ctx.today);
    const units = r.get('units', (s) => cell.count(s, 2_147_483_647)) ?? null;
    const vetting = notFuture(r, 'vetting', r.get('vetting', cell.date), ctx.today);
    const approvedOn = notFuture(r, 'approvedOn', r.get('approvedOn', cell.date), ctx.today);
    const approved = r.get('approved', cell.money);
    const disbursedOn = notFuture(r, 'disbursedOn', r.get('disbursedOn', cell.date), ctx.today);
    const disbursed = r.get('disbursed', cell.money);
    const reportedOn = notFuture(r, 'reportedOn', r.get('reportedOn', cell.date), ctx.today);
    const declinedOn = notFuture(r, 'declinedOn', r.get('declinedOn', cell.date), ctx.today);
    const withdrawnOn = notFuture(r, 'withdrawnOn', r.get('withdrawnOn', cell.date), ctx.today);
    const reason = r.get('reason', (s) => cell.text(s, 3, 2000));
    duplicateCheck(r, 'externalId', seen, externalId);
    if (category && programArea && PROGRAM_AREA_OF[category] !== programArea) {
      r.error('programArea', `${label(category)} counts against ${label(PROGRAM_AREA_OF[category]).toLowerCase()}, not ${label(programArea).toLowerCase()}`);
    }
    if (partner) inRegion(ctx, r, 'partner', partner.state);
    if (r.errors.length) continue;

    // The stage history the row describes, checked in the order stages go.
    const moves: Move[] = [];
    let last = { on: created!, field: 'Created date' };
    const step = (key: string, fieldLabel: string, to: FundingStage, on: string, amount: number | null) => {
      if (on < last.on) r.error(key, `${on} is before the ${last.field.toLowerCase()} (${last.on}): stages go intake → vetting → approved → disbursed → reported`);
      moves.push({ to, on, amount });
      last = { on, field: fieldLabel };
    };
    if (approvedOn && approved === undefined) r.error('approved', 'enter the amount approved, since the row has an approved date');
    if (approved !== undefined && !approvedOn) r.error('approvedOn', 'enter the day it was approved, since the row has an approved amount');
    if (approved === 0) r.error('approved', 'an approval needs an amount above zero');
    if ((disbursedOn || disbursed !== undefined) && !approvedOn) r.error('disbursedOn', 'a request is paid only once it is approved: enter its approved date and amount');
    if (disbursed !== undefined && !disbursedOn) r.error('disbursedOn', 'enter the day it was paid, since the row has a disbursed amount');
    if (disbursed === 0) r.error('disbursed', 'a payment needs an amount above zero (or leave it empty to pay the approved amount)');
    if (disbursed !== undefined && approved !== undefined && disbursed > approved) {
      r.error('disbursed', `${dollars(disbursed)} is more than the approved amount (${dollars(approved)})`);
    }
    if (reportedOn && !disbursedOn) r.error('reportedOn', 'a report follows a payment: enter the disbursed date');
    if (reason && !declinedOn && !withdrawnOn) r.error('reason', 'a reason goes with a declined or withdrawn date: enter the date, or leave the reason empty');
    if (declinedOn && withdrawnOn) r.error('withdrawnOn', 'a request is either declined or withdrawn, not both');
    if ((declinedOn || withdrawnOn) && disbursedOn) r.error(declinedOn ? 'declinedOn' : 'withdrawnOn', 'a request that was paid cannot be declined or withdrawn');
    if (approvedOn && partner && partner.vettingStatus !== 'vetted') {
      r.error('partner', `“${partner.name}” is ${partner.vettingStatus === 'pending' ? 'pending vetting' : partner.vettingStatus}: only vetted partners can be approved or paid`);
    } else if (approvedOn && partner && (!partner.vettedUntil || partner.vettedUntil < approvedOn)) {
      r.error('approvedOn', `“${partner.name}”’s vetting ${partner.vettedUntil ? `ran out on ${partner.vettedUntil}` : 'has no end date'}: renew it before importing approvals after that`);
    }
    if (r.errors.length) continue;
    if (vetting || approvedOn) step('vetting', 'Vetting date', 'vetting', vetting ?? created!, null);
    if (approvedOn) step('approvedOn', 'Approved date', 'approved', approvedOn, approved!);
    if (disbursedOn) step('disbursedOn', 'Disbursed date', 'disbursed', disbursedOn, disbursed ?? approved!);
    if (reportedOn) step('reportedOn', 'Reported date', 'reported', reportedOn, null);
    if (declinedOn) step('declinedOn', 'Declined date', 'declined', declinedOn, null);
    if (withdrawnOn) step('withdrawnOn', 'Withdrawn date', 'withdrawn', withdrawnOn, null);
    if (declinedOn || withdrawnOn) moves[moves.length - 1].reason = reason ?? NO_REASON_IN_FILE;
    notLocked(ctx, r, 'created', partner!.state, created);
    for (const [key, day] of [['vetting', vetting ?? (approvedOn ? created : undefined)], ['approvedOn', approvedOn], ['disbursedOn', disbursedOn],
      ['reportedOn', reportedOn], ['declinedOn', declinedOn], ['withdrawnOn', withdrawnOn]] as const) notLocked(ctx, r, key, partner!.state, day);
    if (r.errors.length) continue;

    const before = stored.get(externalId!);
    if (!before) {
      inserts.push({
        external_id: externalId!, partner_id: partner!.id, category: category!, requested_cents: requested!, units, created_on: created!,
        title: title ?? `${label(category!)} for ${partner!.name}`.slice(0, 200), purpose,
        fiscal_year: fiscalYearOf(created!, ctx.fiscalYearStartMonth)
      });
      if (moves.length) pending.push({ externalId: externalId!, from: 'intake', moves });
      continue;
    }
    const differs = [
      before.partnerId !== partner!.id && 'partner', before.category !== category && 'category',
      before.requestedCents !== requested && 'amount requested', before.createdOn !== created && 'created date'
    ].filter(Boolean);
    if (differs.length) {
      r.error('externalId', `this request was imported before with a different ${differs.join(', ')}: correct it in the app, or give the row a new external id`);
      continue;
    }
    const keys = moves.map(moveKey);
    const isPrefix = before.moves.length <= keys.length && before.moves.every((m, i) => m === keys[i]);
    if (!isPrefix) {
      r.error('externalId', 'this request’s stage history in Beacon differs from this row’s (it was moved in the app, or the row changed a date or amount): correct it in the app');
      continue;
    }
    if (before.moves.length === keys.length) unchanged++;
    else {
      updated++;
      pending.push({ externalId: externalId!, id: before.id, from: before.moves.length ? moves[before.moves.length - 1].to : 'intake', moves: moves.slice(before.moves.length) });
    }
  }
  return {
    errors: rows.flatMap((r) => r.errors),
    stats: { inserted: inserts.length, updated, unchanged },
    async write(tx, progress) {
      const ids = new Map<string, number>();
      const moveTotal = pending.reduce((n, p) => n + p.moves.length, 0);
      const total = inserts.length + moveTotal;
      let done = 0;
      // The k-th move of every request in one round: no statement moves a request twice, and each
      // move finds the stage it leaves. The row guards judge every move.
      const rounds = async (list: typeof pending) => {
        for (let k = 0; ; k++) {
          const round: repo.MoveRow[] = [];
          for (const p of list) {
            const m = p.moves[k];
            if (!m) continue;
            round.push({ request_id: p.id ?? ids.get(p.externalId)!, from_stage: k === 0 ? p.from : p.moves[k - 1].to, to_stage: m.to, amount_cents: m.amount, on: m.on, reason: m.reason ?? null });
          }
          if (round.length === 0) break;
          for (let i = 0; i < round.length; i += REQUEST_BATCH) {
            await repo.insertMoves(tx, round.slice(i, i + REQUEST_BATCH), ctx.actor.id);
            done += Math.min(REQUEST_BATCH, round.length - i);
            progress({ done, total, step: 'stage history' });
          }
        }
      };
      if (ctx.bulk === false) {
        // As the app writes: each request opens at intake, then its moves in rounds, every rollup per statement.
        for (let i = 0; i < inserts.length; i += REQUEST_BATCH) {
          for (const [k, v] of await repo.insertRequests(tx, inserts.slice(i, i + REQUEST_BATCH))) ids.set(k, v);
          done = Math.min(i + REQUEST_BATCH, inserts.length);
          progress({ done, total, step: 'requests added' });
        }
        await rounds(pending);
        return total;
      }
      // The month rollups are applied once, at the end, over everything written. Requests stored
      // earlier get their further moves in rounds, through the row guards; new requests are written at
      // their final stage with their whole history, a batch per statement, and the database judges
      // each statement's requests and events set-based (import mode).
      await repo.deferTimeRollups(tx, pending.flatMap((p) => (p.id === undefined ? [] : [p.id])));
      await rounds(pending.filter((p) => p.id !== undefined));
      const movesOf = new Map(pending.filter((p) => p.id === undefined).map((p) => [p.externalId, p.moves]));
      await repo.setImportMode(tx, true);
      for (let i = 0; i < inserts.length; i += HISTORY_BATCH) {
        const batch = inserts.slice(i, i + HISTORY_BATCH).map((row, j) => ({
          ...row, i: i + j,
          moves: (movesOf.get(row.external_id) ?? []).map((m, k) => ({ k: k + 1, to_stage: m.to, amount_cents: m.amount, on: m.on, reason: m.reason ?? null }))
        }));
        for (const [k, v] of await repo.insertRequestsWithHistory(tx, batch, ctx.actor.id)) ids.set(k, v);
        done += batch.length + batch.reduce((n, r) => n + r.moves.length, 0);
        progress({ done, total, step: 'requests with their history' });
      }
      await repo.setImportMode(tx, false);
      progress({ done, total, step: 'month rollups' });
      await repo.applyDeferredTimeRollups(tx, [...ids.values()]);
      return total;
    }
  };
}

async function planOutreach(ctx: Context, rows: Row[]): Promise<Plan> {
  const partnerOf = await partnerResolver(ctx.db, rows.map((r) => r.raw('partner')));
  const stored = new Map((await repo.outreachByExternalId(ctx.db, rows.map((r) => r.raw('externalId')).filter(Boolean))).map((o) => [o.externalId, o]));
  const seen = new Map<string, number>();
  const inserts: repo.OutreachRow[] = [];
  const updates: repo.OutreachRow[] = [];
  let unchanged = 0;
  for (const r of rows) {
    const externalId = r.get('externalId', (s) => cell.text(s, 1, 100), true);
    const date = notFuture(r, 'date', r.get('date', cell.date, true), ctx.today);
    const state = r.get('state', cell.state, true);
    const format = r.get('format', (s) => enumValue(enums.outreach_format, s, 'format'), true);
    const audience = r.get('audience', (s) => enumValue(enums.outreach_audience, s, 'audience'), true);
    const title = r.get('title', (s) => cell.text(s, 3, 200)) ?? null;
    const attendees = r.get('attendees', (s) => cell.count(s), true);
    const professionals = r.get('professionals', (s) => cell.count(s)) ?? 0;
    const followUps = r.get('followUps', (s) => cell.count(s)) ?? 0;
    const partner = r.get('partner', (s) => partnerOf(s)) ?? null;
    duplicateCheck(r, 'externalId', seen, externalId);
    inRegion(ctx, r, 'state', state);
    const before = externalId ? stored.get(externalId) : undefined;
    if (before && !inRegion(ctx, r, 'externalId', before.state)) continue;
    notLocked(ctx, r, 'date', state, date);
    if (before) notLocked(ctx, r, 'date', before.state, before.occurredOn);
    if (r.errors.length) continue;
    const row: repo.OutreachRow = {
      external_id: externalId!, occurred_on: date!, state: state!, format: format!, audience: audience!, title, attendees: attendees!,
      partner_professionals: professionals, follow_up_requests: followUps, partner_id: partner?.id ?? null
    };
    if (!before) inserts.push(row);
    else if (before.occurredOn === row.occurred_on && before.state === row.state && before.format === row.format && before.audience === row.audience
      && before.title === row.title && before.attendees === row.attendees && before.partnerProfessionals === row.partner_professionals
      && before.followUpRequests === row.follow_up_requests && before.partnerId === row.partner_id) unchanged++;
    else updates.push(row);
  }
  return {
    errors: rows.flatMap((r) => r.errors),
    stats: { inserted: inserts.length, updated: updates.length, unchanged },
    async write(tx, progress) {
      const total = inserts.length + updates.length;
      for (let i = 0; i < inserts.length; i += BATCH) {
        await repo.insertOutreach(tx, inserts.slice(i, i + BATCH), ctx.actor.id);
        progress({ done: Math.min(i + BATCH, inserts.length), total, step: 'outreach events added' });
      }
      for (let i = 0; i < updates.length; i += BATCH) {
        await repo.updateOutreach(tx, updates.slice(i, i + BATCH));
        progress({ done: inserts.length + Math.min(i + BATCH, updates.length), total, step: 'outreach events updated' });
      }
      return total;
    }
  };
}

async function planCounts(ctx: Context, rows: Row[]): Promise<Plan> {
  const centerOf = await partnerResolver(ctx.db, rows.map((r) => r.raw('center')));
  const seen = new Map<string, number>();
  const candidates: Array<{ r: Row; row: repo.CountRow }> = [];
  const currentMonth = ctx.today.slice(0, 7);
  for (const r of rows) {
    const center = r.get('center', (s) => centerOf(s), true);
    const month = r.get('month', cell.month, true);
    const served = r.get('served', (s) => cell.count(s), true);
    const newIntakes = r.get('newIntakes', (s) => cell.count(s), true);
    const bedNights = r.get('bedNights', (s) => cell.count(s), true);
    const exits = r.get('exitsToSafeHousing', (s) => cell.count(s)) ?? null;
    if (center && center.kind !== 'aftercare_center') r.error('center', `“${center.name}” is a ${label(center.kind).toLowerCase()}: only aftercare centers report survivor counts`);
    if (center) inRegion(ctx, r, 'center', center.state);
    if (month && month > currentMonth) r.error('month', `${month} has not begun yet: counts are reported for past or current months`);
    if (served !== undefined && newIntakes !== undefined && newIntakes > served) r.error('newIntakes', 'new intakes cannot be more than survivors served');
    if (served !== undefined && exits !== null && exits > served) r.error('exitsToSafeHousing', 'exits to safe housing cannot be more than survivors served');
    if (served !== undefined && bedNights !== undefined && bedNights > served * 31) r.error('bedNights', 'bed nights cannot be more than 31 for each survivor served');
    if (center && month) duplicateCheck(r, 'month', seen, `${center.name} ${month}`);
    if (center) notLocked(ctx, r, 'month', center.state, month);
    if (r.errors.length) continue;
    candidates.push({ r, row: { center_id: center!.id, month: month!, served: served!, new_intakes: newIntakes!, bed_nights: bedNights!, exits_to_safe_housing: exits } });
  }
  const stored = new Map((await repo.countsOf(ctx.db, [...new Set(candidates.map((c) => c.row.center_id))])).map((s) => [`${s.centerId} ${s.month}`, s]));
  const writes: repo.CountRow[] = [];
  let inserted = 0;
  let unchanged = 0;
  for (const { row } of candidates) {
    const before = stored.get(`${row.center_id} ${row.month}`);
    if (!before) inserted++;
    else if (before.served === row.served && before.newIntakes === row.new_intakes && before.bedNights === row.bed_nights
      && before.exitsToSafeHousing === row.exits_to_safe_housing) {
      unchanged++;
      continue;
    }
    writes.push(row);
  }
  return {
    errors: rows.flatMap((r) => r.errors),
    stats: { inserted, updated: writes.length - inserted, unchanged },
    async write(tx, progress) {
      for (let i = 0; i < writes.length; i += BATCH) {
        await repo.upsertCounts(tx, writes.slice(i, i + BATCH));
        progress({ done: Math.min(i + BATCH, writes.length), total: writes.length, step: 'survivor counts' });
      }
      return writes.length;
    }
  };
}

const PLANNERS: Record<ImportKind, (ctx: Context, rows: Row[]) => Promise<Plan>> = {
  requests: planRequests, partners: planPartners, outreach: planOutreach, 'survivor-counts': planCounts
};

// ---------------------------------------------------------------------------------------------------
// Preview and commit

export interface ImportOptions {
  fiscalYearStartMonth: number;
  progress?: Progress;
  /**
   * Requests: the month rollups are applied once at the end of the transaction over everything the
   * import wrote (default), or per statement as the app's writes do (false; the tests compare both).
   */
  bulk?: boolean;
}

async function prepare(db: Db, actor: SessionUser, input: ImportInput, options: ImportOptions) {
  assertRole(actor, IMPORT_ROLES, 'Imports are for leadership, admins and coordinators (for their regions).');
  const report: ImportReport = {
    kind: input.kind, fileName: input.fileName, headers: [], mapping: {}, fileErrors: [], errors: [], errorCount: 0, sample: [],
    rows: 0, inserted: 0, updated: 0, unchanged: 0, committed: false
  };
  const file = readCsv(input.csv);
  if (typeof file === 'string') {
    report.fileErrors.push(file);
    return { report, plan: null };
  }
  report.headers = file.headers;
  const { mapping, fileErrors } = resolveMapping(input.kind, file.headers, input.mapping, await repo.savedMapping(db, input.kind));
  report.mapping = mapping;
  report.fileErrors.push(...fileErrors);
  const fields = IMPORT_FIELDS[input.kind];
  const column = Object.fromEntries(fields.map((f) => [f.key, mapping[f.key] ? file.headers.indexOf(mapping[f.key]) : -1]));
  const rows: RowReader[] = [];
  file.records.forEach((rec, i) => {
    if (rec.every((c) => !c.trim())) return;
    rows.push(new RowReader(input.kind, i + 2, Object.fromEntries(fields.map((f) => [f.key, column[f.key] >= 0 ? (rec[column[f.key]] ?? '') : '']))));
  });
  report.rows = rows.length;
  report.sample = rows.slice(0, 5).map((r) => fields.map((f) => r.raw(f.key)));
  if (rows.length === 0) report.fileErrors.push('The file has a header row but no rows under it.');
  if (report.fileErrors.length) return { report, plan: null };
  const ctx: Context = { db, actor, today: await repo.localToday(db), fiscalYearStartMonth: options.fiscalYearStartMonth, bulk: options.bulk, locked: await lockedPeriods(db) };
  const plan = await PLANNERS[input.kind](ctx, rows);
  report.errorCount = plan.errors.length;
  report.errors = plan.errors.slice(0, ERRORS_SHOWN);
  Object.assign(report, plan.stats);
  return { report, plan: plan.errors.length ? null : plan };
}

/** Reads and judges the file without writing anything: what would be added, updated, left as it is, and every row's problems. */
export async function previewImport(db: Db, actor: SessionUser, input: ImportInput, options: ImportOptions): Promise<ImportReport> {
  return (await prepare(db, actor, input, options)).report;
}

/**
 * Imports the file: every row or none. With any problem nothing is written and the report lists
 * them (`committed: false`). Otherwise one transaction writes the rows (batched multi-row
 * statements), remembers the column mapping for this kind and records ONE audit entry.
 */
export async function commitImport(db: Db, actor: SessionUser, input: ImportInput, options: ImportOptions): Promise<ImportReport> {
  const { report, plan } = await prepare(db, actor, input, options);
  if (!plan) return report;
  const progress = options.progress ?? (() => {});
  try {
    await db.transaction().execute(async (tx) => {
      await plan.write(tx, progress);
      await repo.saveMapping(tx, input.kind, report.mapping, actor.id);
      await recordAudit(tx, {
        actorId: actor.id, action: 'imports.commit', entity: 'import', entityId: input.kind, before: null,
        after: { kind: input.kind, file: input.fileName, rows: report.rows, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged }
      });
    });
  } catch (err) {
    // The rows were judged first; a refusal here is a rule only the database knows (or a row changed
    // meanwhile). Nothing was written.
    const refusal = databaseRefusal(err);
    // A month signed off meanwhile: the database's sentence names it.
    if (refusal && isLockedPeriodRefusal(refusal)) throw new DomainError('BAD_REQUEST', `Nothing was imported: ${refusal.message}`);
    if (refusal) throw new DomainError('BAD_REQUEST', `Nothing was imported: ${refusal.message.charAt(0).toLowerCase()}${refusal.message.slice(1)}`);
    throw err;
  }
  return { ...report, committed: true };
}
