// The executive summary's arithmetic and words: comparison periods as docs/figures.md defines them,
// changes and sentences, what compare leads with, names instead of codes.
import { describe, expect, it } from 'vitest';
import { comparisonPeriods, resolvePeriod, scheduledPeriod } from '../../src/lib/server/snapshots/snapshot-period.js';
import { changeOf, changeText, headlinesOf, type FrozenComparisons } from '../../src/lib/snapshot-headlines.js';
import { headlineSentence, areaSections } from '../../src/lib/snapshot-narrative.js';
import { biggestChanges, compareMetrics, metricsOf, rowName } from '../../src/lib/snapshot-report.js';
import { formatCell } from '../../src/lib/components/snapshots/format-cell.js';

describe('comparison periods', () => {
  it('a whole fiscal year: the fiscal year before, which is also the year earlier (July fiscal year)', () => {
    const fy = resolvePeriod({ kind: 'fiscal_year', fiscalYear: 2026 }, 7);
    const c = comparisonPeriods(fy, '2026-08-01', 7);
    expect(c.previous).toEqual({ from: '2024-07-01', to: '2025-07-01', label: 'FY2025' });
    expect(c.yearEarlier).toEqual(c.previous);
  });

  it('a fiscal quarter: the quarter before (across the year end) and the same quarter a year earlier', () => {
    const q1 = resolvePeriod({ kind: 'fiscal_quarter', fiscalYear: 2026, quarter: 1 }, 1);
    const c = comparisonPeriods(q1, '2026-12-01', 1);
    expect(c.previous).toEqual({ from: '2025-10-01', to: '2026-01-01', label: 'FY2025 Q4' });
    expect(c.yearEarlier).toEqual({ from: '2025-01-01', to: '2025-04-01', label: 'FY2025 Q1' });
  });

  it('a month: the month before and the same month a year earlier', () => {
    const march = scheduledPeriod('monthly', new Date('2026-04-01T06:00:00Z'), 1);
    const c = comparisonPeriods(march, '2026-04-01', 1);
    expect(c.previous).toEqual({ from: '2026-02-01', to: '2026-03-01', label: 'February 2026' });
    expect(c.yearEarlier).toEqual({ from: '2025-03-01', to: '2025-04-01', label: 'March 2025' });
  });

  it('a span of days: the same number of days just before', () => {
    const span = resolvePeriod({ kind: 'dates', from: '2026-03-10', to: '2026-03-19' }, 1);
    const c = comparisonPeriods(span, '2026-06-01', 1);
    expect(c.previous).toEqual({ from: '2026-02-28', to: '2026-03-10', label: '2026-02-28 to 2026-03-09' });
    expect(c.yearEarlier.from).toBe('2025-03-10');
  });

  it('a period still running is compared over the same number of days from each start', () => {
    const fy = resolvePeriod({ kind: 'fiscal_year', fiscalYear: 2026 }, 1);
    // 2026-01-01 .. 2026-03-31 elapsed: 90 days.
    const c = comparisonPeriods(fy, '2026-03-31', 1);
    expect(c.previous).toEqual({ from: '2025-01-01', to: '2025-04-01', label: '2025-01-01 to 2025-03-31' });
  });
});

describe('changes and sentences', () => {
  const disbursed = { key: 'funding.disbursedCents', label: 'Disbursed', money: true, area: 'funding' as const, noun: 'disbursed' };

  it('writes the issue\'s example sentence', () => {
    const h = { ...disbursed, value: 940_000_000, previous: changeOf(940_000_000, 839_285_714, 'FY2026 Q2'), yearEarlier: changeOf(940_000_000, 940_000_000, 'FY2025 Q3') };
    expect(headlineSentence(h, 'FY2026 Q3')).toBe('Disbursed $9.4 M in FY2026 Q3, 12 % more than FY2026 Q2 and the same as FY2025 Q3.');
  });

  it('never works out a change from a withheld figure, nor a percentage from nothing', () => {
    const served = { money: false };
    expect(changeText(served, changeOf('withheld', 120, 'FY2025'))).toBe('not compared with FY2025 (withheld)');
    expect(changeText(served, changeOf(120, 'withheld', 'FY2025'))).toBe('not compared with FY2025 (withheld)');
    expect(changeText(served, changeOf(15, 0, 'FY2025'))).toBe('15 more than FY2025 (none then)');
    expect(changeText(served, changeOf(90, 100, 'FY2025'))).toBe('10 % fewer than FY2025');
  });

  it('headlines read the overview and the frozen comparisons', () => {
    const overview = { funding: { disbursedCents: 200_00, approvedCents: 0, requestedCents: 5 }, survivors: { served: 'withheld' }, impact: { k9sFunded: 3 } };
    const frozen: FrozenComparisons = {
      previous: { label: 'FY2025', from: '2025-01-01', to: '2026-01-01', figures: { 'funding.disbursedCents': 100_00, 'survivors.served': 40, 'impact.k9sFunded': 4 } },
      yearEarlier: { label: 'FY2025', from: '2025-01-01', to: '2026-01-01', figures: { 'funding.disbursedCents': 100_00 } }
    };
    const hs = headlinesOf({ overview }, frozen);
    expect(hs).toHaveLength(8);
    const by = Object.fromEntries(hs.map((h) => [h.key, h]));
    expect(by['funding.disbursedCents'].previous).toMatchObject({ delta: 100_00, percent: 100 });
    expect(by['survivors.served'].previous).toMatchObject({ delta: null, percent: null });
    expect(by['impact.k9sFunded'].previous).toMatchObject({ delta: -1, percent: -25 });
    const sections = areaSections({ overview }, hs, 'FY2026');
    expect(sections.map((s) => s.title)).toEqual(['Funding', 'Aftercare', 'Outreach', 'Impact']);
    expect(sections[1].sentences).toContain('Survivors served in FY2026: withheld (fewer than 3 centers reported).');
  });
});

describe('compare', () => {
  const snapshot = (nh: number, nj: number, requests: number) => ({
    overview: { funding: { disbursedCents: nh + nj, requests }, byState: [{ state: 'NH', disbursedCents: nh }, { state: 'NJ', disbursedCents: nj }] },
    outreach: { byDivision: [{ division: 'new-england', months: [{ month: '2026-01-01', peopleReached: 40 }, { month: '2026-02-01', peopleReached: 2 }] }] }
  });

  it('names states and divisions, and gives the by-division table its numbers', () => {
    const labels = metricsOf(snapshot(1, 2, 3)).map((m) => m.label);
    expect(labels).toContain('By state or province · New Hampshire · Disbursed');
    expect(labels).toContain('By division · New England · People reached');
    expect(labels.some((l) => /\bNh\b|\bNj\b|new-england/.test(l))).toBe(false);
    expect(metricsOf(snapshot(1, 2, 3)).find((m) => m.label === 'By division · New England · People reached')!.value).toBe(42);
    expect(rowName('state', 'NH')).toBe('New Hampshire');
  });

  it('leads with the largest relative change on a material base, then the largest in dollars', () => {
    // NH: $2,000 → $3,000 (+50 %); NJ: $500,000 → $600,000 (+20 %, the most dollars); requests 5 → 50 (base under 10: not ranked).
    const metrics = compareMetrics(snapshot(200_000, 50_000_000, 5), snapshot(300_000, 60_000_000, 50));
    const { relative, money } = biggestChanges(metrics, formatCell);
    expect(relative[0].text).toBe('Overview · By state or province · New Hampshire · Disbursed: up 50 %, from $2,000 to $3,000.');
    expect(relative.some((l) => /Requests made/.test(l.text))).toBe(false);
    expect(relative.map((l) => l.key)).toContain('overview|By state or province|NJ|disbursedCents');
    expect(money.every((l) => !relative.some((r) => r.key === l.key))).toBe(true);
  });
});
