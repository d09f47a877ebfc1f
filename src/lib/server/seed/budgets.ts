// Budgets per fiscal year and program area, sized from what the seeded pipeline commits (so the
// budget dashboard shows realistic headroom, and now and then an overrun), some donor-restricted.
import type { ProgramArea } from '../db/schema.js';
import { programAreaOf } from '../funding/program-areas.js';
import { DAY, businessHoursOffset, dayStart, type SeedCalendar } from './calendar.js';
import { DONOR_RESTRICTIONS } from './names.js';
import type { Random } from './random.js';
import type { RequestPlan } from './requests.js';

export interface BudgetPlan {
  fiscalYear: number;
  programArea: ProgramArea;
  donorRestriction: string | null;
  amountCents: number;
  createdAtMs: number;
}

const PROGRAM_AREAS: ProgramArea[] = ['law_enforcement', 'forensic_labs', 'aftercare', 'education'];

const COMMITTED_STAGES = new Set(['approved', 'disbursed', 'reported']);

function committedByYearAndArea(requests: RequestPlan[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of requests) {
    const last = r.moves.at(-1);
    if (!last || !COMMITTED_STAGES.has(last.to)) continue;
    const approved = r.moves.find((m) => m.to === 'approved')?.amountCents ?? 0;
    const key = `${r.fiscalYear}:${programAreaOf(r.category)}`;
    out.set(key, (out.get(key) ?? 0) + approved);
  }
  return out;
}

const roundTo5k = (cents: number) => Math.max(1, Math.round(cents / 500_000)) * 500_000;

function budgetTotal(random: Random, committed: Map<string, number>, fy: number, area: ProgramArea, isCurrent: boolean): number {
  const minimum = 5_000_000;
  if (isCurrent) return roundTo5k(Math.max(minimum, (committed.get(`${fy - 1}:${area}`) ?? 0) * random.float(1.05, 1.2)));
  return roundTo5k(Math.max(minimum, (committed.get(`${fy}:${area}`) ?? 0) * random.float(0.92, 1.25)));
}

/** Program areas with a donor-restricted line this year: about half, never none. */
function restrictedAreasFor(random: Random): Set<ProgramArea> {
  const areas = PROGRAM_AREAS.filter(() => random.chance(0.5));
  return new Set(areas.length ? areas : [random.pick(PROGRAM_AREAS)]);
}

export function planBudgets(random: Random, cal: SeedCalendar, requests: RequestPlan[]): BudgetPlan[] {
  const committed = committedByYearAndArea(requests);
  const current = cal.fiscalYears.at(-1);
  const plans: BudgetPlan[] = [];
  for (const fy of cal.fiscalYears) {
    const createdAtMs = dayStart(cal.fiscalYearStartMs(fy) - random.int(20, 45) * DAY) + businessHoursOffset(random.next());
    const restrictedAreas = restrictedAreasFor(random);
    for (const area of PROGRAM_AREAS) {
      const total = budgetTotal(random, committed, fy, area, fy === current);
      let unrestricted = total;
      if (restrictedAreas.has(area)) {
        const restricted = roundTo5k(total * random.float(0.1, 0.3));
        unrestricted -= restricted;
        plans.push({ fiscalYear: fy, programArea: area, donorRestriction: random.pick(DONOR_RESTRICTIONS[area]), amountCents: restricted, createdAtMs });
      }
      plans.push({ fiscalYear: fy, programArea: area, donorRestriction: null, amountCents: Math.max(0, unrestricted), createdAtMs });
    }
  }
  return plans;
}
