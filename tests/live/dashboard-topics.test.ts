// The four dashboard topics in the live engine: their rooms parse and are checked like the overview's,
// and each topic's `dependsOn` lists every change topic that can move its figures (a dashboard whose
// figures changed without its room being marked dirty would silently stop being live).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { targets, type TestDb } from '../helpers/db.js';
import { dashboardRoom, dashboardTopics, parseRoom, type ChangeTopic, type RoomSpec } from '../../src/lib/realtime/events.js';
import { isValidRoom, mayJoinRoom } from '../../src/lib/server/live/room-access.js';
import { dashboardSources } from '../../src/lib/server/live/dashboard-sources.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import type { SessionUser } from '../../src/lib/server/auth/session.js';

const user = (role: SessionUser['role'], divisions: string[] = []): SessionUser => ({ id: `u-${role}`, email: `${role}@example.org`, displayName: role, role, divisions, states: [] });
const spec = (room: string) => parseRoom(room) as RoomSpec;

describe('dashboard topic rooms', () => {
  it('parse for every topic, validate filters (a year or a range) and follow the same access rules', () => {
    expect(dashboardTopics).toEqual(['overview', 'funding', 'aftercare', 'outreach']);
    for (const topic of dashboardTopics) {
      const room = dashboardRoom(topic, { from: '2026-01-01', to: '2026-03-31', division: 'mountain' });
      expect(parseRoom(room)).toEqual({ kind: 'dashboard', topic, filters: { division: 'mountain', from: '2026-01-01', to: '2026-03-31' } });
      expect(isValidRoom(spec(room))).toBe(true);
      expect(isValidRoom(spec(dashboardRoom(topic, { fiscalYear: 2026, from: '2026-01-01', to: '2026-03-31' })))).toBe(false);
      expect(isValidRoom(spec(dashboardRoom(topic, { from: '2026-01-01' })))).toBe(false);
      expect(isValidRoom(spec(dashboardRoom(topic, { colour: 'red' })))).toBe(false);
      expect(mayJoinRoom(user('leadership'), spec(room))).toBe(true);
      expect(mayJoinRoom(user('coordinator', ['pacific']), spec(room))).toBe(true);
      expect(mayJoinRoom(user('board'), spec(room))).toBe(false);
    }
  });
});

const ANCHOR = new Date('2026-06-15T12:00:00Z');
const OPTIONS = { fiscalYearStartMonth: 1, now: ANCHOR };

for (const target of targets.slice(0, 1)) {
  describe(`dashboard topics depend on the change topics that move them (${target.name})`, () => {
    let h: TestDb;
    beforeAll(async () => {
      h = await target.open();
      await seedDatabase(h.db, { profile: 'demo', seed: 3, anchor: ANCHOR, fiscalYearStartMonth: 1 });
    }, 240_000);
    afterAll(() => h?.drop());

    async function readAll() {
      const out: Record<string, string> = {};
      for (const topic of dashboardTopics) {
        const { view } = await dashboardSources[topic].read(h.db, { fiscalYear: 2026 }, OPTIONS);
        const { seq: _s, asOf: _a, ...figures } = view as unknown as Record<string, unknown>;
        out[topic] = JSON.stringify(figures);
      }
      return out;
    }

    const changes: Array<[ChangeTopic, string]> = [
      ['partner', `update partner set name = name || ' (renamed)' where id in (
        (select partner_id from v_partner_funded where fiscal_year = 2026 group by partner_id order by sum(funded_requests) desc, partner_id limit 1)
        union all (select center_id from v_oldest_open_critical_needs limit 1))`],
      ['funding', `insert into funding_stage_event (request_id, from_stage, to_stage, occurred_at, amount_cents)
        select id, 'approved', 'disbursed', greatest(stage_entered_at, '2026-06-01T00:00:00Z'), approved_cents from funding_request
        where stage = 'approved' and fiscal_year = 2026 and stage_entered_at < '2026-06-10' order by id limit 1`],
      ['budget', `update budget set amount_cents = amount_cents + 123400 where id = (select id from budget where fiscal_year = 2026 order by id limit 1)`],
      ['needs', `insert into aftercare_need (center_id, title, kind, priority, estimated_cost_cents, created_at)
        select id, 'Synthetic laptop', 'equipment', 'critical', 50000, '2026-03-03T00:00:00Z' from partner where kind = 'aftercare_center' order by id limit 1`],
      ['survivors', `insert into survivor_count (center_id, month, served, new_intakes, bed_nights)
        select p.id, '2026-12-01', 40, 5, 100 from partner p where p.kind = 'aftercare_center'
          and not exists (select 1 from survivor_count s where s.center_id = p.id and s.month = '2026-12-01') order by p.id limit 1`],
      ['outreach', `insert into outreach_event (occurred_on, state, format, audience, attendees, follow_up_requests) values ('2026-04-04', 'CO', 'webinar', 'parents', 77, 2)`]
    ];

    it.each(changes)('a %s change moves only dashboards that list it', async (topic, statement) => {
      const before = await readAll();
      const result = await sql.raw(statement).execute(h.db);
      expect(Number(result.numAffectedRows ?? result.rows.length ?? 0), statement).toBeGreaterThan(0);
      const after = await readAll();
      const moved = dashboardTopics.filter((t) => before[t] !== after[t]);
      expect(moved.length, `${topic} moved nothing: the test change is not a real change`).toBeGreaterThan(0);
      for (const t of moved) expect(dashboardSources[t].dependsOn, `${t} changed after a ${topic} change`).toContain(topic);
    });
  });
}
