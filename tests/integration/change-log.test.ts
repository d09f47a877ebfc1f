// The database announces every change itself: a write appends change_log rows in the writing
// transaction (a rollback leaves none) and pg_notify's channel 'beacon_change' carries them once the
// transaction commits; seq only ever grows, in commit order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { targets, type TestDb } from '../helpers/db.js';
import type { Db } from '../../src/lib/server/db/index.js';

interface Notice {
  seq: number;
  at?: number;
  fromSeq?: number;
  topic: string;
  entity: string;
  id?: number;
  op?: string;
  state?: string | null;
  count?: number;
}

interface LogRow {
  seq: number;
  topic: string;
  entity: string;
  entity_id: number;
  op: string;
  state: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function logSince(db: Db, seq: number): Promise<LogRow[]> {
  return db.selectFrom('change_log').select(['seq', 'topic', 'entity', 'entity_id', 'op', 'state'])
    .where('seq', '>', seq).orderBy('seq').execute() as Promise<LogRow[]>;
}

async function maxSeq(db: Db): Promise<number> {
  const r = await db.selectFrom('change_log').select((eb) => eb.fn.coalesce(eb.fn.max('seq'), eb.lit(0)).as('m')).executeTakeFirstOrThrow();
  return Number(r.m);
}

const rollback = new Error('roll back on purpose');
async function inRolledBackTransaction(db: Db, work: (trx: Db) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await work(trx as unknown as Db);
    throw rollback;
  }).catch((e) => {
    if (e !== rollback) throw e;
  });
}

for (const target of targets) {
  describe(`change_log and NOTIFY on ${target.name}`, () => {
    let h: TestDb;
    let db: Db;
    const notices: Notice[] = [];
    let stopListening: () => Promise<void>;
    let partnerId: number;

    /** Waits for the notice of a committed sentinel write; every earlier notice has arrived by then. */
    async function flushNotices(): Promise<number> {
      const g = await db.insertInto('outreach_goal')
        .values({ division_code: 'pacific', period_start: '2031-01-01', period_end: `${2032 + notices.length}-01-01`, people_goal: 1 })
        .returning('id').executeTakeFirstOrThrow();
      const n = await until('the sentinel notice', () => notices.find((x) => x.entity === 'outreach_goal' && x.id === g.id && x.op === 'I'));
      await db.deleteFrom('outreach_goal').where('id', '=', g.id).execute();
      await until('the sentinel delete notice', () => notices.find((x) => x.entity === 'outreach_goal' && x.id === g.id && x.op === 'D'));
      return n.seq;
    }

    beforeAll(async () => {
      h = await target.open();
      db = h.db;
      if (h.pglite) {
        const unsub = await h.pglite.listen('beacon_change', (payload) => notices.push(JSON.parse(payload)));
        stopListening = unsub;
      } else {
        const client = new pg.Client({ connectionString: h.url });
        await client.connect();
        client.on('notification', (m) => {
          if (m.channel === 'beacon_change' && m.payload) notices.push(JSON.parse(m.payload));
        });
        await client.query('listen beacon_change');
        stopListening = () => client.end();
      }
      const p = await db.insertInto('partner').values({ name: 'Synthetic Summit Aftercare', kind: 'aftercare_center', vetting_status: 'vetted', state: 'CO' })
        .returning('id').executeTakeFirstOrThrow();
      partnerId = p.id;
    });
    afterAll(async () => {
      await stopListening?.();
      await h?.drop();
    });

    it('an insert, update and delete each append a row and notify its payload', async () => {
      const start = await maxSeq(db);
      // The notice carries when the statement wrote (database clock = this machine's clock here).
      const before = Date.now() - 1_000;
      const p = await db.insertInto('partner').values({ name: 'Synthetic Delta Agency', kind: 'law_enforcement_agency', state: 'AK' })
        .returning('id').executeTakeFirstOrThrow();
      await db.updateTable('partner').set({ state: 'HI' }).where('id', '=', p.id).execute();
      await db.deleteFrom('partner').where('id', '=', p.id).execute();
      const log = await logSince(db, start);
      expect(log.map(({ seq: _s, ...r }) => r)).toEqual([
        { topic: 'partner', entity: 'partner', entity_id: p.id, op: 'I', state: 'AK' },
        { topic: 'partner', entity: 'partner', entity_id: p.id, op: 'U', state: 'HI' },
        { topic: 'partner', entity: 'partner', entity_id: p.id, op: 'D', state: 'HI' }
      ]);
      for (const row of log) {
        const n = await until(`the notice for seq ${row.seq}`, () => notices.find((x) => x.seq === row.seq));
        expect(n).toEqual({ seq: row.seq, topic: row.topic, entity: row.entity, id: row.entity_id, op: row.op, state: row.state, at: expect.any(Number) });
        expect(n.at!).toBeGreaterThanOrEqual(before);
        expect(n.at!).toBeLessThanOrEqual(Date.now() + 1_000);
      }
    });

    it('logs every domain table under its topic (and a stage move as a funding update)', async () => {
      const start = await maxSeq(db);
      const fr = await db.insertInto('funding_request').values({
        partner_id: partnerId, title: 'Synthetic beds', category: 'aftercare_equipment', fiscal_year: 2026, requested_cents: 10_000,
        created_at: new Date('2026-01-01T00:00:00Z')
      }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('funding_stage_event').values({ request_id: fr.id, from_stage: 'intake', to_stage: 'vetting', occurred_at: new Date('2026-01-02T00:00:00Z') }).execute();
      const b = await db.insertInto('budget').values({ fiscal_year: 2026, program_area: 'aftercare', amount_cents: 1 }).returning('id').executeTakeFirstOrThrow();
      const n = await db.insertInto('aftercare_need').values({ center_id: partnerId, title: 'Synthetic fridge', kind: 'equipment' }).returning('id').executeTakeFirstOrThrow();
      const s = await db.insertInto('survivor_count').values({ center_id: partnerId, month: '2026-01-01', served: 20, new_intakes: 3, bed_nights: 400 }).returning('id').executeTakeFirstOrThrow();
      const o = await db.insertInto('outreach_event').values({ occurred_on: '2026-02-03', state: 'UT', format: 'webinar', audience: 'parents', attendees: 30 }).returning('id').executeTakeFirstOrThrow();
      const g = await db.insertInto('outreach_goal').values({ division_code: 'mountain', period_start: '2026-01-01', period_end: '2026-07-01', people_goal: 100 }).returning('id').executeTakeFirstOrThrow();
      const log = await logSince(db, start);
      expect(log.map(({ seq: _s, ...r }) => r)).toEqual([
        { topic: 'funding', entity: 'funding_request', entity_id: fr.id, op: 'I', state: 'CO' },
        { topic: 'funding', entity: 'funding_request', entity_id: fr.id, op: 'U', state: 'CO' },
        { topic: 'budget', entity: 'budget', entity_id: b.id, op: 'I', state: null },
        { topic: 'needs', entity: 'aftercare_need', entity_id: n.id, op: 'I', state: 'CO' },
        { topic: 'survivors', entity: 'survivor_count', entity_id: s.id, op: 'I', state: 'CO' },
        { topic: 'outreach', entity: 'outreach_event', entity_id: o.id, op: 'I', state: 'UT' },
        { topic: 'outreach', entity: 'outreach_goal', entity_id: g.id, op: 'I', state: null }
      ]);
    });

    it('appends inside the writing transaction, and a rollback leaves no row and sends no notice', async () => {
      const start = await maxSeq(db);
      const seenBefore = notices.length;
      let insideTx: LogRow[] = [];
      let goneId = 0;
      await inRolledBackTransaction(db, async (trx) => {
        const p = await trx.insertInto('partner').values({ name: 'Synthetic Ghost Lab', kind: 'forensic_lab', state: 'NV' })
          .returning('id').executeTakeFirstOrThrow();
        goneId = p.id;
        await trx.updateTable('partner').set({ name: 'Synthetic Ghost Lab 2' }).where('id', '=', p.id).execute();
        insideTx = await logSince(trx, start);
      });
      // Inside the transaction the rows were there (same transaction as the write)...
      expect(insideTx.map((r) => [r.entity, r.entity_id, r.op])).toEqual([['partner', goneId, 'I'], ['partner', goneId, 'U']]);
      // ...and the rollback took them away.
      expect(await logSince(db, start)).toEqual([]);
      const sentinel = await flushNotices();
      // Notices of writes committed before this test (seq ≤ start) may still be on their way; a
      // rolled-back write would have taken a later seq (sequences do not roll back).
      const arrived = notices.slice(seenBefore).filter((x) => x.seq > start && x.seq < sentinel);
      expect(arrived, 'a rolled-back write was announced').toEqual([]);
      expect(notices.some((x) => x.id === goneId && x.entity === 'partner')).toBe(false);
    });

    it('a committed transaction logs all its writes, announced only after commit', async () => {
      const start = await maxSeq(db);
      let noticesDuringTx = -1;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('budget').values({ fiscal_year: 2027, program_area: 'education', amount_cents: 500 }).execute();
        await trx.insertInto('budget').values({ fiscal_year: 2027, program_area: 'forensic_labs', amount_cents: 700 }).execute();
        await sleep(100);
        noticesDuringTx = notices.filter((x) => x.seq > start).length;
      });
      expect(noticesDuringTx, 'NOTIFY was delivered before the commit').toBe(0);
      const log = await logSince(db, start);
      expect(log.map((r) => [r.topic, r.op])).toEqual([['budget', 'I'], ['budget', 'I']]);
      for (const row of log) await until(`notice ${row.seq}`, () => notices.find((x) => x.seq === row.seq));
    });

    it('a bulk write logs one row per entity (ordered by id) and announces the range once', async () => {
      const start = await maxSeq(db);
      const seenBefore = notices.length;
      const values = Array.from({ length: 25 }, (_, i) => ({
        occurred_on: `2026-03-${String(1 + i).padStart(2, '0')}`, state: 'ID', format: 'school_assembly' as const, audience: 'students' as const, attendees: 10 + i
      }));
      const inserted = await db.insertInto('outreach_event').values(values).returning('id').execute();
      const log = await logSince(db, start);
      expect(log).toHaveLength(25);
      expect(log.map((r) => r.entity_id)).toEqual(inserted.map((r) => r.id).sort((a, b) => a - b));
      expect(log.every((r) => r.topic === 'outreach' && r.op === 'I' && r.state === 'ID')).toBe(true);
      const range = await until('the range notice', () => notices.find((x) => x.fromSeq !== undefined && x.seq === log[24].seq));
      expect(range).toEqual({ fromSeq: log[0].seq, seq: log[24].seq, topic: 'outreach', entity: 'outreach_event', count: 25, at: expect.any(Number) });
      await flushNotices();
      expect(notices.slice(seenBefore).filter((x) => x.entity === 'outreach_event'), 'one notice for the bulk write').toHaveLength(1);
      // A small multi-row write (≤ 20 rows) announces each row.
      const start2 = await maxSeq(db);
      await db.updateTable('outreach_event').set({ attendees: 99 }).where('id', 'in', inserted.slice(0, 3).map((r) => r.id)).execute();
      const log2 = await logSince(db, start2);
      expect(log2.map((r) => r.op)).toEqual(['U', 'U', 'U']);
      for (const row of log2) await until(`notice ${row.seq}`, () => notices.find((x) => x.seq === row.seq && x.op === 'U'));
    });

    it('seq is strictly increasing, and every notice carries a seq that is in the log', async () => {
      const { rows } = await sql<{ seq: number }>`select seq from change_log order by seq`.execute(db);
      const seqs = rows.map((r) => r.seq);
      expect(seqs.length).toBeGreaterThan(30);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
      const inLog = new Set(seqs);
      for (const n of notices) expect(inLog.has(n.seq), `notice seq ${n.seq}`).toBe(true);
      // Notices arrive in seq order.
      for (let i = 1; i < notices.length; i++) expect(notices[i].seq).toBeGreaterThan(notices[i - 1].seq);
    });

    if (target.name === 'postgres') {
      it('a concurrent writer waits for the first to commit, so seq order is commit order', async () => {
        const start = await maxSeq(db);
        let secondDone = false;
        let second: Promise<void> | undefined;
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('budget').values({ fiscal_year: 2028, program_area: 'aftercare', amount_cents: 1 }).execute();
          second = db.insertInto('budget').values({ fiscal_year: 2028, program_area: 'education', amount_cents: 2 }).execute()
            .then(() => { secondDone = true; });
          await sleep(300);
          expect(secondDone, 'the second writer did not wait for the first to commit').toBe(false);
          // The first transaction writes again after the second one started: still before it in the log.
          await trx.insertInto('budget').values({ fiscal_year: 2028, program_area: 'law_enforcement', amount_cents: 3 }).execute();
        });
        await second;
        const log = await logSince(db, start);
        const amounts = await db.selectFrom('budget').select(['id', 'amount_cents']).where('fiscal_year', '=', 2028).execute();
        const amountOf = new Map(amounts.map((b) => [b.id, b.amount_cents]));
        expect(log.map((r) => amountOf.get(r.entity_id))).toEqual([1, 3, 2]);
      });
    }
  });
}
