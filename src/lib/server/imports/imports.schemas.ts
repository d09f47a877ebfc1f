import { z } from 'zod';
import { IMPORT_KINDS, PAGE_IMPORT_MAX_BYTES } from '../../import-fields.js';
import { text } from '../../validation.js';

const maxKb = Math.round(PAGE_IMPORT_MAX_BYTES / 1000);

export const importInput = z
  .object({
    kind: z.enum(IMPORT_KINDS, { errorMap: () => ({ message: 'Choose what the file holds.' }) }),
    fileName: text({ min: 1, max: 200, tooShort: 'Choose a file.', tooLong: 'Rename the file: use at most 200 characters.' }),
    // Larger files go through `npm run import`, which has no limit and prints its progress.
    csv: z.string({ required_error: 'Choose a file.', invalid_type_error: 'Choose a file.' })
      .min(1, 'The file is empty.')
      .max(PAGE_IMPORT_MAX_BYTES, `The file is larger than ${maxKb} KB: import it with npm run import (see the README).`),
    mapping: z.record(z.string().max(200), z.string().max(200)).optional()
  })
  .strict();

export type ImportProcedureInput = z.infer<typeof importInput>;
