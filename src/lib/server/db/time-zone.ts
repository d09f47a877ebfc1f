// The organisation's time zone lives in the database too (beacon_setting), because the triggers that
// bucket events by day and month run there. The app writes BEACON_TIME_ZONE at start; a change
// rebuilds every month-bucketed rollup in the same transaction (beacon_set_time_zone).
import { sql } from 'kysely';
import type { Db } from './index.js';

/** Stores the zone; true when it changed (and the rollups were rebuilt). */
export async function applyTimeZone(db: Db, timeZone: string): Promise<boolean> {
  const { rows } = await sql<{ changed: boolean }>`select beacon_set_time_zone(${timeZone}) as changed`.execute(db);
  if (rows[0]?.changed) console.info(`[beacon] organisation time zone set to ${timeZone}: month rollups rebuilt`);
  return Boolean(rows[0]?.changed);
}

export async function storedTimeZone(db: Db): Promise<string> {
  const { rows } = await sql<{ tz: string }>`select beacon_tz() as tz`.execute(db);
  return rows[0].tz;
}
