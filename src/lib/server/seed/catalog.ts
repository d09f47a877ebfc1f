// What partners ask for: categories per partner kind, plausible amounts and units per category,
// and request titles. Amounts are in dollars here and become cents in the plans.
import type { FundingCategory, PartnerKind } from '../db/schema.js';
import type { Random } from './random.js';

export const CATEGORIES_BY_KIND: Record<PartnerKind, Array<readonly [FundingCategory, number]>> = {
  icac_task_force: [['extraction_software', 30], ['forensic_hardware', 30], ['training_scholarship', 25], ['detection_k9', 15]],
  law_enforcement_agency: [['forensic_hardware', 25], ['extraction_software', 20], ['training_scholarship', 35], ['detection_k9', 20]],
  icac_affiliate: [['forensic_hardware', 30], ['extraction_software', 30], ['training_scholarship', 30], ['detection_k9', 10]],
  forensic_lab: [['lab_equipment', 55], ['lab_facility', 15], ['forensic_hardware', 15], ['extraction_software', 10], ['training_scholarship', 5]],
  aftercare_center: [['aftercare_equipment', 35], ['aftercare_facility', 20], ['survivor_basic_needs', 45]],
  education_partner: [['outreach_program', 100]]
};

interface CategorySpec {
  /** Units delivered (devices, licenses, K9s, officers); null where a count means nothing. */
  units: ((random: Random) => number) | null;
  /** Dollars per unit (or for the whole request when units is null): [min, max], log-uniform. */
  dollars: readonly [number, number];
  titles: ReadonlyArray<(units: number) => string>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const CATEGORY_SPECS: Record<FundingCategory, CategorySpec> = {
  forensic_hardware: {
    units: (r) => r.weighted([[1, 30], [2, 30], [3, 20], [4, 10], [6, 6], [8, 4]]),
    dollars: [2_500, 12_000],
    titles: [
      (u) => `${plural(u, 'forensic imaging workstation')}`,
      (u) => `${plural(u, 'mobile forensic field kit')}`,
      (u) => `Write-blockers and evidence storage, ${plural(u, 'set')}`,
      (u) => `${plural(u, 'high-capacity evidence drive array')}`
    ]
  },
  extraction_software: {
    units: (r) => r.weighted([[1, 25], [2, 25], [3, 15], [4, 12], [5, 10], [8, 8], [10, 5]]),
    dollars: [2_500, 9_000],
    titles: [
      (u) => `Mobile device extraction software, ${plural(u, 'license')}`,
      (u) => `Renewal: ${plural(u, 'extraction license')} (annual)`,
      (u) => `Cloud data extraction tool, ${plural(u, 'seat')}`,
      (u) => `Digital evidence review platform, ${plural(u, 'license')}`
    ]
  },
  detection_k9: {
    units: (r) => (r.chance(0.8) ? 1 : 2),
    dollars: [10_000, 20_000],
    titles: [
      (u) => (u === 1 ? 'Electronic storage detection K9 with handler course' : '2 electronic storage detection K9s'),
      (u) => `Detection K9 program: ${plural(u, 'dog')}, training and equipment`
    ]
  },
  training_scholarship: {
    units: (r) => r.weighted([[1, 20], [2, 22], [3, 15], [4, 12], [5, 8], [6, 8], [8, 8], [10, 4], [12, 3]]),
    dollars: [1_200, 4_500],
    titles: [
      (u) => `ICAC investigative techniques course, ${plural(u, 'officer')}`,
      (u) => `Digital forensics certification, ${plural(u, 'officer')}`,
      (u) => `Undercover online investigations training, ${plural(u, 'officer')}`,
      (u) => `Trauma-informed victim interviewing course, ${plural(u, 'officer')}`
    ]
  },
  lab_equipment: {
    units: (r) => r.weighted([[1, 60], [2, 25], [3, 10], [4, 5]]),
    dollars: [8_000, 60_000],
    titles: [
      (u) => `Chip-off and JTAG forensic station${u > 1 ? `s (${u})` : ''}`,
      (u) => `Forensic video enhancement suite${u > 1 ? `, ${u} seats` : ''}`,
      (u) => `Faraday enclosure${u > 1 ? `s (${u})` : ''}`,
      (u) => `Evidence processing server${u > 1 ? `s (${u})` : ''}`
    ]
  },
  lab_facility: {
    units: null,
    dollars: [40_000, 400_000],
    titles: [() => 'Evidence room expansion', () => 'Clean room build-out', () => 'Lab power and cooling upgrade', () => 'Secure evidence intake renovation']
  },
  aftercare_equipment: {
    units: null,
    dollars: [2_000, 35_000],
    titles: [
      () => 'Commercial kitchen appliances', () => 'Laptops for the education program', () => 'Bedroom furniture for six rooms',
      () => 'Security camera system', () => 'Passenger van for survivor transport', () => 'Laundry machines'
    ]
  },
  aftercare_facility: {
    units: null,
    dollars: [20_000, 250_000],
    titles: [() => 'Roof replacement', () => 'New residential wing', () => 'Accessibility upgrades', () => 'Fire safety system', () => 'Counseling rooms renovation']
  },
  survivor_basic_needs: {
    units: null,
    dollars: [1_000, 20_000],
    titles: [
      () => 'Transitional housing assistance', () => 'Emergency food and hygiene supplies', () => 'Trauma therapy sessions',
      () => 'Legal aid fund', () => 'Childcare support', () => 'Job-readiness program', () => 'Medical and dental care fund'
    ]
  },
  outreach_program: {
    units: null,
    dollars: [2_500, 30_000],
    titles: [
      () => 'School prevention curriculum', () => 'Parent online-safety workshop series', () => 'Hospitality staff awareness training',
      () => 'Community awareness campaign', () => 'Youth mentor training'
    ]
  }
};

export interface RequestAsk {
  title: string;
  units: number | null;
  requestedCents: number;
}

/** What a partner asks for in one request of the given category. */
export function requestAsk(random: Random, category: FundingCategory): RequestAsk {
  const spec = CATEGORY_SPECS[category];
  const units = spec.units ? spec.units(random) : null;
  const perUnit = random.logUniform(spec.dollars[0], spec.dollars[1]);
  const dollars = Math.max(50, Math.round((perUnit * (units ?? 1)) / 50) * 50);
  return { title: random.pick(spec.titles)(units ?? 1), units, requestedCents: dollars * 100 };
}

/** The amount approved: usually all of it, sometimes a reduced award (whole hundreds of dollars). */
export function approvedCents(random: Random, category: FundingCategory, requestedCents: number): number {
  if (category === 'detection_k9' || random.chance(0.65)) return requestedCents;
  const dollars = Math.round((requestedCents / 100) * random.float(0.6, 0.95) / 100) * 100;
  return Math.max(100, dollars) * 100;
}
