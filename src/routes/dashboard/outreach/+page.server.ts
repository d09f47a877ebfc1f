import type { PageServerLoad } from './$types';
import { loadDashboard } from '$lib/server/pages/dashboard-load.js';

export const load: PageServerLoad = async (event) => ({ view: await loadDashboard(event, 'outreach') });
