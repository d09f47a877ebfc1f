import type { PageServerLoad } from './$types';
import { loadDashboard } from '$lib/server/pages/dashboard-load.js';

export const load: PageServerLoad = async (event) => ({ overview: await loadDashboard(event, 'overview') });
