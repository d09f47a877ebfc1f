// Client-safe and dependency-free (a browser form imports it without pulling zod into the bundle).

/**
 * Form values handed to a procedure as they were typed (text from a field, a select's string): the
 * procedure's input schema, which in-process callers run too, judges them and names the bad field, so
 * no reader re-checks them first. The one place such values take the procedure's input type (inferred
 * from where they are passed, or named: `formInput<RouterInputs['outreach']['create']['state']>(v)`).
 */
export const formInput = <T>(values: unknown): T => values as T;
