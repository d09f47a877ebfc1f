// Database errors that slip past the input rules: a 400 naming the field (when the input shows which
// value it was), and a log line with the SQLSTATE only — never the SQL, never a parameter's value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { loggableError } from '../../src/lib/server/error-log.js';
import { dataExceptionRefusal } from '../../src/lib/server/db/refusals.js';
import { DomainError } from '../../src/lib/server/errors.js';

const SECRET = 'secret-4f9d2a';

for (const target of targets) {
  describe(`database data exceptions on ${target.name}`, () => {
    let h: TestDb;
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(() => h?.drop());

    async function failure(run: () => Promise<unknown>): Promise<unknown> {
      return run().then(() => expect.unreachable('the database accepted it'), (e: unknown) => e);
    }

    const cases: Array<[string, string, (db: TestDb['db']) => Promise<unknown>, Record<string, unknown>, string]> = [
      ['NUL in text', '22021', (db) => sql`select ${`${SECRET}\u0000`}::text as t`.execute(db), { title: `${SECRET}\u0000` }, 'title'],
      ['an impossible date', '22008', (db) => sql`select ${'2026-02-30'}::date as d`.execute(db), { neededBy: '2026-02-30' }, 'neededBy'],
      ['a number out of range', '22003', (db) => sql`select ${String(2 ** 53 + 1)}::int as n`.execute(db), { version: 2 ** 53 + 1 }, 'version'],
      ['text that is not a number', '22P02', (db) => sql`select ${SECRET}::int as n`.execute(db), { id: SECRET }, '']
    ];

    it.each(cases)('%s: a 400 naming the field, and a log line without SQL or values', async (_name, sqlstate, run, input, field) => {
      const err = await failure(() => run(h.db));
      expect((err as { code?: string }).code).toMatch(sqlstate === '22008' ? /^220(07|08)$/ : new RegExp(`^${sqlstate}$`));
      const refusal = dataExceptionRefusal(err, input);
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal!.code).toBe('BAD_REQUEST');
      if (field) expect(Object.keys((refusal!.details?.fieldErrors ?? {}) as object)).toEqual([field]);
      const line = JSON.stringify(loggableError(err));
      expect(line).toContain((err as { code: string }).code);
      expect(line).not.toContain(SECRET);
      expect(line).not.toMatch(/select|::|2026-02-30|9007199254740993/i);
      // Wrapped (as tRPC wraps it), the same.
      const wrapped = JSON.stringify(loggableError(Object.assign(new Error('wrapper'), { cause: err })));
      expect(wrapped).not.toContain(SECRET);
      expect(wrapped).not.toMatch(/select/i);
    });

    it('an undefined column: the log names it (what an operator needs), still without SQL', async () => {
      const err = await failure(() => sql`select no_such_column from aftercare_need where id = ${SECRET}`.execute(h.db));
      const line = JSON.stringify(loggableError(err));
      expect(line).toContain('42703');
      expect(line).toContain('no_such_column');
      expect(line).not.toContain(SECRET);
      expect(line).not.toMatch(/select|where/i);
    });
  });
}
