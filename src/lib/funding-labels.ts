// Client-safe names for what a funding request gives in kind (the in-kind line items), with the
// words the forms, the pipeline and the impact tiles use for them.

export const IN_KIND_ITEMS = ['detection_k9', 'forensic_device', 'extraction_license', 'training_seat', 'lab_equipment'] as const;
export type InKindItem = (typeof IN_KIND_ITEMS)[number];

export const IN_KIND_LABEL: Readonly<Record<InKindItem, { one: string; many: string }>> = {
  detection_k9: { one: 'detection K9', many: 'detection K9s' },
  forensic_device: { one: 'forensic device', many: 'forensic devices' },
  extraction_license: { one: 'extraction license', many: 'extraction licenses' },
  training_seat: { one: 'training seat', many: 'training seats' },
  lab_equipment: { one: 'piece of lab equipment', many: 'pieces of lab equipment' }
};

/** "3 detection K9s", "1 training seat". */
export function unitsOf(item: InKindItem, units: number): string {
  const l = IN_KIND_LABEL[item];
  return `${units.toLocaleString('en-US')} ${units === 1 ? l.one : l.many}`;
}

/** Cents as dollars in words: "$24,050" or "$1,250.50" (negative: "−$5"). */
export function dollars(cents: number): string {
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100).toLocaleString('en-US');
  const frac = abs % 100;
  return `${cents < 0 ? '−' : ''}$${whole}${frac ? `.${String(frac).padStart(2, '0')}` : ''}`;
}

export const PROGRAM_AREA_WORDS: Readonly<Record<string, string>> = {
  law_enforcement: 'law enforcement', forensic_labs: 'forensic labs', aftercare: 'aftercare', education: 'education'
};

export interface ApprovalContext {
  requestedCents: number;
  /** The program area's budget for the request's fiscal year, and what is left after what is committed. */
  budgetCents: number;
  remainingCents: number;
  programArea: string;
  fiscalYear: number;
}

/**
 * What an approval of `amountCents` oversteps, in the words the dialog shows before it is confirmed
 * and the server answers without a reason: above the ask, above the remaining budget. Empty = none.
 */
export function approvalOvershoot(amountCents: number, c: ApprovalContext): string[] {
  const out: string[] = [];
  if (amountCents > c.requestedCents) out.push(`This is ${dollars(amountCents - c.requestedCents)} above the ask of ${dollars(c.requestedCents)}.`);
  const area = `${PROGRAM_AREA_WORDS[c.programArea] ?? c.programArea} FY${c.fiscalYear}`;
  if (c.budgetCents <= 0) out.push(`There is no ${area} budget set.`);
  else if (amountCents > c.remainingCents) {
    out.push(c.remainingCents > 0
      ? `This is ${dollars(amountCents - c.remainingCents)} above the remaining ${area} budget of ${dollars(c.remainingCents)}.`
      : `This is above the remaining ${area} budget of $0${c.remainingCents < 0 ? ` (already ${dollars(-c.remainingCents)} over)` : ''}.`);
  }
  return out;
}
