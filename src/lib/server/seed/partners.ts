// Partners: ICAC task forces per state/province, then agencies, affiliates, labs, aftercare centers
// and education partners spread by population, every region covered. Most are vetted.
import type { PartnerKind, VettingStatus } from '../db/schema.js';
import { DAY, businessHoursOffset, dayStart, type SeedCalendar } from './calendar.js';
import { regionWeights, type SeedRegion } from './geography.js';
import { partnerName } from './names.js';
import { weightedTable, type Random } from './random.js';

export interface PartnerPlan {
  /** Set once the row is written. */
  id: number;
  name: string;
  kind: PartnerKind;
  region: SeedRegion;
  vettingStatus: VettingStatus;
  createdAtMs: number;
  vettedAtMs: number | null;
  updatedAtMs: number;
  /** Requests from this partner start no earlier than this (vetted partners: once vetted). */
  activeFromMs: number;
  /** Relative share of funding requests. */
  requestWeight: number;
}

const OTHER_KIND_SHARES: Array<readonly [PartnerKind, number]> = [
  ['law_enforcement_agency', 0.42],
  ['icac_affiliate', 0.22],
  ['forensic_lab', 0.09],
  ['aftercare_center', 0.19],
  ['education_partner', 0.08]
];

const REQUEST_WEIGHT: Record<PartnerKind, number> = {
  icac_task_force: 4,
  law_enforcement_agency: 1,
  icac_affiliate: 1,
  forensic_lab: 2,
  aftercare_center: 1.6,
  education_partner: 1.2
};

/** ICAC-style task forces: one per US state (more in the most populous) and per larger province. */
function taskForceRegions(regions: SeedRegion[]): SeedRegion[] {
  const out: SeedRegion[] = [];
  for (const r of regions) {
    if (r.country === 'CA' && r.population < 0.5) continue;
    const extra = r.country === 'US' ? (r.population >= 20 ? 2 : r.population >= 10 ? 1 : 0) : 0;
    for (let i = 0; i <= extra; i++) out.push(r);
  }
  return out;
}

function otherKinds(count: number): PartnerKind[] {
  const kinds: PartnerKind[] = [];
  for (const [kind, share] of OTHER_KIND_SHARES.slice(1)) {
    for (let i = 0; i < Math.round(count * share); i++) kinds.push(kind);
  }
  while (kinds.length < count) kinds.push('law_enforcement_agency');
  return kinds.slice(0, count);
}

/** Moves one agency into each region that ended up with no partner at all. */
function coverEveryRegion(plans: Array<{ kind: PartnerKind; region: SeedRegion }>, regions: SeedRegion[]): void {
  const covered = new Set(plans.map((p) => p.region.code));
  const movable = plans.filter((p) => p.kind === 'law_enforcement_agency');
  let next = 0;
  for (const region of regions) {
    if (covered.has(region.code) || next >= movable.length) continue;
    movable[next++].region = region;
    covered.add(region.code);
  }
}

function vettingFor(random: Random, kind: PartnerKind): VettingStatus {
  if (kind === 'icac_task_force') return 'vetted';
  return random.weighted([
    ['vetted', 85],
    ['pending', 10],
    ['suspended', 5]
  ]);
}

function at(random: Random, dayMs: number): number {
  return dayStart(dayMs) + businessHoursOffset(random.next());
}

function timeline(random: Random, cal: SeedCalendar, status: VettingStatus) {
  const { windowStartMs, horizonMs } = cal;
  if (status === 'pending') {
    const created = at(random, horizonMs - random.int(3, 150) * DAY);
    return { createdAtMs: created, vettedAtMs: null, updatedAtMs: created, activeFromMs: created };
  }
  const joinedDuringWindow = status === 'vetted' && random.chance(0.15);
  const created = joinedDuringWindow
    ? at(random, windowStartMs + random.float(0, 0.8) * (horizonMs - windowStartMs - 90 * DAY))
    : at(random, windowStartMs - random.int(60, 1500) * DAY);
  const vetted = at(random, created + random.int(10, 50) * DAY);
  if (status === 'vetted') return { createdAtMs: created, vettedAtMs: vetted, updatedAtMs: vetted, activeFromMs: vetted };
  const suspended = at(random, windowStartMs + random.float(0.1, 0.9) * (horizonMs - windowStartMs));
  return { createdAtMs: created, vettedAtMs: vetted, updatedAtMs: suspended, activeFromMs: windowStartMs };
}

export function planPartners(random: Random, cal: SeedCalendar, regions: SeedRegion[], total: number): PartnerPlan[] {
  const taskForces = taskForceRegions(regions);
  const byPopulation = weightedTable(regionWeights(regions, 0.8));
  const placed: Array<{ kind: PartnerKind; region: SeedRegion }> = [
    ...taskForces.map((region) => ({ kind: 'icac_task_force' as const, region })),
    ...otherKinds(Math.max(0, total - taskForces.length)).map((kind) => ({ kind, region: byPopulation.pick(random) }))
  ];
  coverEveryRegion(placed, regions);
  const names = new Set<string>();
  return placed.map(({ kind, region }) => {
    const vettingStatus = vettingFor(random, kind);
    const activity = random.logNormal(1, 0.5) * (vettingStatus === 'vetted' ? 1 : 0.25);
    return {
      id: 0,
      name: partnerName(random, kind, region.country, names),
      kind,
      region,
      vettingStatus,
      ...timeline(random, cal, vettingStatus),
      requestWeight: REQUEST_WEIGHT[kind] * activity
    };
  });
}
