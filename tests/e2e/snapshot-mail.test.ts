// Scheduled snapshots mailed to their subscribers, through a real SMTP server started here: one mail
// per subscriber with the PDF attached and a link, once per run; after downtime the back-filled runs
// send only the latest (no flood). The real production server, its scheduler and its Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import os from 'node:os';
import { startServer, type RunningServer } from '../helpers/server.js';
import { migrateToLatest } from '../../src/lib/server/db/migrate.js';
import { seedDatabase } from '../../src/lib/server/seed/seed.service.js';
import { demoUsers, signInCookie } from '../helpers/auth.js';
import { hasBrowser } from '../helpers/browser.js';
import { createDb } from '../../src/lib/server/db/index.js';

const received: ParsedMail[] = [];
let smtp: SMTPServer;
let smtpUrl = '';
let server: RunningServer;
let cookie = '';
const subscribers = [demoUsers.board, demoUsers.leadership];

const env = (intervalMs: number) => ({ env: { BEACON_SNAPSHOT_SCHEDULER_INTERVAL_MS: String(intervalMs), BEACON_SMTP_URL: smtpUrl } });

async function trpc<T>(path: string, input: unknown, mutation = false): Promise<T> {
  const url = `${server.url}/trpc/${path}` + (mutation || input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`);
  const res = await fetch(url, {
    method: mutation ? 'POST' : 'GET',
    headers: { cookie, origin: server.url, 'content-type': 'application/json' },
    body: mutation ? JSON.stringify(input) : undefined
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

async function until<T>(what: string, read: () => Promise<T | null> | T | null, ms = 90_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await read();
    if (v !== null) return v;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}:\n${server.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const madeBy = async (scheduleId: number) =>
  (await trpc<Array<{ id: number; scheduleId: number | null }>>('snapshots.list', {})).filter((s) => s.scheduleId === scheduleId).map((s) => s.id);

function checkMail(mail: ParsedMail, snapshotId: number) {
  expect(mail.subject).toMatch(/^Beacon report: Board pack — /);
  expect(mail.text).toMatch(new RegExp(`/snapshots/${snapshotId}\\b`));
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
  expect(pdf, 'the PDF is attached').toBeDefined();
  expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf!.content.length).toBeGreaterThan(20_000);
}

/** A demo-seeded data directory, seeded here (no start-up time limit on a loaded machine); the server only adds the demo users. */
async function seededDir(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-report-'));
  const handle = await createDb({ dataDir: dir });
  await migrateToLatest(handle.db);
  await seedDatabase(handle.db, { profile: 'demo', seed: 1 });
  await handle.close();
  return dir;
}

describe.skipIf(!hasBrowser)('scheduled snapshots mailed to subscribers (real SMTP server)', () => {
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => received.push(mail))
          .then(() => callback(), callback);
      }
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    server = await startServer({ dataDir: await seededDir(), ...env(300) });
    cookie = await signInCookie(server.url, demoUsers.leadership);
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  let scheduleId = 0;

  it('a scheduled snapshot sends one mail per subscriber, the PDF attached and a link, once', async () => {
    const nextRunAt = new Date(Date.now() + 1500).toISOString();
    ({ id: scheduleId } = await trpc<{ id: number }>('snapshots.setSchedule', { title: 'Board pack', frequency: 'monthly', nextRunAt, subscribers }, true));
    const schedules = await trpc<Array<{ id: number; subscribers: string[] }>>('snapshots.schedules', undefined);
    expect(schedules.find((s) => s.id === scheduleId)!.subscribers.sort()).toEqual([...subscribers].sort());

    const [snapshotId] = await until('the scheduled snapshot', async () => ((await madeBy(scheduleId)).length ? madeBy(scheduleId) : null));
    await until('two mails', () => (received.length >= 2 ? received : null), 120_000);
    const to = received.map((m) => (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a!.value.map((v) => v.address)));
    expect(to.map((t) => t.length)).toEqual([1, 1]);
    expect(to.flat().sort()).toEqual([...subscribers].sort());
    for (const mail of received) checkMail(mail, snapshotId);

    // Later passes (every 300 ms) never send it again.
    await new Promise((r) => setTimeout(r, 4000));
    expect(received).toHaveLength(2);
  }, 180_000);

  it('after downtime the back-filled runs mail only the latest one: no flood', async () => {
    const before = await madeBy(scheduleId);
    await server.stop();
    // While it is down, four more monthly runs fall due.
    const handle = await createDb({ dataDir: server.dataDir });
    await handle.db
      .updateTable('snapshot_schedule')
      .set({ next_run_at: new Date(Date.now() - 119 * 86_400_000) })
      .where('id', '=', scheduleId)
      .execute();
    await handle.close();
    received.length = 0;

    server = await startServer({ dataDir: server.dataDir, ...env(300) });
    cookie = await signInCookie(server.url, demoUsers.leadership);
    const made = await until('the back-filled runs', async () => {
      const ids = (await madeBy(scheduleId)).filter((id) => !before.includes(id));
      return ids.length >= 4 ? ids : null;
    }, 120_000);
    const latest = Math.max(...made);
    await until('the latest run mailed', () => (received.length >= 2 ? received : null), 120_000);
    await new Promise((r) => setTimeout(r, 5000));
    expect(received).toHaveLength(subscribers.length);
    for (const mail of received) checkMail(mail, latest);
    for (const older of made.filter((id) => id !== latest)) {
      expect(received.some((m) => new RegExp(`/snapshots/${older}\\b`).test(m.text ?? ''))).toBe(false);
    }
  }, 300_000);
});
