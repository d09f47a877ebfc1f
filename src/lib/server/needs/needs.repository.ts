// Aftercare needs, read side (the /needs list).
import type { Db } from '../db/index.js';
import type { NeedStatus } from '../db/schema.js';

export async function listNeeds(db: Db, filters: { states?: string[]; statuses: NeedStatus[]; limit: number }) {
  let query = db
    .selectFrom('aftercare_need as n')
    .innerJoin('partner as p', 'p.id', 'n.center_id')
    .select([
      'n.id', 'p.name as centerName', 'n.state', 'n.title', 'n.kind', 'n.basic_need_type as basicNeedType', 'n.quantity',
      'n.priority', 'n.status', 'n.needed_by as neededBy', 'n.estimated_cost_cents as estimatedCostCents', 'n.version',
      'n.updated_at as updatedAt'
    ])
    .where('n.status', 'in', filters.statuses);
  if (filters.states) query = query.where('n.state', 'in', filters.states);
  return query
    .orderBy((eb) => eb.case().when('n.priority', '=', 'critical').then(0).when('n.priority', '=', 'high').then(1)
      .when('n.priority', '=', 'normal').then(2).else(3).end())
    .orderBy('n.needed_by', (ob) => ob.asc().nullsLast())
    .orderBy('n.id')
    .limit(filters.limit)
    .execute();
}
