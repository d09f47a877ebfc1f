// Synthetic names. Places are built from syllables and every organisation carries "(demo)", so no
// seeded row can be mistaken for a real agency, organisation or person.
import type { PartnerKind } from '../db/schema.js';
import type { Random } from './random.js';

const ONSETS = [
  'Quen', 'Zel', 'Vask', 'Thren', 'Orl', 'Kesh', 'Yarr', 'Brin', 'Dov', 'Fael', 'Gorm', 'Hask', 'Ilv', 'Jor',
  'Karn', 'Lusk', 'Morv', 'Nebb', 'Ost', 'Pryl', 'Rusk', 'Sorn', 'Tarv', 'Ulm', 'Vell', 'Wyth', 'Xan', 'Ysk',
  'Zorn', 'Brask', 'Cwen', 'Drel', 'Eskar', 'Frin', 'Glim', 'Holv', 'Isk', 'Jask', 'Kolv', 'Lorn'
];
const LINKS = ['', '', '', 'a', 'e', 'i', 'o', 'en', 'er', 'il'];
const ENDINGS = [
  'brook', 'bury', 'dale', 'field', 'ford', 'gate', 'haven', 'holt', 'mere', 'moor', 'ridge', 'stead', 'ton',
  'vale', 'wick', 'wood', 'crest', 'fall', 'marsh', 'hollow', 'reach', 'port', 'mont', 'view'
];

/** A pronounceable, made-up place name such as "Threnvale" or "Korvenmoor". */
export function placeName(random: Random): string {
  return random.pick(ONSETS) + random.pick(LINKS) + random.pick(ENDINGS);
}

type Country = 'US' | 'CA';

function lawEnforcementName(random: Random, country: Country): string {
  const place = placeName(random);
  if (country === 'CA') {
    return random.weighted([
      [`${place} Police Service`, 3],
      [`${place} Regional Police Service`, 2],
      [`${place} Integrated Child Exploitation Unit`, 1]
    ]);
  }
  return random.weighted([
    [`${place} County Sheriff's Office`, 3],
    [`${place} Police Department`, 4],
    [`${place} Metro Police Department`, 1],
    [`${place} County Prosecutor's Investigations Unit`, 1]
  ]);
}

const NAMERS: Record<PartnerKind, (random: Random, country: Country) => string> = {
  law_enforcement_agency: lawEnforcementName,
  icac_task_force: (random, country) =>
    country === 'CA'
      ? `${placeName(random)} Internet Child Exploitation Task Force`
      : `${placeName(random)} Region ICAC Task Force`,
  icac_affiliate: (random, country) => `${lawEnforcementName(random, country)}, ICAC affiliate`,
  forensic_lab: (random) =>
    `${placeName(random)} ${random.pick(['Regional Digital Forensics Lab', 'Crime Laboratory', 'Cyber Forensics Center', 'Digital Evidence Unit'])}`,
  aftercare_center: (random) =>
    `${placeName(random)} ${random.pick(['House', 'Haven', 'Refuge', 'Harbor', 'Lighthouse', 'Bridge'])} ${random.pick([
      'Aftercare Center', 'Restoration Home', 'Survivor Services', 'Recovery Residence'
    ])}`,
  education_partner: (random) =>
    `${placeName(random)} ${random.pick([
      'Family Safety Coalition', 'Youth Protection Alliance', 'Community Awareness Network', 'Prevention Education Project'
    ])}`
};

/** A unique organisation name for a partner, marked as demo data. */
export function partnerName(random: Random, kind: PartnerKind, country: Country, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const base = NAMERS[kind](random, country);
    const name = attempt < 5 ? `${base} (demo)` : `${base} ${attempt} (demo)`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Donor restrictions on budget lines: made-up funders, marked as demo. */
export const DONOR_RESTRICTIONS = {
  law_enforcement: ['Demo Family Foundation: detection K9 program', 'Synthetic Tech Alliance (demo): digital forensics tools'],
  forensic_labs: ['Demo Lab Modernization Fund: lab equipment only'],
  aftercare: ['Demo Community Trust: survivor housing', 'Anonymous donor (demo): aftercare facilities'],
  education: ['Demo Schools Initiative: prevention education in schools']
} as const;
