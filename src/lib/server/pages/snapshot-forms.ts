// Form posts from the /snapshots pages → procedure inputs. Values are passed through as typed as the
// form allows, so the procedure's schema (not this file) judges them and names the bad field.
import { field, integerField as integer } from './form-fields.js';

const text = (form: FormData, name: string) => field(form, name).trim();
const optional = (form: FormData, name: string) => text(form, name) || undefined;

export function filtersFromForm(form: FormData) {
  const filters: Record<string, string> = {};
  for (const key of ['division', 'state', 'category']) {
    const value = optional(form, key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function periodFromForm(form: FormData) {
  const kind = text(form, 'periodKind');
  if (kind === 'fiscal_quarter') return { kind, fiscalYear: integer(form, 'fiscalYear'), quarter: integer(form, 'quarter') };
  if (kind === 'dates') return { kind, from: text(form, 'from'), to: text(form, 'to') };
  return { kind, fiscalYear: integer(form, 'fiscalYear') };
}

export function createInputFromForm(form: FormData) {
  return { title: text(form, 'title'), notes: text(form, 'notes'), period: periodFromForm(form), filters: filtersFromForm(form) };
}

export function scheduleInputFromForm(form: FormData) {
  const raw = text(form, 'nextRunAt');
  // datetime-local has no zone; the form says the time is UTC.
  const nextRunAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(raw) ? `${raw}:00Z` : raw;
  const subscribers = text(form, 'subscribers').split(/[\s,;]+/).filter(Boolean);
  return { title: text(form, 'title'), frequency: text(form, 'frequency'), nextRunAt, filters: filtersFromForm(form), subscribers };
}

export const idFromForm = (form: FormData, name = 'id') => integer(form, name);
