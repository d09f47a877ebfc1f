// Reading a posted form in a page action: values as typed (the procedure's schema judges them and names
// the bad field), so a reader only says what is there. Passwords are never trimmed.

/** A text field as typed; '' when the form has no such field (or sent a file). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** A text field as typed, or undefined when the form did not send it (an update that leaves it as it is). */
export function sentField(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeated field (checkboxes), as typed. */
export function fieldList(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === 'string');
}

/** A whole number as a number; anything else typed stays text for the schema to refuse; empty is undefined. */
export function integerField(form: FormData, name: string): number | string | undefined {
  const raw = field(form, name).trim();
  return /^-?\d+$/.test(raw) ? Number(raw) : raw || undefined;
}
