// Client-safe copy of the reference regions (db/data/regions.csv, loaded by the first migration);
// tests/integration/regions.test.ts keeps the three in agreement.
export const divisions = [
  { code: 'new-england', name: 'New England', country: 'US' },
  { code: 'mid-atlantic', name: 'Mid-Atlantic', country: 'US' },
  { code: 'east-north-central', name: 'East North Central', country: 'US' },
  { code: 'west-north-central', name: 'West North Central', country: 'US' },
  { code: 'south-atlantic', name: 'South Atlantic', country: 'US' },
  { code: 'east-south-central', name: 'East South Central', country: 'US' },
  { code: 'west-south-central', name: 'West South Central', country: 'US' },
  { code: 'mountain', name: 'Mountain', country: 'US' },
  { code: 'pacific', name: 'Pacific', country: 'US' },
  { code: 'canada-west-north', name: 'Canada West and North', country: 'CA' },
  { code: 'canada-east', name: 'Canada East', country: 'CA' }
] as const;

export type DivisionCode = (typeof divisions)[number]['code'];

export const regions = [
  { code: 'CT', name: 'Connecticut', country: 'US', division: 'new-england' },
  { code: 'ME', name: 'Maine', country: 'US', division: 'new-england' },
  { code: 'MA', name: 'Massachusetts', country: 'US', division: 'new-england' },
  { code: 'NH', name: 'New Hampshire', country: 'US', division: 'new-england' },
  { code: 'RI', name: 'Rhode Island', country: 'US', division: 'new-england' },
  { code: 'VT', name: 'Vermont', country: 'US', division: 'new-england' },
  { code: 'NJ', name: 'New Jersey', country: 'US', division: 'mid-atlantic' },
  { code: 'NY', name: 'New York', country: 'US', division: 'mid-atlantic' },
  { code: 'PA', name: 'Pennsylvania', country: 'US', division: 'mid-atlantic' },
  { code: 'IL', name: 'Illinois', country: 'US', division: 'east-north-central' },
  { code: 'IN', name: 'Indiana', country: 'US', division: 'east-north-central' },
  { code: 'MI', name: 'Michigan', country: 'US', division: 'east-north-central' },
  { code: 'OH', name: 'Ohio', country: 'US', division: 'east-north-central' },
  { code: 'WI', name: 'Wisconsin', country: 'US', division: 'east-north-central' },
  { code: 'IA', name: 'Iowa', country: 'US', division: 'west-north-central' },
  { code: 'KS', name: 'Kansas', country: 'US', division: 'west-north-central' },
  { code: 'MN', name: 'Minnesota', country: 'US', division: 'west-north-central' },
  { code: 'MO', name: 'Missouri', country: 'US', division: 'west-north-central' },
  { code: 'NE', name: 'Nebraska', country: 'US', division: 'west-north-central' },
  { code: 'ND', name: 'North Dakota', country: 'US', division: 'west-north-central' },
  { code: 'SD', name: 'South Dakota', country: 'US', division: 'west-north-central' },
  { code: 'DE', name: 'Delaware', country: 'US', division: 'south-atlantic' },
  { code: 'DC', name: 'District of Columbia', country: 'US', division: 'south-atlantic' },
  { code: 'FL', name: 'Florida', country: 'US', division: 'south-atlantic' },
  { code: 'GA', name: 'Georgia', country: 'US', division: 'south-atlantic' },
  { code: 'MD', name: 'Maryland', country: 'US', division: 'south-atlantic' },
  { code: 'NC', name: 'North Carolina', country: 'US', division: 'south-atlantic' },
  { code: 'SC', name: 'South Carolina', country: 'US', division: 'south-atlantic' },
  { code: 'VA', name: 'Virginia', country: 'US', division: 'south-atlantic' },
  { code: 'WV', name: 'West Virginia', country: 'US', division: 'south-atlantic' },
  { code: 'AL', name: 'Alabama', country: 'US', division: 'east-south-central' },
  { code: 'KY', name: 'Kentucky', country: 'US', division: 'east-south-central' },
  { code: 'MS', name: 'Mississippi', country: 'US', division: 'east-south-central' },
  { code: 'TN', name: 'Tennessee', country: 'US', division: 'east-south-central' },
  { code: 'AR', name: 'Arkansas', country: 'US', division: 'west-south-central' },
  { code: 'LA', name: 'Louisiana', country: 'US', division: 'west-south-central' },
  { code: 'OK', name: 'Oklahoma', country: 'US', division: 'west-south-central' },
  { code: 'TX', name: 'Texas', country: 'US', division: 'west-south-central' },
  { code: 'AZ', name: 'Arizona', country: 'US', division: 'mountain' },
  { code: 'CO', name: 'Colorado', country: 'US', division: 'mountain' },
  { code: 'ID', name: 'Idaho', country: 'US', division: 'mountain' },
  { code: 'MT', name: 'Montana', country: 'US', division: 'mountain' },
  { code: 'NV', name: 'Nevada', country: 'US', division: 'mountain' },
  { code: 'NM', name: 'New Mexico', country: 'US', division: 'mountain' },
  { code: 'UT', name: 'Utah', country: 'US', division: 'mountain' },
  { code: 'WY', name: 'Wyoming', country: 'US', division: 'mountain' },
  { code: 'AK', name: 'Alaska', country: 'US', division: 'pacific' },
  { code: 'CA', name: 'California', country: 'US', division: 'pacific' },
  { code: 'HI', name: 'Hawaii', country: 'US', division: 'pacific' },
  { code: 'OR', name: 'Oregon', country: 'US', division: 'pacific' },
  { code: 'WA', name: 'Washington', country: 'US', division: 'pacific' },
  { code: 'AB', name: 'Alberta', country: 'CA', division: 'canada-west-north' },
  { code: 'BC', name: 'British Columbia', country: 'CA', division: 'canada-west-north' },
  { code: 'MB', name: 'Manitoba', country: 'CA', division: 'canada-west-north' },
  { code: 'SK', name: 'Saskatchewan', country: 'CA', division: 'canada-west-north' },
  { code: 'YT', name: 'Yukon', country: 'CA', division: 'canada-west-north' },
  { code: 'NT', name: 'Northwest Territories', country: 'CA', division: 'canada-west-north' },
  { code: 'NU', name: 'Nunavut', country: 'CA', division: 'canada-west-north' },
  { code: 'ON', name: 'Ontario', country: 'CA', division: 'canada-east' },
  { code: 'QC', name: 'Quebec', country: 'CA', division: 'canada-east' },
  { code: 'NB', name: 'New Brunswick', country: 'CA', division: 'canada-east' },
  { code: 'NS', name: 'Nova Scotia', country: 'CA', division: 'canada-east' },
  { code: 'PE', name: 'Prince Edward Island', country: 'CA', division: 'canada-east' },
  { code: 'NL', name: 'Newfoundland and Labrador', country: 'CA', division: 'canada-east' }
] as const;

export type RegionCode = (typeof regions)[number]['code'];

export const divisionCodes = divisions.map((d) => d.code) as [DivisionCode, ...DivisionCode[]];
export const regionCodes = regions.map((r) => r.code) as [RegionCode, ...RegionCode[]];

export function divisionOf(state: RegionCode): DivisionCode {
  return regions.find((r) => r.code === state)!.division;
}

export function statesIn(division: DivisionCode): RegionCode[] {
  return regions.filter((r) => r.division === division).map((r) => r.code);
}

/** The states of a division; every state when none is named (a list over all divisions). */
export function statesOf(division: string | null | undefined): RegionCode[] {
  return division ? statesIn(division as DivisionCode) : [...regionCodes];
}

/** A division's name for people ("Northeast"); an unknown code as it is. */
export function divisionName(code: string): string {
  return divisions.find((d) => d.code === code)?.name ?? code;
}
