import type { Db } from '../db/index.js';
import type { FundingStage } from '../db/schema.js';

export async function listRequests(db: Db, states: string[], limit: number) {
  return db
    .selectFrom('funding_request as f')
    .innerJoin('partner as p', 'p.id', 'f.partner_id')
    .select([
      'f.id', 'f.title', 'f.state', 'f.category', 'f.stage', 'f.requested_cents as requestedCents', 'f.approved_cents as approvedCents',
      'f.disbursed_cents as disbursedCents', 'f.stage_entered_at as stageEnteredAt', 'f.version', 'p.id as partnerId',
      'p.name as partnerName', 'p.vetting_status as partnerVetting'
    ])
    .where('f.state', 'in', states)
    .orderBy('f.stage_entered_at', 'desc')
    .limit(limit)
    .execute();
}

export async function findRequest(db: Db, id: number) {
  return db.selectFrom('funding_request').select(['id', 'state', 'stage', 'approved_cents', 'disbursed_cents', 'version']).where('id', '=', id).executeTakeFirst();
}

export async function insertStageEvent(db: Db, e: { requestId: number; from: FundingStage; to: FundingStage; amountCents: number | null; actorId: string }) {
  await db
    .insertInto('funding_stage_event')
    .values({ request_id: e.requestId, from_stage: e.from, to_stage: e.to, amount_cents: e.amountCents, actor_id: e.actorId })
    .execute();
}
