// What an error may put in the server log. Database errors carry the SQL text and, on PGlite, the
// query's parameters (typed-in values, tokens, emails): neither is ever logged. Postgres messages
// of some classes quote the offending value too, so for database errors only the SQLSTATE and the
// names of the schema objects involved are kept.
import { isDatabaseError } from './db/refusals.js';

export interface LoggableError {
  error: string;
  sqlstate?: string;
  constraint?: string;
  table?: string;
  column?: string;
  message?: string;
  stack?: string;
}

// Classes whose messages are written by us or name only schema objects (integrity, raised in triggers;
// 42: an undefined column or relation — what an operator needs after a broken migration or schema).
const MESSAGE_SAFE_CLASSES = ['23', 'P0', 'BC', '40', '42', '53', '57', '08'];

export function loggableError(err: unknown): LoggableError {
  if (isDatabaseError(err)) {
    const e = err as Error & { code: string; constraint?: string; table?: string; column?: string };
    const out: LoggableError = { error: 'DatabaseError', sqlstate: e.code };
    if (e.constraint) out.constraint = e.constraint;
    if (e.table) out.table = e.table;
    if (e.column) out.column = e.column;
    if (MESSAGE_SAFE_CLASSES.includes(e.code.slice(0, 2))) out.message = e.message;
    return out;
  }
  if (err instanceof Error) {
    // The stack of a database error repeats its message; others (our own code) are safe to keep.
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== err && isDatabaseError(cause)) return { ...loggableError(cause), error: `${err.name} ← DatabaseError` };
    return { error: err.name, message: err.message, stack: err.stack?.split('\n').slice(1, 8).join('\n') };
  }
  return { error: typeof err };
}
