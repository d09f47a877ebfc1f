// Monthly survivors-served counts per aftercare center: aggregate numbers only, never anything
// about a person. Many centers are small, so counts from 1 to 10 are common
// (docs/figures.md, "Survivor counts: disclosure control", says how they are published).
import { DAY, HOUR, addMonths, isoDate, monthStartMs, type SeedCalendar } from './calendar.js';
import type { PartnerPlan } from './partners.js';
import type { Random } from './random.js';

export interface CenterProfile {
  center: PartnerPlan;
  /** Typical survivors served per month. */
  typicalServed: number;
  residential: boolean;
}

export interface SurvivorCountPlan {
  center: PartnerPlan;
  month: string;
  served: number;
  newIntakes: number;
  bedNights: number;
  reportedAtMs: number;
}

/** Vetted aftercare centers and how big each one is. */
export function centerProfiles(random: Random, partners: PartnerPlan[]): CenterProfile[] {
  return partners
    .filter((p) => p.kind === 'aftercare_center' && p.vettingStatus === 'vetted')
    .map((center) => {
      const size = random.weighted([['small', 35], ['medium', 45], ['large', 20]] as const);
      const typicalServed = size === 'small' ? random.int(2, 9) : size === 'medium' ? random.int(10, 35) : random.int(36, 90);
      return { center, typicalServed, residential: random.chance(0.7) };
    });
}

function monthCount(random: Random, profile: CenterProfile, monthIndex: number) {
  const trend = 1 + 0.01 * monthIndex;
  const served = Math.max(profile.typicalServed < 10 ? 1 : 0, Math.round(random.normal(profile.typicalServed * trend, profile.typicalServed * 0.18 + 0.8)));
  const newIntakes = Math.min(served, Math.max(0, Math.round(served * random.float(0.08, 0.4))));
  const bedNights = profile.residential ? Math.min(served * 31, Math.round(served * random.float(8, 28))) : 0;
  return { served, newIntakes, bedNights };
}

export function planSurvivorCounts(random: Random, cal: SeedCalendar, profiles: CenterProfile[]): SurvivorCountPlan[] {
  const plans: SurvivorCountPlan[] = [];
  const lastMonthMs = monthStartMs(cal.horizonMs);
  for (const profile of profiles) {
    let monthMs = Math.max(monthStartMs(cal.windowStartMs), monthStartMs(addMonths(profile.center.activeFromMs, 1)));
    for (let i = 0; monthMs < lastMonthMs; i++, monthMs = addMonths(monthMs, 1)) {
      // A month is reported early the next month; a few months are never reported.
      const reportedAtMs = addMonths(monthMs, 1) + random.int(0, 12) * DAY + random.int(14, 23) * HOUR;
      if (random.chance(0.04) || reportedAtMs >= cal.horizonMs) continue;
      plans.push({ center: profile.center, month: isoDate(monthMs), reportedAtMs, ...monthCount(random, profile, i) });
    }
  }
  return plans;
}
