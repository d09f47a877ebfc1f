// Client-safe: the report's charts and its generated sentences, one short section per area, from
// what a snapshot holds. Every number in a sentence is a stored figure (or a sum of stored rows) with
// the label docs/figures.md gives it; survivor figures as published, "withheld" stays withheld.
import type { ChartSpec } from './charts/chart-spec.js';
import { dollars, monthLabel } from './charts/chart-spec.js';
import { label, money, num } from './format.js';
import { WITHHELD } from './survivor-figures.js';
import { withDateMarks } from './charts/annotation-marks.js';
import type { ChartAnnotation } from './annotations.js';
import { changeText, divisionName, figureText, type Area, type Headline } from './snapshot-headlines.js';

type Row = Record<string, unknown>;
const rowsOf = (v: unknown): Row[] => (Array.isArray(v) ? v.filter((r): r is Row => !!r && typeof r === 'object') : []);
const obj = (v: unknown): Row => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : {});
const n = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const sum = (rows: Row[], key: string) => rows.reduce((t, r) => t + (n(r[key]) ?? 0), 0);
const published = (v: unknown): number | typeof WITHHELD | null => (typeof v === 'number' || v === WITHHELD ? v : null);

export interface ReportChart {
  id: string;
  title: string;
  spec: ChartSpec;
}

/**
 * The executive summary's charts (those the snapshot has data for). The notes stored with the
 * snapshot (numbered as the report lists them) are drawn as markers on its time charts.
 */
export function summaryCharts(datasets: Record<string, unknown>, notes: ReadonlyArray<ChartAnnotation & { n: number }> = []): ReportChart[] {
  const out: ReportChart[] = [];
  const throughput = rowsOf(obj(datasets.funding).throughput);
  if (throughput.length) {
    out.push({
      id: 'summary-throughput',
      title: 'Approved and disbursed per month',
      spec: {
        type: 'bar', labelHeader: 'Month', labels: throughput.map((r) => monthLabel(String(r.month))), format: 'dollars',
        series: [
          { label: 'Approved', values: throughput.map((r) => (n(r.approvedCents) === null ? null : dollars(n(r.approvedCents)!))) },
          { label: 'Disbursed', values: throughput.map((r) => (n(r.disbursedCents) === null ? null : dollars(n(r.disbursedCents)!))) }
        ]
      }
    });
  }
  const byCategory = rowsOf(obj(datasets.overview).byCategory).filter((r) => (n(r.committedCents) ?? 0) + (n(r.disbursedCents) ?? 0) > 0);
  if (byCategory.length) {
    out.push({
      id: 'summary-categories',
      title: 'Committed and disbursed by category',
      spec: {
        type: 'bar', labelHeader: 'Category', labels: byCategory.map((r) => label(String(r.category))), format: 'dollars', horizontal: true,
        series: [
          { label: 'Committed', values: byCategory.map((r) => dollars(n(r.committedCents) ?? 0)) },
          { label: 'Disbursed', values: byCategory.map((r) => dollars(n(r.disbursedCents) ?? 0)) }
        ]
      }
    });
  }
  const monthly = rowsOf(obj(datasets.outreach).monthly);
  if (monthly.length) {
    out.push({
      id: 'summary-outreach',
      title: 'People reached per month against goal',
      spec: {
        type: 'bar', labelHeader: 'Month', labels: monthly.map((r) => monthLabel(String(r.month))), format: 'count',
        series: [
          { label: 'People reached', values: monthly.map((r) => n(r.peopleReached)) },
          { label: 'Goal', values: monthly.map((r) => n(r.peopleGoal)), line: true }
        ]
      }
    });
  }
  const survivors = rowsOf(obj(datasets.aftercare).survivorsMonthly);
  if (survivors.length) {
    out.push({
      id: 'summary-survivors',
      title: 'Survivors served per month (rounded)',
      spec: {
        type: 'bar', labelHeader: 'Month', labels: survivors.map((r) => monthLabel(String(r.month))), format: 'count',
        series: [
          { label: 'Survivors served', values: survivors.map((r) => published(r.served)) },
          { label: 'New intakes', values: survivors.map((r) => published(r.newIntakes)) }
        ]
      }
    });
  }
  const months: Record<string, Row[]> = { 'summary-throughput': throughput, 'summary-outreach': monthly, 'summary-survivors': survivors };
  return out.slice(0, 4).map((c) => (months[c.id] ? { ...c, spec: withDateMarks(c.spec, months[c.id].map((r) => String(r.month)), notes) } : c));
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Disbursed $9.4 M in FY2026 Q3, 12 % more than FY2026 Q2 and 3.0 % less than FY2025 Q3." */
export function headlineSentence(h: Headline, period: string): string {
  const value = figureText(h, h.value);
  if (h.value === WITHHELD) return `${cap(h.noun)} in ${period}: withheld (fewer than 3 centers reported).`;
  const lead = h.money ? `${cap(h.noun)} ${value} in ${period}` : `${value} ${h.noun} in ${period}`;
  const prev = changeText(h, h.previous);
  if (!h.previous || !h.yearEarlier) return `${lead}.`;
  if (h.previous.label === h.yearEarlier.label) return `${lead}, ${prev}.`;
  return `${lead}, ${prev} and ${changeText(h, h.yearEarlier)}.`;
}

export interface AreaSection {
  area: Area;
  title: string;
  sentences: string[];
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** One short section per area: the headline sentences, then what the area's datasets add. */
export function areaSections(datasets: Record<string, unknown>, headlines: Headline[], period: string): AreaSection[] {
  const overview = obj(datasets.overview);
  const funding = obj(datasets.funding);
  const aftercare = obj(datasets.aftercare);
  const outreach = obj(datasets.outreach);
  const of = (area: Area) => headlines.filter((h) => h.area === area).map((h) => headlineSentence(h, period));

  const fundingLines = of('funding');
  const fo = obj(overview.funding);
  const budget = obj(fo.budget);
  if (n(budget.burnPercent) !== null && n(budget.budgetCents)) {
    fundingLines.push(`Approvals are ${n(budget.burnPercent)} % and payments ${n(budget.disbursedPercent) ?? 0} % of the ${money(n(budget.budgetCents)!)} budget for the period's fiscal years.`);
  } else if (budget.orgWide === false || n(budget.budgetCents) !== null) {
    fundingLines.push('Budgets are organisation-wide, so no share of the budget is given under a region filter.');
  }
  const categories = rowsOf(overview.byCategory).filter((r) => (n(r.disbursedCents) ?? 0) > 0).sort((a, b) => (n(b.disbursedCents) ?? 0) - (n(a.disbursedCents) ?? 0));
  if (categories.length) {
    const top = categories[0];
    const total = sum(categories, 'disbursedCents');
    fundingLines.push(`The largest category paid out was ${label(String(top.category)).toLowerCase()}: ${money(n(top.disbursedCents)!)}, ${pct(n(top.disbursedCents)!, total)} % of the amount disbursed.`);
  }
  const stuck = obj(funding.stuck);
  if (n(stuck.count) !== null) {
    fundingLines.push(n(stuck.count) === 0
      ? `No request had been in intake, vetting or approved for more than ${n(stuck.thresholdDays) ?? 30} days at the time of the snapshot.`
      : `${num(n(stuck.count)!)} ${n(stuck.count) === 1 ? 'request had' : 'requests had'} been in intake, vetting or approved for more than ${n(stuck.thresholdDays) ?? 30} days at the time of the snapshot.`);
  }
  const vetting = rowsOf(funding.timeInStage).find((r) => r.stage === 'vetting');
  if (vetting && n(vetting.medianDays) !== null) {
    fundingLines.push(`Requests that left vetting in the period spent a median of ${n(vetting.medianDays)} days there (90 % within ${n(vetting.p90Days)} days).`);
  }

  const aftercareLines = of('aftercare');
  const totals = obj(aftercare.openTotals);
  const critical = rowsOf(aftercare.openByPriority).find((r) => r.priority === 'critical');
  if (n(totals.needs) !== null) {
    aftercareLines.push(`At the time of the snapshot ${num(n(totals.needs)!)} needs were open (${num(n(critical?.needs) ?? 0)} critical), with an estimated cost of ${money(n(totals.estimatedCostCents) ?? 0)}.`);
  }
  const fulfilment = rowsOf(aftercare.fulfilment);
  const fulfilled = sum(fulfilment, 'fulfilled');
  const closed = fulfilled + sum(fulfilment, 'cancelled');
  if (closed > 0) aftercareLines.push(`Of the needs closed in the period, ${pct(fulfilled, closed)} % were fulfilled and the rest cancelled.`);
  const survivors = obj(overview.survivors);
  if (n(survivors.centersReporting) !== null) {
    aftercareLines.push(`${num(n(survivors.centersReporting)!)} aftercare centers reported survivor counts; new intakes: ${figureText({ money: false }, published(survivors.newIntakes))} (counts rounded to a multiple of 5, withheld where fewer than 3 centers reported).`);
  }

  const outreachLines = of('outreach');
  const ot = obj(overview.outreach);
  if (n(ot.events) !== null) outreachLines.push(`${num(n(ot.events)!)} outreach events were held, bringing ${num(n(ot.followUpRequests) ?? 0)} follow-up requests.`);
  const monthly = rowsOf(outreach.monthly);
  const goal = sum(monthly, 'peopleGoal');
  const reached = sum(monthly, 'peopleReached');
  if (goal > 0) outreachLines.push(`That is ${pct(reached, goal)} % of the goal for the period (${num(goal)} people, the divisions' goals pro rata).`);
  const divisions = rowsOf(outreach.byDivision)
    .map((d) => ({ division: String(d.division), reached: sum(rowsOf(d.months), 'peopleReached') }))
    .sort((a, b) => b.reached - a.reached);
  if (divisions.length > 1 && divisions[0].reached > 0) {
    outreachLines.push(`${divisionName(divisions[0].division)} reached the most people (${num(divisions[0].reached)}), ${divisionName(divisions.at(-1)!.division)} the fewest (${num(divisions.at(-1)!.reached)}).`);
  }

  const impactLines = of('impact');
  const impact = obj(overview.impact);
  if (n(impact.extractionLicenses) !== null) {
    impactLines.push(`Payments also funded ${num(n(impact.extractionLicenses)!)} extraction software licenses and ${num(n(impact.forensicDevices) ?? 0)} forensic devices.`);
  }
  if (n(impact.agenciesSupported) !== null) {
    impactLines.push(`${num(n(impact.agenciesSupported)!)} law-enforcement agencies, ${num(n(impact.labsSupported) ?? 0)} forensic labs and ${num(n(impact.centersSupported) ?? 0)} aftercare centers received at least one payment.`);
  }

  return [
    { area: 'funding', title: 'Funding', sentences: fundingLines },
    { area: 'aftercare', title: 'Aftercare', sentences: aftercareLines },
    { area: 'outreach', title: 'Outreach', sentences: outreachLines },
    { area: 'impact', title: 'Impact', sentences: impactLines }
  ];
}
