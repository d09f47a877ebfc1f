// A procedure's input field named in words, for a message that is not shown beside its field (a
// page-wide line naming which field it is about). Client-safe. Keys are camelCase (procedures) or
// snake_case (audit rows); money fields drop their unit, ids what they are: `amountCents` → "Amount",
// `partnerId` → "Partner", `occurredOn` → "Occurred on".
const NAMES: Record<string, string> = {
  requestedCents: 'Amount requested', approvedCents: 'Amount approved', estimatedCostCents: 'Estimated cost',
  pledgedCents: 'Pledged amount', amountCents: 'Amount', unitCostCents: 'Unit cost', body: 'Comment',
  state: 'State', nextRunAt: 'First run', attendees: 'People reached', followUpRequests: 'Follow-up requests'
};

export const camelKey = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function fieldName(key: string): string {
  const k = camelKey(key);
  if (NAMES[k]) return NAMES[k];
  const words = k.replace(/(Cents|Ids?)$/, '').replace(/([A-Z])/g, ' $1').trim().toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'This field';
}
