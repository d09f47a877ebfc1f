import { describe, expect, it } from 'vitest';
import { label } from '../../src/lib/format.js';

// What a director reads for a stored key: words, a capital first letter, K9 and ICAC in capitals.
describe('label', () => {
  it.each([
    ['survivor_basic_needs', 'Survivor basic needs'],
    ['detection_k9', 'Detection K9'],
    ['icac_task_force', 'ICAC task force'],
    ['icac_affiliate', 'ICAC affiliate'],
    ['law_enforcement_agency', 'Law enforcement agency']
  ])('%s → %s', (key, shown) => {
    expect(label(key)).toBe(shown);
  });
});
