import type { PageServerLoad } from './$types';
import { loadAnnotations, loadDashboard } from '$lib/server/pages/dashboard-load.js';

export const load: PageServerLoad = async (event) => {
  const view = await loadDashboard(event, 'aftercare');
  return { view, annotations: await loadAnnotations(event, view) };
};
