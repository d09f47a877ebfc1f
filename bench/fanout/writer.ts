// The writer: commits writes to Postgres at a steady rate, as people saving would, and notes when
// each committed (the start of every latency the bench measures).
import pg from 'pg';
import { now } from './histogram.js';

/** Commits `rate` writes per second for `seconds`; returns [seq, commit time] per write. */
export async function writeAt(pool: pg.Pool, ids: number[], rate: number, seconds: number): Promise<Array<[number, number]>> {
  const total = Math.round(rate * seconds);
  const commits: Array<[number, number]> = [];
  const started = now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = ids[i % ids.length];
    inFlight.push(
      (async () => {
        // One round trip (simple protocol, several statements, one transaction), so the writer and
        // Postgres spend as little of the shared CPU as a write can; `id` is an integer from the database.
        const c = await pool.connect();
        try {
          const results = (await c.query(
            `begin; update aftercare_need set estimated_cost_cents = estimated_cost_cents + 1 where id = ${Number(id)}; ` +
              `select currval(pg_get_serial_sequence('change_log', 'seq'))::int as seq; commit`
          )) as unknown as pg.QueryResult<{ seq: number }>[];
          const rows = results[2].rows;
          commits.push([rows[0].seq, now()]);
        } finally {
          c.release();
        }
      })()
    );
  }
  await Promise.all(inFlight);
  return commits.sort((a, b) => a[0] - b[0]);
}
