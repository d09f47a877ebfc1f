// Client-safe: the alert kinds in plain words (the /alerts page and the server share them): what each
// watches, which threshold it takes (a share in percent or a number of days), what it may be scoped to.
export const ALERT_KINDS = [
  'budget_commitment', 'critical_need_overdue', 'request_stage_too_long', 'survivor_counts_missing', 'report_overdue', 'outreach_pace'
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface KindInfo {
  label: string;
  /** The rule as a sentence with the threshold in words ({n}). */
  sentence: string;
  threshold: 'percent' | 'days';
  /** What the threshold field is called beside the form. */
  thresholdLabel: string;
  /** Its unit after the number. */
  unit: string;
  min: number;
  max: number;
  /** Scoped by program area (organisation-wide budgets) or by division. */
  scope: 'program_area' | 'division';
  /** The dashboard tile an open alert marks. */
  tile: 'budget' | 'needs' | 'pipeline' | 'survivors' | 'reports' | 'outreach';
}

export const KIND_INFO: Record<AlertKind, KindInfo> = {
  budget_commitment: {
    label: 'Budget commitment above a share of the budget',
    sentence: 'A program area has committed more than {n}% of its budget for the current fiscal year',
    threshold: 'percent', thresholdLabel: 'Share of the budget', unit: '% of the budget', min: 1, max: 1000, scope: 'program_area', tile: 'budget'
  },
  critical_need_overdue: {
    label: 'Critical need past its needed-by date',
    sentence: 'A critical need is still open more than {n} days after its needed-by date',
    threshold: 'days', thresholdLabel: 'Days of grace after the needed-by date', unit: 'days', min: 0, max: 365, scope: 'division', tile: 'needs'
  },
  request_stage_too_long: {
    label: 'Request in one stage too long',
    sentence: 'A funding request has waited in one stage (intake, vetting, approved or disbursed) longer than {n} days',
    threshold: 'days', thresholdLabel: 'Longest time in one stage', unit: 'days', min: 1, max: 3650, scope: 'division', tile: 'pipeline'
  },
  survivor_counts_missing: {
    label: 'Survivor counts missing after a month ends',
    sentence: 'An aftercare center has not reported its survivor counts {n} days after the month ended',
    threshold: 'days', thresholdLabel: 'Days after the month ends', unit: 'days', min: 0, max: 120, scope: 'division', tile: 'survivors'
  },
  report_overdue: {
    label: 'Grantee report overdue',
    sentence: 'A grantee report is more than {n} days past its due date',
    threshold: 'days', thresholdLabel: 'Days of grace after the due date', unit: 'days', min: 0, max: 365, scope: 'division', tile: 'reports'
  },
  outreach_pace: {
    label: 'Outreach behind its goal’s pace',
    sentence: 'A division’s outreach is more than {n}% behind the pace its people-reached goal needs',
    threshold: 'percent', thresholdLabel: 'How far behind the pace', unit: '% behind the pace', min: 1, max: 100, scope: 'division', tile: 'outreach'
  }
};

/** A rule in words: "Critical need past its needed-by date: … more than 3 days …". */
export function ruleSentence(kind: AlertKind, threshold: number): string {
  return KIND_INFO[kind].sentence.replace('{n}', String(threshold));
}

/** Kinds that only a change of time (not of data) can also make true: checked on the timer too. */
export const TIME_BASED: readonly AlertKind[] = ['critical_need_overdue', 'request_stage_too_long', 'survivor_counts_missing', 'report_overdue', 'outreach_pace'];
