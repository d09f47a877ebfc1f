// The needs table's rows: which needs a filter keeps and in which order, written from the rules
// (active needs first: open, in progress, pledged; then fulfilled and cancelled; within a status the
// most urgent first), and the words a person reads for values and refusals.
import { describe, expect, it } from 'vitest';
import { statusCounts, viewNeeds, type ViewOptions } from '../../src/lib/components/needs/needs-view.js';
import { dollars, parseDollars, plainMessage } from '../../src/lib/components/needs/need-words.js';
import { activityPredicate } from '../../src/lib/components/collab/activity-sentence.js';
import type { Need } from '../../src/lib/components/needs/needs-state.svelte.js';

const STATUSES = ['open', 'in_progress', 'pledged', 'fulfilled', 'cancelled'];
const PRIORITIES = ['critical', 'high', 'normal', 'low'];

function need(i: number, over: Partial<Need> = {}): Need {
  return {
    id: i, centerId: 1, centerName: `Center ${i % 7}`, state: i % 2 ? 'CO' : 'UT', title: `Need ${i}`, kind: 'equipment', basicNeedType: null,
    quantity: 1 + (i % 5), fulfilledQuantity: 0, priority: PRIORITIES[(i * 7) % 4], status: STATUSES[(i * 3) % 5],
    neededBy: i % 3 ? `2026-${String(1 + (i % 12)).padStart(2, '0')}-15` : null, estimatedCostCents: (i * 1234) % 100_000,
    pledgedBy: null, pledgedCents: null, pledgeExpectedOn: null, version: 1, updatedAt: new Date(0), ...over
  } as Need;
}
const base: ViewOptions = { status: 'all', text: '', priority: '', kind: '', sort: { key: 'status', dir: 1 } };

describe('the needs table', () => {
  const many = Array.from({ length: 5000 }, (_, i) => need(i + 1));

  it('puts active needs first, then by urgency, over 5,000 needs', () => {
    const rows = viewNeeds(many, base);
    expect(rows).toHaveLength(5000);
    const statusOrder = rows.map((n) => STATUSES.indexOf(n.status));
    expect(statusOrder).toEqual([...statusOrder].sort((a, b) => a - b));
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].status === rows[i - 1].status) expect(PRIORITIES.indexOf(rows[i].priority)).toBeGreaterThanOrEqual(PRIORITIES.indexOf(rows[i - 1].priority));
    }
  });

  it('filters by status chip, search, priority and kind', () => {
    const active = viewNeeds(many, { ...base, status: 'active' });
    expect(active.length).toBe(many.filter((n) => ['open', 'in_progress', 'pledged'].includes(n.status)).length);
    expect(viewNeeds(many, { ...base, status: 'fulfilled' }).every((n) => n.status === 'fulfilled')).toBe(true);
    expect(viewNeeds(many, { ...base, text: 'need 4999' }).map((n) => n.id)).toEqual([4999]);
    expect(viewNeeds(many, { ...base, text: 'center 3' }).every((n) => n.centerName === 'Center 3')).toBe(true);
    expect(viewNeeds(many, { ...base, priority: 'low' }).every((n) => n.priority === 'low')).toBe(true);
    const counts = statusCounts(many);
    expect(counts.all).toBe(5000);
    expect(counts.open + counts.in_progress + counts.pledged).toBe(counts.active);
  });

  it('sorts by a column both ways, blanks last', () => {
    const up = viewNeeds(many, { ...base, sort: { key: 'estimatedCostCents', dir: 1 } }).map((n) => n.estimatedCostCents);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    const byDate = viewNeeds(many, { ...base, sort: { key: 'neededBy', dir: 1 } });
    const firstBlank = byDate.findIndex((n) => n.neededBy === null);
    expect(byDate.slice(firstBlank).every((n) => n.neededBy === null)).toBe(true);
  });
});

describe('needs in words', () => {
  it('shows dollars, and reads typed dollars', () => {
    expect(dollars(99_900)).toBe('$999');
    expect(dollars(125_050)).toBe('$1,250.50');
    expect(parseDollars('$1,250.50')).toEqual({ cents: 125_050 });
    expect(parseDollars('lots')).toEqual({ problem: expect.stringMatching(/amount in dollars/) });
    expect(parseDollars('-3')).toEqual({ problem: expect.stringMatching(/cannot be negative/) });
  });

  it('never passes on a field key, cents or validator wording', () => {
    expect(plainMessage('estimatedCostCents', 'Enter an amount in whole cents.')).toBe('Enter an amount in dollars, like 1250 or 1,250.50.');
    expect(plainMessage('centerId', 'Number must be greater than 0')).toBe('Choose a center from the list.');
    expect(plainMessage('changes', 'Expected number, received null')).toBe('Check this value.');
    expect(plainMessage('quantity', 'quantity: Expected number, received null')).toBe('Enter a whole number, like 3.');
    expect(plainMessage('title', 'Give the need a title (at least 3 characters).')).toBe('Give the need a title (at least 3 characters).');
  });

  it('tells the activity as sentences', () => {
    const at = { actorName: 'Ana', needTitle: 'Beds and mattresses', centerName: 'Dovwood' };
    expect(activityPredicate({ ...at, action: 'needs.update', before: { version: 1, priority: 'high' }, after: { version: 2, priority: 'critical' } }))
      .toBe('raised Beds and mattresses (Dovwood) from High to Critical');
    expect(activityPredicate({ ...at, action: 'needs.update', before: { version: 1, estimated_cost_cents: 123_400 }, after: { version: 2, estimated_cost_cents: 99_900 } }))
      .toBe('changed the estimated cost of Beds and mattresses (Dovwood) from $1,234 to $999');
    expect(activityPredicate({ ...at, action: 'needs.move', before: { status: 'open' }, after: { status: 'in_progress' } }))
      .toBe('moved Beds and mattresses (Dovwood) from Open to In progress');
    // Column names in the audit row (snake_case) are read as well as field names.
    expect(activityPredicate({ actorName: 'Ana', action: 'partners.vet', after: { name: 'Mesa Lab', vetting_status: 'vetted', vetted_until: '2027-12-31' } }))
      .toBe('vetted Mesa Lab until 2027-12-31');
  });
});
