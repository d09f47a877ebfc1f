import type { PageServerLoad } from './$types';
import { loadAnnotations, loadDashboard } from '$lib/server/pages/dashboard-load.js';

export const load: PageServerLoad = async (event) => {
  const overview = await loadDashboard(event, 'overview');
  return { overview, annotations: await loadAnnotations(event, overview) };
};
