// Where seeded activity happens: every region, weighted by (rounded, approximate) population in
// millions, so populous states get more partners and outreach without small ones going empty.

export interface SeedRegion {
  code: string;
  country: 'US' | 'CA';
  division: string;
  population: number;
}

const POPULATION_MILLIONS: Record<string, number> = {
  CT: 3.6, ME: 1.4, MA: 7.0, NH: 1.4, RI: 1.1, VT: 0.65, NJ: 9.3, NY: 19.6, PA: 13.0,
  IL: 12.5, IN: 6.9, MI: 10.0, OH: 11.8, WI: 5.9, IA: 3.2, KS: 2.9, MN: 5.7, MO: 6.2, NE: 2.0, ND: 0.78, SD: 0.92,
  DE: 1.0, DC: 0.68, FL: 22.6, GA: 11.0, MD: 6.2, NC: 10.8, SC: 5.4, VA: 8.7, WV: 1.8,
  AL: 5.1, KY: 4.5, MS: 2.9, TN: 7.1, AR: 3.1, LA: 4.6, OK: 4.1, TX: 30.5,
  AZ: 7.4, CO: 5.9, ID: 2.0, MT: 1.1, NV: 3.2, NM: 2.1, UT: 3.4, WY: 0.58,
  AK: 0.73, CA: 39.0, HI: 1.4, OR: 4.2, WA: 7.8,
  AB: 4.7, BC: 5.5, MB: 1.4, SK: 1.2, YT: 0.045, NT: 0.045, NU: 0.04,
  ON: 15.6, QC: 8.9, NB: 0.83, NS: 1.05, PE: 0.17, NL: 0.54
};

export function withPopulation(rows: Array<{ code: string; country: 'US' | 'CA'; division_code: string }>): SeedRegion[] {
  return rows
    .map((r) => ({ code: r.code.trim(), country: r.country, division: r.division_code, population: POPULATION_MILLIONS[r.code.trim()] ?? 0.5 }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** Weight by population, flattened a little so that small regions still see some activity. */
export function regionWeights(regions: SeedRegion[], exponent: number): Array<readonly [SeedRegion, number]> {
  return regions.map((r) => [r, Math.pow(r.population, exponent)] as const);
}
