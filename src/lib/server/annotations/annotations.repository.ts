// All SQL of annotations: list a period's (removed ones left out), insert, mark removed.
import type { Db } from '../db/index.js';

const COLUMNS = ['a.id', 'a.day', 'a.note', 'a.division_code as division', 'a.state', 'a.created_by as createdBy', 'a.created_at as createdAt'] as const;

/** Annotations on days from `from` to `to` (both included), live at `at` (default: not removed). */
export function annotationsBetween(db: Db, from: string, to: string, at?: Date) {
  let q = db
    .selectFrom('annotation as a')
    .innerJoin('app_user as u', 'u.id', 'a.created_by')
    .select([...COLUMNS, 'u.display_name as createdByName'])
    .where('a.day', '>=', from)
    .where('a.day', '<=', to);
  q = at
    ? q.where('a.created_at', '<=', at).where((eb) => eb.or([eb('a.deleted_at', 'is', null), eb('a.deleted_at', '>', at)]))
    : q.where('a.deleted_at', 'is', null);
  return q.orderBy('a.day').orderBy('a.id').execute();
}

export function insertAnnotation(db: Db, row: { day: string; note: string; division: string | null; state: string | null; createdBy: string }) {
  return db
    .insertInto('annotation')
    .values({ day: row.day, note: row.note, division_code: row.division, state: row.state, created_by: row.createdBy })
    .returning(['id', 'day', 'note', 'division_code as division', 'state', 'created_by as createdBy', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

export function findForUpdate(db: Db, id: number) {
  return db
    .selectFrom('annotation')
    .select(['id', 'day', 'note', 'division_code as division', 'state', 'created_by as createdBy', 'deleted_at as deletedAt'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function markRemoved(db: Db, id: number, by: string) {
  return db.updateTable('annotation').set({ deleted_at: new Date(), deleted_by: by }).where('id', '=', id).where('deleted_at', 'is', null).execute();
}
