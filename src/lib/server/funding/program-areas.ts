// The program area each funding category counts against (budgets are set per program area). The one
// copy in TypeScript; it mirrors the schema's category_program_area(), which the rollups use.
import type { FundingCategory, ProgramArea } from '../db/schema.js';

export const PROGRAM_AREA_OF: Readonly<Record<FundingCategory, ProgramArea>> = {
  forensic_hardware: 'law_enforcement', extraction_software: 'law_enforcement', detection_k9: 'law_enforcement',
  training_scholarship: 'law_enforcement', lab_equipment: 'forensic_labs', lab_facility: 'forensic_labs',
  aftercare_equipment: 'aftercare', aftercare_facility: 'aftercare', survivor_basic_needs: 'aftercare',
  outreach_program: 'education'
};

export const programAreaOf = (category: FundingCategory): ProgramArea => PROGRAM_AREA_OF[category];
