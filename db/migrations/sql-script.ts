// Part of the frozen migrations (not app code). PGlite runs prepared statements one command at a
// time, so a migration script is split into statements, respecting quotes, dollar quotes and comments.
import { sql, type Kysely } from 'kysely';

export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    if (ch === "'") {
      i = script.indexOf("'", i + 1);
      while (i !== -1 && script[i + 1] === "'") i = script.indexOf("'", i + 2);
      if (i === -1) throw new Error('unterminated string literal in migration script');
      i++;
    } else if (ch === '-' && script[i + 1] === '-') {
      const nl = script.indexOf('\n', i);
      i = nl === -1 ? script.length : nl + 1;
    } else if (ch === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(script.slice(i));
      if (!m) {
        i++;
        continue;
      }
      const end = script.indexOf(m[0], i + m[0].length);
      if (end === -1) throw new Error(`unterminated ${m[0]} quote in migration script`);
      i = end + m[0].length;
    } else if (ch === ';') {
      const stmt = script.slice(start, i).trim();
      if (stmt) out.push(stmt);
      start = ++i;
    } else {
      i++;
    }
  }
  const tail = script.slice(start).trim();
  if (tail && !/^(--[^\n]*\n?\s*)*$/.test(tail)) out.push(tail);
  return out;
}

export async function runScript(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await sql.raw(statement).execute(db);
}
