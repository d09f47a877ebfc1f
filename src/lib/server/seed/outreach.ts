// Outreach events, generated day by day (so ids follow time and the large profile streams instead
// of holding 600,000 rows), plus quarterly goals per division set from what was actually reached.
import type { OutreachAudience, OutreachFormat } from '../db/schema.js';
import { fiscalQuarterRanges } from '../fiscal-year.js';
import { DAY, addMonths, businessHoursOffset, dateMs, isoDate, monthStartMs, type SeedCalendar } from './calendar.js';
import { regionWeights, type SeedRegion } from './geography.js';
import type { PartnerPlan } from './partners.js';
import { binomial, weightedTable, type Random, type WeightedTable } from './random.js';

export interface OutreachEventPlan {
  occurredOn: string;
  state: string;
  format: OutreachFormat;
  audience: OutreachAudience;
  title: string;
  attendees: number;
  partnerProfessionals: number;
  followUpRequests: number;
  partner: PartnerPlan | null;
  createdAtMs: number;
}

export interface OutreachGoalPlan {
  division: string;
  periodStart: string;
  periodEnd: string;
  peopleGoal: number;
  eventsGoal: number;
}

interface FormatSpec {
  weight: number;
  /** School-year formats thin out in the summer and on weekends. */
  schoolYear: boolean;
  audiences: Array<readonly [OutreachAudience, number]>;
  attendees: readonly [number, number];
  professionals: readonly [number, number];
  titles: string[];
}

const FORMATS: Record<OutreachFormat, FormatSpec> = {
  school_assembly: {
    weight: 22, schoolYear: true, audiences: [['students', 90], ['educators', 10]], attendees: [80, 700], professionals: [0, 3],
    titles: ['Online safety assembly', 'Healthy relationships assembly', 'Recognizing online grooming']
  },
  parent_workshop: {
    weight: 14, schoolYear: true, audiences: [['parents', 85], ['general_public', 15]], attendees: [10, 90], professionals: [0, 3],
    titles: ['Parents: apps, games and online risks', 'Parent workshop: warning signs of exploitation']
  },
  professional_training: {
    weight: 14, schoolYear: false, audiences: [['professionals', 55], ['educators', 35], ['law_enforcement', 10]],
    attendees: [12, 150], professionals: [1, 8],
    titles: ['Trafficking indicators for healthcare staff', 'Trafficking awareness for hospitality staff', 'Mandated reporter training']
  },
  law_enforcement_training: {
    weight: 8, schoolYear: false, audiences: [['law_enforcement', 100]], attendees: [8, 60], professionals: [1, 6],
    titles: ['Victim-centered investigations briefing', 'Sextortion response training']
  },
  community_event: {
    weight: 18, schoolYear: false, audiences: [['general_public', 55], ['faith_community', 30], ['parents', 15]],
    attendees: [25, 400], professionals: [0, 5],
    titles: ['Community awareness night', 'Faith community awareness session', 'Resource fair booth']
  },
  webinar: {
    weight: 12, schoolYear: false, audiences: [['parents', 30], ['educators', 25], ['professionals', 25], ['general_public', 20]],
    attendees: [15, 600], professionals: [0, 4],
    titles: ['Webinar: sextortion and what to do', 'Webinar: trafficking myths and facts']
  },
  conference: {
    weight: 5, schoolYear: false, audiences: [['professionals', 60], ['law_enforcement', 25], ['educators', 15]],
    attendees: [60, 900], professionals: [3, 25],
    titles: ['Regional anti-trafficking conference session', 'Child protection conference workshop']
  },
  media: {
    weight: 3, schoolYear: false, audiences: [['general_public', 100]], attendees: [300, 8_000], professionals: [0, 2],
    titles: ['Local radio interview', 'TV segment on online safety', 'Podcast episode']
  }
};

const formatEntries = (schoolYear: boolean) =>
  (Object.entries(FORMATS) as Array<[OutreachFormat, FormatSpec]>).filter(([, f]) => f.schoolYear === schoolYear).map(([k, f]) => [k, f.weight] as const);

function dayWeight(dayMs: number, schoolYear: boolean): number {
  const d = new Date(dayMs);
  const weekday = d.getUTCDay();
  const month = d.getUTCMonth() + 1;
  if (schoolYear) {
    if (weekday === 0 || weekday === 6) return 0.05;
    return month === 7 || month === 8 ? 0.1 : month === 6 || month === 12 ? 0.6 : 1;
  }
  const week = weekday === 0 ? 0.2 : weekday === 6 ? 0.45 : 1;
  return week * (month === 7 || month === 8 ? 0.85 : 1);
}

function days(cal: SeedCalendar): number[] {
  const out: number[] = [];
  for (let d = cal.windowStartMs; d < cal.horizonMs; d += DAY) out.push(d);
  return out;
}

interface OutreachContext {
  states: WeightedTable<SeedRegion>;
  formats: { school: WeightedTable<OutreachFormat>; general: WeightedTable<OutreachFormat> };
  partnersByState: Map<string, PartnerPlan[]>;
  horizonMs: number;
}

function oneEvent(random: Random, ctx: OutreachContext, dayMs: number, schoolYear: boolean): OutreachEventPlan {
  const format = (schoolYear ? ctx.formats.school : ctx.formats.general).pick(random);
  const spec = FORMATS[format];
  const region = ctx.states.pick(random);
  const attendees = Math.round(random.logUniform(spec.attendees[0], spec.attendees[1]));
  const local = ctx.partnersByState.get(region.code)?.filter((p) => p.activeFromMs <= dayMs);
  const loggedAfter = random.int(0, 5) * DAY + businessHoursOffset(random.next());
  return {
    occurredOn: isoDate(dayMs),
    state: region.code,
    format,
    audience: random.weighted(spec.audiences),
    title: random.pick(spec.titles),
    attendees,
    partnerProfessionals: random.int(spec.professionals[0], spec.professionals[1]),
    followUpRequests: Math.round(attendees * random.float(0, 0.05)),
    partner: local?.length && random.chance(0.25) ? random.pick(local) : null,
    createdAtMs: dayMs + loggedAfter < ctx.horizonMs ? dayMs + loggedAfter : dayMs + businessHoursOffset(random.next())
  };
}

/** Exactly `count` events, spread over the window's days by season and weekday, oldest first. */
export function* outreachEvents(
  random: Random, cal: SeedCalendar, regions: SeedRegion[], partners: PartnerPlan[], count: number
): Generator<OutreachEventPlan> {
  const partnersByState = new Map<string, PartnerPlan[]>();
  for (const p of partners) {
    if (p.kind !== 'education_partner' || p.vettingStatus !== 'vetted') continue;
    partnersByState.set(p.region.code, [...(partnersByState.get(p.region.code) ?? []), p]);
  }
  const ctx: OutreachContext = {
    states: weightedTable(regionWeights(regions, 0.9)),
    formats: { school: weightedTable(formatEntries(true)), general: weightedTable(formatEntries(false)) },
    partnersByState,
    horizonMs: cal.horizonMs
  };
  const schoolShare = formatEntries(true).reduce((s, [, w]) => s + w, 0) / Object.values(FORMATS).reduce((s, f) => s + f.weight, 0);
  const allDays = days(cal);
  const remaining = { school: Math.round(count * schoolShare), general: count - Math.round(count * schoolShare) };
  const weightLeft = {
    school: allDays.reduce((s, d) => s + dayWeight(d, true), 0),
    general: allDays.reduce((s, d) => s + dayWeight(d, false), 0)
  };
  for (let index = 0; index < allDays.length; index++) {
    const dayMs = allDays[index];
    const lastDay = index === allDays.length - 1;
    for (const kind of ['school', 'general'] as const) {
      const w = dayWeight(dayMs, kind === 'school');
      const n = lastDay ? remaining[kind] : binomial(random, remaining[kind], Math.min(1, w / weightLeft[kind]));
      remaining[kind] -= n;
      weightLeft[kind] -= w;
      for (let i = 0; i < n; i++) yield oneEvent(random, ctx, dayMs, kind === 'school');
    }
  }
}

/** People and events reached per division and month, for goal setting. */
export class OutreachTally {
  private readonly byKey = new Map<string, { people: number; events: number }>();
  constructor(private readonly divisionOf: Map<string, string>) {}

  add(e: OutreachEventPlan): void {
    const key = `${this.divisionOf.get(e.state)}|${e.occurredOn.slice(0, 7)}`;
    const t = this.byKey.get(key) ?? { people: 0, events: 0 };
    t.people += e.attendees;
    t.events += 1;
    this.byKey.set(key, t);
  }

  /** Totals for a division over whole months [startMs, endMs). */
  total(division: string, startMs: number, endMs: number): { people: number; events: number } {
    const out = { people: 0, events: 0 };
    for (let m = startMs; m < endMs; m = addMonths(m, 1)) {
      const t = this.byKey.get(`${division}|${isoDate(m).slice(0, 7)}`);
      if (t) {
        out.people += t.people;
        out.events += t.events;
      }
    }
    return out;
  }
}

/**
 * One goal per division and fiscal quarter: a finished quarter's goal is set near what was
 * reached; a quarter still running or ahead builds on the same quarter a year earlier.
 */
export function planOutreachGoals(random: Random, cal: SeedCalendar, divisions: string[], tally: OutreachTally): OutreachGoalPlan[] {
  const goals: OutreachGoalPlan[] = [];
  for (const fy of cal.fiscalYears) {
    for (const q of fiscalQuarterRanges(fy, cal.fiscalYearStartMonth)) {
      const [startMs, endMs] = [dateMs(q.start), dateMs(q.end)];
      const finished = endMs <= monthStartMs(cal.horizonMs);
      for (const division of divisions) {
        const basis = finished ? tally.total(division, startMs, endMs) : tally.total(division, addMonths(startMs, -12), addMonths(endMs, -12));
        const factor = finished ? random.float(0.85, 1.2) : random.float(1.0, 1.2);
        goals.push({
          division,
          periodStart: q.start,
          periodEnd: q.end,
          peopleGoal: Math.max(50, Math.round((basis.people * factor) / 50) * 50),
          eventsGoal: Math.max(1, Math.round(basis.events * factor))
        });
      }
    }
  }
  return goals;
}
