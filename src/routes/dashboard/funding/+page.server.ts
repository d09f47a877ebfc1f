import type { PageServerLoad } from './$types';
import { loadDashboard } from '$lib/server/dashboards/dashboard.page.js';

export const load: PageServerLoad = async (event) => ({ view: await loadDashboard(event, 'funding') });
