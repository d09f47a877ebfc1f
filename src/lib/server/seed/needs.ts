// Aftercare needs: equipment, building and survivors' basic needs per vetted center. Older needs
// are mostly fulfilled or cancelled; recent ones are still open, in progress or pledged.
import type { BasicNeedType, NeedKind, NeedPriority, NeedStatus } from '../db/schema.js';
import { DAY, businessHoursOffset, dayStart, isoDate, type SeedCalendar } from './calendar.js';
import { weightedTable, type Random } from './random.js';
import type { CenterProfile } from './survivors.js';
import type { PartnerPlan } from './partners.js';

export interface NeedPlan {
  center: PartnerPlan;
  title: string;
  kind: NeedKind;
  basicNeedType: BasicNeedType | null;
  quantity: number;
  estimatedCostCents: number;
  priority: NeedPriority;
  status: NeedStatus;
  neededBy: string;
  createdAtMs: number;
  /** When a fulfilled or cancelled need closed; null while it is open. */
  closedAtMs: number | null;
}

/** [title, quantity range, dollars per item range] */
type Template = readonly [string, readonly [number, number], readonly [number, number]];

const EQUIPMENT: Template[] = [
  ['Beds and mattresses', [2, 8], [300, 900]],
  ['Laptops for job-readiness classes', [2, 10], [400, 1_100]],
  ['Washer and dryer', [1, 2], [700, 1_600]],
  ['Kitchen refrigerator', [1, 1], [900, 2_500]],
  ['Security cameras', [2, 12], [150, 600]],
  ['Passenger van', [1, 1], [28_000, 45_000]],
  ['Office desks and chairs', [2, 6], [200, 600]],
  ['Cribs and car seats', [1, 6], [150, 400]]
];

const BUILDING: Template[] = [
  ['Roof repair', [1, 1], [6_000, 40_000]],
  ['HVAC replacement', [1, 1], [8_000, 30_000]],
  ['Bathroom renovation', [1, 2], [7_000, 25_000]],
  ['Fire alarm upgrade', [1, 1], [4_000, 15_000]],
  ['Perimeter fencing and lighting', [1, 1], [5_000, 20_000]],
  ['Accessibility ramp', [1, 1], [3_000, 12_000]],
  ['Counseling room soundproofing', [1, 3], [2_000, 6_000]]
];

const BASIC_NEEDS: Record<BasicNeedType, readonly [Template, number]> = {
  housing: [['Transitional housing deposits', [1, 6], [800, 2_000]], 14],
  food: [['Grocery cards', [10, 60], [25, 75]], 12],
  clothing: [['Seasonal clothing packs', [5, 30], [40, 120]], 8],
  hygiene: [['Hygiene kits', [10, 80], [15, 40]], 10],
  transportation: [['Transit passes', [5, 40], [30, 100]], 9],
  medical: [['Prescription and co-pay fund', [1, 10], [100, 500]], 8],
  mental_health: [['Trauma therapy sessions', [4, 40], [90, 180]], 12],
  legal: [['Legal aid consultations', [1, 10], [200, 800]], 7],
  education: [['GED and tuition fees', [1, 6], [150, 1_200]], 6],
  childcare: [['Childcare weeks', [2, 20], [150, 350]], 6],
  employment: [['Work uniforms and certification fees', [2, 15], [50, 300]], 8]
};

const BASIC_TYPES = weightedTable(Object.entries(BASIC_NEEDS).map(([type, [, w]]) => [type as BasicNeedType, w] as const));

/** Days until a need of this priority is wanted. */
const NEEDED_WITHIN: Record<NeedPriority, readonly [number, number]> = {
  critical: [7, 30],
  high: [14, 60],
  normal: [30, 120],
  low: [60, 180]
};

function statusForAge(random: Random, ageDays: number): NeedStatus {
  if (ageDays > 120) return random.weighted([['fulfilled', 78], ['cancelled', 14], ['pledged', 3], ['in_progress', 3], ['open', 2]]);
  if (ageDays > 45) return random.weighted([['fulfilled', 45], ['cancelled', 10], ['pledged', 15], ['in_progress', 15], ['open', 15]]);
  return random.weighted([['fulfilled', 10], ['cancelled', 3], ['pledged', 12], ['in_progress', 25], ['open', 50]]);
}

function needContent(random: Random): Pick<NeedPlan, 'title' | 'kind' | 'basicNeedType' | 'quantity' | 'estimatedCostCents'> {
  const kind = random.weighted<NeedKind>([['basic_needs', 55], ['equipment', 30], ['building', 15]]);
  const basicNeedType = kind === 'basic_needs' ? BASIC_TYPES.pick(random) : null;
  const [title, [qMin, qMax], [dMin, dMax]] =
    basicNeedType !== null ? BASIC_NEEDS[basicNeedType][0] : random.pick(kind === 'equipment' ? EQUIPMENT : BUILDING);
  const quantity = random.int(qMin, qMax);
  const estimatedCostCents = Math.round(quantity * random.logUniform(dMin, dMax)) * 100;
  return { title, kind, basicNeedType, quantity, estimatedCostCents };
}

export function planNeeds(random: Random, cal: SeedCalendar, profiles: CenterProfile[], count: number): NeedPlan[] {
  if (profiles.length === 0) return [];
  const centers = weightedTable(profiles.map((p) => [p.center, Math.sqrt(p.typicalServed)] as const));
  const plans: NeedPlan[] = [];
  const span = cal.horizonMs - cal.windowStartMs;
  for (let i = 0; i < count; i++) {
    let center = centers.pick(random);
    const createdAtMs = dayStart(cal.windowStartMs + random.next() * span) + businessHoursOffset(random.next());
    for (let attempt = 0; attempt < 10 && center.activeFromMs > createdAtMs; attempt++) center = centers.pick(random);
    if (center.activeFromMs > createdAtMs) continue;
    const priority = random.weighted<NeedPriority>([['critical', 12], ['high', 25], ['normal', 43], ['low', 20]]);
    const [minDays, maxDays] = NEEDED_WITHIN[priority];
    const status = statusForAge(random, (cal.horizonMs - createdAtMs) / DAY);
    const closed = status === 'fulfilled' || status === 'cancelled';
    plans.push({
      center,
      ...needContent(random),
      priority,
      status,
      neededBy: isoDate(dayStart(createdAtMs) + random.int(minDays, maxDays) * DAY),
      createdAtMs,
      closedAtMs: closed ? Math.min(createdAtMs + random.int(2, 75) * DAY, cal.horizonMs - 1) : null
    });
  }
  return plans.sort((a, b) => a.createdAtMs - b.createdAtMs);
}
