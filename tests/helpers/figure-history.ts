// A small, varied history for the figure oracle, written straight into the base tables (as the seed
// and an import do; triggers keep the rollups): partners in a spread of states, requests created
// over three and a half years that move through their stages with time in between — a third of the
// payments recorded WITHOUT an amount —, budgets, needs opened and closed, monthly survivor counts
// with small centers (counts from 1 to 10), outreach events and goals. Far smaller than the demo
// seed, so the oracle's file stays quick, and built to hit period edges: events near midnight UTC,
// month ends and fiscal-year boundaries.
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/index.js';
import type { Rng } from './prng.js';
import { addDays, addMonths } from './figure-oracle.js';

const STATES = ['CA', 'WA', 'OR', 'HI', 'AK', 'CO', 'UT', 'AZ', 'NM', 'TX', 'OK', 'NY', 'PA', 'FL', 'GA', 'IL', 'OH', 'MN', 'MA', 'ON', 'QC', 'BC', 'AB'];
const CATEGORIES = ['forensic_hardware', 'extraction_software', 'detection_k9', 'training_scholarship', 'lab_equipment', 'lab_facility',
  'aftercare_equipment', 'aftercare_facility', 'survivor_basic_needs', 'outreach_program'];
const KINDS_FOR: Record<string, string[]> = {
  forensic_hardware: ['law_enforcement_agency', 'icac_task_force', 'icac_affiliate'], extraction_software: ['icac_task_force', 'icac_affiliate'],
  detection_k9: ['law_enforcement_agency', 'icac_task_force'], training_scholarship: ['law_enforcement_agency', 'icac_affiliate'],
  lab_equipment: ['forensic_lab'], lab_facility: ['forensic_lab'], aftercare_equipment: ['aftercare_center'],
  aftercare_facility: ['aftercare_center'], survivor_basic_needs: ['aftercare_center'], outreach_program: ['education_partner']
};
const PROGRAM_AREAS = ['law_enforcement', 'forensic_labs', 'aftercare', 'education'];
/** The in-kind item each category pays for (its units are the request's units). */
const ITEM_OF: Record<string, string> = {
  detection_k9: 'detection_k9', forensic_hardware: 'forensic_device', extraction_software: 'extraction_license',
  training_scholarship: 'training_seat', lab_equipment: 'lab_equipment'
};
const ITEMS = Object.values(ITEM_OF);
const DAY = 86_400_000;

/** A moment on `day`, often near midnight UTC (where time zones disagree about the day). */
function momentOn(rng: Rng, day: string): number {
  const base = Date.parse(`${day}T00:00:00Z`);
  const second = rng.chance(0.35) ? rng.pick([rng.int(0, 11 * 3600), rng.int(20 * 3600, 86_399)]) : rng.int(0, 86_399);
  return base + second * 1000;
}

/** Returns the requests whose payment was recorded without an amount. */
export async function writeHistory(db: Db, rng: Rng, today: string): Promise<Set<number>> {
  const first = addMonths(`${today.slice(0, 7)}-01`, -42);
  const span = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY);
  const pastDay = () => addDays(first, rng.int(0, span - 1));
  const iso = (ms: number) => new Date(ms).toISOString();
  const nowMs = Date.parse(`${today}T00:00:00Z`) - 1000;

  // Partners: every kind, mostly vetted, some in small places.
  const kinds = ['law_enforcement_agency', 'icac_task_force', 'icac_affiliate', 'forensic_lab', 'aftercare_center', 'education_partner'];
  const partnerRows = Array.from({ length: 140 }, (_, i) => {
    const kind = i < 50 ? 'aftercare_center' : kinds[i % kinds.length];
    const vetted = rng.chance(0.9);
    return {
      name: `Oracle partner ${String(i + 1).padStart(3, '0')} (${kind.replace(/_/g, ' ')})`, kind, state: rng.pick(STATES),
      vetting_status: vetted ? 'vetted' : 'pending', vetted_at: vetted ? iso(Date.parse(`${first}T00:00:00Z`) - DAY) : null,
      created_at: iso(Date.parse(`${first}T00:00:00Z`) - 2 * DAY)
    };
  });
  const partners = await db.insertInto('partner').values(partnerRows as never).returning(['id', 'kind', 'vetting_status']).execute();
  const byKind = (k: string) => partners.filter((p) => p.kind === k);

  // Budgets: every area for the fiscal years around the history (some years split by donor restriction).
  const y = Number(today.slice(0, 4));
  const budgets = [];
  for (let fy = y - 4; fy <= y + 1; fy++) {
    for (const area of PROGRAM_AREAS) {
      budgets.push({ fiscal_year: fy, program_area: area, donor_restriction: null, amount_cents: rng.int(50, 400) * 1_000_000 });
      if (rng.chance(0.3)) budgets.push({ fiscal_year: fy, program_area: area, donor_restriction: 'Synthetic Foundation', amount_cents: rng.int(5, 50) * 1_000_000 });
    }
  }
  await db.insertInto('budget').values(budgets as never).execute();

  // Requests and their stage histories.
  type Move = { from: string; to: string; at: number; amount: number | null };
  const requests: Array<{ id?: number; created: number; moves: Move[] }> = [];
  const requestRows = [];
  for (let i = 0; i < 1000; i++) {
    const category = rng.pick(CATEGORIES);
    const pool = KINDS_FOR[category].flatMap(byKind);
    const partner = rng.pick(pool);
    const created = momentOn(rng, pastDay());
    const requested = rng.int(5, 400) * 10_000 + rng.int(0, 99);
    const moves: Move[] = [];
    let at = created;
    let stage = 'intake';
    let approved = 0;
    const vetted = partner.vetting_status === 'vetted';
    for (;;) {
      at += rng.int(1, 40) * DAY + rng.int(0, DAY / 1000) * 1000;
      if (at > nowMs) break;
      let to: string;
      if (stage === 'intake') to = rng.weighted({ vetting: 12, declined: 1, withdrawn: 1 });
      else if (stage === 'vetting') to = vetted ? rng.weighted({ approved: 10, declined: 2, withdrawn: 1 }) : 'declined';
      else if (stage === 'approved') to = rng.weighted({ disbursed: 12, withdrawn: 1 });
      else if (stage === 'disbursed') to = 'reported';
      else break;
      let amount: number | null = null;
      if (to === 'approved') amount = approved = Math.round(requested * (0.6 + rng.next() * 0.4));
      // A third of the payments carry no amount: they pay the approved amount.
      if (to === 'disbursed' && rng.chance(0.66)) amount = rng.chance(0.7) ? approved : Math.round(approved * (0.8 + rng.next() * 0.2));
      moves.push({ from: stage, to, at, amount });
      stage = to;
      if (rng.chance(0.2)) break;
    }
    requests.push({ created, moves });
    const units = category in ITEM_OF ? rng.int(1, 12) : null;
    const fy = Number(iso(created).slice(0, 4));
    requestRows.push({ partner_id: partner.id, title: `Oracle request ${i + 1}`, category, fiscal_year: fy, requested_cents: requested, units, created_at: iso(created) });
  }
  const ids = await db.insertInto('funding_request').values(requestRows as never).returning('id').execute();
  ids.forEach((r, i) => (requests[i].id = Number(r.id)));
  for (let k = 0; ; k++) {
    const rows = requests.filter((r) => r.moves[k]).map((r) => ({
      request_id: r.id!, from_stage: r.moves[k].from, to_stage: r.moves[k].to, amount_cents: r.moves[k].amount, occurred_at: iso(r.moves[k].at),
      reason: r.moves[k].to === 'declined' || r.moves[k].to === 'withdrawn' ? 'Synthetic: outside the program area' : null
    }));
    if (!rows.length) break;
    await db.insertInto('funding_stage_event').values(rows as never).execute();
  }

  // Needs: opened over the history; some closed later (fulfilled or cancelled).
  const centers = byKind('aftercare_center');
  const needRows = Array.from({ length: 350 }, (_, i) => {
    const created = momentOn(rng, pastDay());
    const status = rng.weighted({ open: 4, in_progress: 2, pledged: 1, fulfilled: 4, cancelled: 2 });
    const closed = ['fulfilled', 'cancelled'].includes(status) ? Math.min(nowMs, created + rng.int(0, 120) * DAY + rng.int(0, 86_399) * 1000) : null;
    const kind = rng.pick(['equipment', 'building', 'basic_needs']);
    const center = rng.pick(centers).id;
    const quantity = rng.int(1, 10);
    return {
      center_id: center, title: `Oracle history need ${i + 1}`, kind, basic_need_type: kind === 'basic_needs' ? 'food' : null,
      // A fulfilled need has all its units fulfilled (docs/figures.md).
      quantity, fulfilled_quantity: status === 'fulfilled' ? quantity : 0, estimated_cost_cents: rng.int(0, 2_000_000), priority: rng.weighted({ critical: 2, high: 3, normal: 4, low: 1 }),
      status, created_at: iso(created), updated_at: iso(closed ?? created), closed_at: closed === null ? null : iso(closed)
    };
  });
  await db.insertInto('aftercare_need').values(needRows as never).execute();

  // Survivor counts: monthly per center; a third of the centers are small (counts from 1 to 10).
  const counts = [];
  for (const [i, c] of centers.slice(0, 30).entries()) {
    const small = i % 3 === 0;
    for (let m = addMonths(first, rng.int(0, 6)); m < `${today.slice(0, 7)}-01`; m = addMonths(m, 1)) {
      if (rng.chance(0.1)) continue;
      const served = small ? rng.int(0, 10) : rng.int(8, 60);
      counts.push({ center_id: c.id, month: m, served, new_intakes: Math.min(served, rng.int(0, small ? 4 : 15)), bed_nights: served * rng.int(0, 25), reported_at: iso(Date.parse(`${addMonths(m, 1)}T12:00:00Z`)) });
    }
  }
  await db.insertInto('survivor_count').values(counts as never).execute();

  // Outreach events and goals (each division, quarters of the history).
  const formats = ['school_assembly', 'parent_workshop', 'professional_training', 'law_enforcement_training', 'community_event', 'webinar', 'conference', 'media'];
  const audiences = ['students', 'parents', 'educators', 'professionals', 'law_enforcement', 'faith_community', 'general_public'];
  const outreach = Array.from({ length: 900 }, () => ({
    occurred_on: pastDay(), state: rng.pick(STATES), format: rng.pick(formats), audience: rng.pick(audiences), title: null,
    attendees: rng.int(0, 400), partner_professionals: rng.int(0, 6), follow_up_requests: rng.int(0, 15)
  }));
  for (let i = 0; i < outreach.length; i += 400) await db.insertInto('outreach_event').values(outreach.slice(i, i + 400) as never).execute();
  const { rows: divisions } = await sql<{ code: string }>`select code from division order by code`.execute(db);
  const goals = [];
  for (const d of divisions) {
    for (let m = first; m <= `${today.slice(0, 7)}-01`; m = addMonths(m, 3)) {
      goals.push({ division_code: d.code, period_start: m, period_end: addMonths(m, rng.pick([3, 6])), people_goal: rng.int(500, 20_000), events_goal: rng.int(5, 60) });
    }
  }
  await db.insertInto('outreach_goal').values(goals as never).execute();

  // In-kind lines, as the intake form writes them: 40% of the requests of a category that pays for an
  // item carry lines of that item adding up to the request's units (one or two lines), now and then a
  // line of another item too (a handler's training seat on a K9 request); 60% of the lines are
  // confirmed delivered on a day after the request came in (some long after its payment).
  const lines = [];
  for (const [i, r] of requestRows.entries()) {
    const item = ITEM_OF[r.category];
    if (!item || r.units === null || !rng.chance(0.4)) continue;
    const split = r.units > 1 && rng.chance(0.4) ? rng.int(1, r.units - 1) : r.units;
    const parts = split === r.units ? [[item, r.units]] : [[item, split], [item, r.units - split]];
    if (rng.chance(0.15)) parts.push([rng.pick(ITEMS.filter((x) => x !== item)), rng.int(1, 4)]);
    for (const [lineItem, units] of parts) {
      const delivered = rng.chance(0.6) ? addDays(r.created_at.slice(0, 10), rng.int(0, 500)) : null;
      const on = delivered && delivered < today ? delivered : null;
      lines.push({ request_id: requests[i].id!, item: lineItem, units, unit_cost_cents: rng.int(100, 900_000),
        delivered_on: on, delivery_note: on ? 'Synthetic: received by the grantee' : null });
    }
  }
  for (let i = 0; i < lines.length; i += 400) await db.insertInto('funding_in_kind_line').values(lines.slice(i, i + 400) as never).execute();
  return new Set(requests.filter((r) => r.moves.some((m) => m.to === 'disbursed' && m.amount === null)).map((r) => r.id!));
}
