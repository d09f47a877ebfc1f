// Runs alert evaluation inside the server process: for every committed change the live engine's
// change listener delivers (from change_log, in commit order), the kinds and rows it can affect are
// re-checked; and on a timer every kind is re-checked in full (time alone makes a needed-by date pass,
// a request wait too long, a month's counts go missing, a report fall overdue, outreach fall behind).
// Several instances each see every change and run their own timer: each pass takes the database-wide
// evaluation lock, so the second finds the alert already open (see evaluateAlerts).
import type { Db } from '../db/index.js';
import type { RowChange } from '$lib/realtime/events.js';
import { componentLog } from '../log.js';
import { evaluateAlerts, EVERYTHING, type EvaluationResult, type EvaluationScope } from './alerts.service.js';
import type { AlertKind } from '../../alert-kinds.js';

const log = componentLog('alerts');

/** Which kinds (and rows, for per-row kinds) committed changes can affect. */
export function scopeOfChanges(changes: readonly RowChange[]): EvaluationScope {
  const scope: EvaluationScope = {};
  const rows = (kind: AlertKind, id: number) => {
    const list = scope[kind];
    if (list === null) return;
    scope[kind] = list ? (list.includes(id) ? list : [...list, id]) : [id];
  };
  const all = (kind: AlertKind) => (scope[kind] = null);
  for (const c of changes) {
    switch (c.entity) {
      case 'aftercare_need': rows('critical_need_overdue', c.id); break;
      case 'funding_request': rows('request_stage_too_long', c.id); rows('report_overdue', c.id); all('budget_commitment'); break;
      case 'budget': all('budget_commitment'); break;
      // A count re-checks its center (found from the row); a deleted one, every center.
      case 'survivor_count':
        if (c.op === 'D') all('survivor_counts_missing');
        else scope.survivorCountRows = [...(scope.survivorCountRows ?? []), c.id];
        break;
      // A center's vetting or existence decides whether it is expected to report.
      case 'partner': rows('survivor_counts_missing', c.id); break;
      case 'outreach_event': case 'outreach_goal': all('outreach_pace'); break;
    }
  }
  return scope;
}

function merge(a: EvaluationScope, b: EvaluationScope): EvaluationScope {
  const out: EvaluationScope = { ...a };
  if (b.survivorCountRows) out.survivorCountRows = [...(a.survivorCountRows ?? []), ...b.survivorCountRows];
  for (const [k, v] of Object.entries(b).filter(([key]) => key !== 'survivorCountRows') as Array<[AlertKind, number[] | null]>) {
    const cur = out[k];
    out[k] = cur === null || v === null ? null : cur === undefined ? v : [...new Set([...cur, ...v])];
  }
  return out;
}

export interface AlertEvaluatorOptions {
  fiscalYearStartMonth: number;
  /** Full re-check every this many ms (0 = no timer). */
  intervalMs: number;
  /** The clock (tests). */
  now?: () => Date;
  onResult?(result: EvaluationResult): void;
}

export class AlertEvaluator {
  private pending: EvaluationScope | null = null;
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db, private readonly options: AlertEvaluatorOptions) {
    if (options.intervalMs > 0) {
      this.timer = setInterval(() => this.request(EVERYTHING), options.intervalMs);
      this.timer.unref();
    }
  }

  /** Committed changes (the change listener's delivery): re-checks what they can affect. */
  onChanges(changes: readonly RowChange[]): void {
    const scope = scopeOfChanges(changes);
    if (Object.keys(scope).length) this.request(scope);
  }

  /** A full pass (start-up, the timer). */
  checkAll(): Promise<void> {
    this.request(EVERYTHING);
    return this.idle();
  }

  /** Resolves when no pass is running or queued. */
  async idle(): Promise<void> {
    while (this.busy || this.pending) await this.running;
  }

  /** Changes arriving during a pass are merged into one next pass (never lost, never run twice at once). */
  private request(scope: EvaluationScope): void {
    if (this.stopped) return;
    this.pending = this.pending ? merge(this.pending, scope) : scope;
    if (this.busy) return;
    this.busy = true;
    this.running = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.stopped) {
        const scope = this.pending;
        this.pending = null;
        try {
          const result = await evaluateAlerts(this.db, { fiscalYearStartMonth: this.options.fiscalYearStartMonth, scope, now: this.options.now?.() });
          if (result.fired.length || result.resolved.length) log.info({ fired: result.fired.length, resolved: result.resolved.length }, 'alerts evaluated');
          this.options.onResult?.(result);
        } catch (err) {
          log.error({ err }, 'alert evaluation failed; the next change or tick re-checks');
        }
      }
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}

declare global {
  // One evaluator per process, also across dev-mode module reloads.
  var __beaconAlertEvaluator: AlertEvaluator | undefined;
}

/** Starts the process's evaluator once (the live engine feeds it changes); a first full pass at once. */
export function ensureAlertEvaluator(db: Db, options: AlertEvaluatorOptions, onShutdown: (task: () => Promise<void>) => void): AlertEvaluator {
  if (globalThis.__beaconAlertEvaluator) return globalThis.__beaconAlertEvaluator;
  const evaluator = new AlertEvaluator(db, options);
  globalThis.__beaconAlertEvaluator = evaluator;
  onShutdown(() => evaluator.stop());
  void evaluator.checkAll();
  log.info({ intervalMs: options.intervalMs }, 'alert evaluator started');
  return evaluator;
}
