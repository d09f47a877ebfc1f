// Okabe–Ito: eight colours that stay distinguishable with the common colour-vision deficiencies.
// Charts take series colours in this order (black last: it is the text colour on light themes).
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

export function seriesColour(i: number): string {
  return OKABE_ITO[i % (OKABE_ITO.length - 1)];
}

/** A single-hue sequential ramp (blues, light → dark) for the tile map: order is read by lightness. */
export const SEQUENTIAL = ['#eff6fb', '#c6dbef', '#7fb2d9', '#3182bd', '#08519c'] as const;
