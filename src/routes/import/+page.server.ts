import type { PageServerLoad } from './$types';
import { IMPORT_FIELDS, IMPORT_KIND_LABELS, IMPORT_KINDS, PAGE_IMPORT_MAX_BYTES } from '$lib/import-fields.js';

// Who may open it: hooks.server.ts (page-access.ts: leadership, admins, coordinators).
export const load: PageServerLoad = async (event) => {
  const user = event.locals.user!;
  return {
    kinds: IMPORT_KINDS.map((kind) => ({ kind, label: IMPORT_KIND_LABELS[kind], fields: IMPORT_FIELDS[kind] })),
    maxBytes: PAGE_IMPORT_MAX_BYTES,
    // Coordinators import rows of their regions only; the page says which.
    regions: user.role === 'coordinator' ? user.states : null
  };
};
