// Hostile input against the real server (the production build, embedded database): a sample of
// malformed tRPC calls over HTTP, raw junk bodies, and the forms (/login, /admin, /snapshots) with
// NUL characters and impossible dates — 4xx every time, never 5xx, and nothing internal in the
// answer. Then formula-injection payloads stored as partner names, need and request titles reach
// the snapshot CSV (/snapshots/[id]/csv) and the dashboards' chart CSV (downloaded in Chromium)
// neutralised.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodTypeAny } from 'zod';
import { sql } from 'kysely';
import { startServer, type RunningServer } from '../helpers/server.js';
import { seededDataDir, signIn } from '../helpers/live.js';
import { addCookieHeader, artifactsDir, hasBrowser, hydrated, launchBrowser } from '../helpers/browser.js';
import { testUser } from '../helpers/auth.js';
import { createRng, seedFromEnv } from '../helpers/prng.js';
import { LEAKS, malformedInput } from '../helpers/hostile-input.js';
import { FORMULA_PAYLOADS, PLAIN_NUMBERS } from '../helpers/formula-payloads.js';
import { createDb } from '../../src/lib/server/db/index.js';
import { appRouter } from '../../src/lib/server/trpc/router.js';
import { createCallerFactory } from '../../src/lib/server/trpc/t.js';
import { parseCsv } from '../../src/lib/csv.js';

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: ZodTypeAny[]; type: string } }>;
const CALLS_PER_PROCEDURE = 25;
const SEED = seedFromEnv(1203);
const FISCAL_YEAR = 2099;
const PAID_CENTS = 1_250;
/** Today in the organisation's zone (the server's default, America/New_York). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** A cell a spreadsheet would run: starts with = + - @ tab or CR and is not a plain number. */
const isLiveFormula = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(cell);

describe('hostile input over HTTP, and formula-safe exports', () => {
  let server: RunningServer;
  let cookies: Record<'leadership' | 'coordinator' | 'admin', string>;
  let snapshotId: number;
  let payloadState: string;

  beforeAll(async () => {
    const dataDir = await seededDataDir();
    // Payloads stored before the server starts: request titles in a fiscal year of their own, partner
    // names on the largest payments of today, need titles on the oldest open critical needs — so they are the rows the exports show.
    const { db, close } = await createDb({ dataDir });
    try {
      const leader = await testUser(db, 'leadership');
      const caller = createCallerFactory(appRouter)({ db, dbKind: 'pglite', user: leader });
      const partnerNames = FORMULA_PAYLOADS.slice(0, 10);
      // Top partners rank the payments dated in the period (docs/figures.md): the payload partners
      // are paid today, in a state where no demo partner was paid in the last three days, so they are
      // exactly that state's top partners for today.
      const { rows: [quiet] } = await sql<{ code: string }>`
        select r.code from region r where not exists (
          select 1 from funding_stage_event e join funding_request f on f.id = e.request_id
          where f.state = r.code and e.occurred_at > now() - interval '3 days')
        order by r.code limit 1`.execute(db);
      payloadState = quiet.code.trim();
      for (const [i, name] of partnerNames.entries()) {
        const partner = await db.insertInto('partner').values({ name, kind: 'aftercare_center', state: payloadState, vetting_status: 'vetted' }).returning('id').executeTakeFirstOrThrow();
        const request = await db.insertInto('funding_request').values({ partner_id: partner.id, title: FORMULA_PAYLOADS[(i + 5) % FORMULA_PAYLOADS.length],
          category: 'aftercare_equipment', fiscal_year: FISCAL_YEAR, requested_cents: PAID_CENTS }).returning('id').executeTakeFirstOrThrow();
        await caller.funding.advance({ id: request.id, from: 'intake', to: 'vetting' });
        await caller.funding.advance({ id: request.id, from: 'vetting', to: 'approved', amountCents: PAID_CENTS, reason: 'Synthetic: payload partner paid in full' });
        await caller.funding.advance({ id: request.id, from: 'approved', to: 'disbursed', amountCents: PAID_CENTS });
        const title = FORMULA_PAYLOADS[FORMULA_PAYLOADS.length - 1 - i];
        await db.insertInto('aftercare_need').values({ center_id: partner.id, title, kind: 'equipment', priority: 'critical', estimated_cost_cents: 1_250,
          created_at: new Date(Date.UTC(2000, 0, 1 + i)) }).execute();
      }
      snapshotId = (await caller.snapshots.create({ title: '=HYPERLINK("http://evil.example","Board pack")', period: { kind: 'fiscal_year', fiscalYear: FISCAL_YEAR }, filters: {} })).id;
    } finally {
      await close();
    }
    server = await startServer({ dataDir });
    cookies = {
      leadership: await signIn(server.url, 'director@beacon.demo'),
      coordinator: await signIn(server.url, 'coordinator.mountain@beacon.demo'),
      admin: await signIn(server.url, 'admin@beacon.demo')
    };
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  });

  const origin = () => new URL(server.url).origin;

  /** Fails on a 5xx or an answer that shows a stack, SQL or a path; returns the status. */
  async function send(label: string, url: string, init: RequestInit, problems: string[]): Promise<number> {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const body = await res.text();
    if (res.status >= 500) problems.push(`${label}: HTTP ${res.status} ${body.slice(0, 200)}`);
    for (const [name, pattern] of LEAKS) if (pattern.test(body)) problems.push(`${label}: the answer shows a ${name}: ${body.slice(0, 300)}`);
    return res.status;
  }

  it(`answers ${CALLS_PER_PROCEDURE} malformed calls of every procedure over /trpc with a 4xx, never a 5xx`, { timeout: 600_000 }, async () => {
    const rng = createRng(SEED);
    const problems: string[] = [];
    const statuses: Record<number, number> = {};
    const actors = Object.values(cookies);
    const pools = { ids: [1, 2, 3, snapshotId], userIds: ['x'] };
    for (const [path, procedure] of Object.entries(procedures)) {
      for (let i = 0; i < CALLS_PER_PROCEDURE; i++) {
        const input = malformedInput(procedure._def.inputs[0], rng, pools);
        const json = JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) ?? '';
        const headers = { cookie: actors[i % actors.length], origin: origin(), 'content-type': 'application/json' };
        const status = procedure._def.type === 'query'
          ? await send(`GET ${path} ${json.slice(0, 80)}`, `${server.url}/trpc/${path}?input=${encodeURIComponent(json)}`, { headers }, problems)
          : await send(`POST ${path} ${json.slice(0, 80)}`, `${server.url}/trpc/${path}`, { method: 'POST', headers, body: json }, problems);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }
    expect(problems, JSON.stringify(statuses)).toEqual([]);
    expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
  });

  it('answers raw junk bodies and query strings with a 4xx', { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    const headers = { cookie: cookies.leadership, origin: origin(), 'content-type': 'application/json' };
    const bodies: BodyInit[] = [
      '{', 'null', '[]', '"x"', '\u0000', new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x7b])]), '{"centerId":1,"title":"a\\u0000b","kind":"equipment"}',
      '{"centerId":1,"title":"bad \\ud800 pair","kind":"equipment"}', '{"centerId":1e308,"title":"Synthetic","kind":"equipment"}',
      '{"centerId":9007199254740993,"title":"Synthetic","kind":"equipment"}', '{"centerId":1,"title":"Synthetic","kind":"equipment","neededBy":"+275760-09-13"}',
      '{"__proto__":{"polluted":true},"centerId":1,"title":"Synthetic","kind":"equipment"}', JSON.stringify({ title: 'x'.repeat(3_000_000) })
    ];
    for (const body of bodies) {
      const status = await send(`POST needs.create ${String(body).slice(0, 40)}`, `${server.url}/trpc/needs.create`, { method: 'POST', headers, body }, problems);
      expect(status).toBeGreaterThanOrEqual(400);
    }
    const update = (v: unknown) => JSON.stringify({ id: 1, version: v, changes: { priority: 'low' } });
    for (const version of ['2147483648', '9007199254740993', '1e308', '-1', '1.5']) {
      await send(`POST needs.update version ${version}`, `${server.url}/trpc/needs.update`, { method: 'POST', headers, body: update(version).replace(`"${version}"`, version) }, problems);
    }
    for (const q of ['input=%00', 'input=%FF%FE', 'input=%ED%A0%80', 'input={"from":"2026-02-30","to":"9999-12-31"}', 'input=' + encodeURIComponent('{"fiscalYear":1e308}')]) {
      await send(`GET dashboard.overview?${q}`, `${server.url}/trpc/dashboard.overview?${q}`, { headers: { cookie: cookies.leadership } }, problems);
    }
    expect(problems).toEqual([]);
  });

  /** A browser-style form post (same Origin, HTML answer). */
  const form = (path: string, who: keyof typeof cookies | null, fields: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: origin(), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(who ? { cookie: cookies[who] } : {}) },
      body: new URLSearchParams(fields)
    });

  it('refuses forms holding NUL characters and impossible dates with a 400, keeping what was typed and saying why beside the field', { timeout: 120_000 }, async () => {
    const login = await form('/login', null, { email: 'director\u0000@beacon.demo', password: 'beacon-demo' });
    expect(login.status).toBe(400);
    expect(await login.text()).toContain('Remove the invisible control characters');

    const invite = await form('/admin?/invite', 'admin', { email: 'new.person@test.example', displayName: 'Typed name\u0000', role: 'board' });
    expect(invite.status).toBe(400);
    const inviteHtml = await invite.text();
    expect(inviteHtml).toMatch(/data-field-error="displayName"[^>]*>Remove the invisible control characters/);
    expect(inviteHtml).toContain('new.person@test.example');
    const inviteEmail = await form('/admin?/invite', 'admin', { email: 'nul\u0000@test.example', role: 'board' });
    expect(inviteEmail.status).toBe(400);
    expect(await inviteEmail.text()).toMatch(/data-field-error="email"/);

    for (const userId of ['\u0000', 'x'.repeat(500)]) expect((await form('/admin?/update', 'admin', { userId, role: 'board' })).status).toBe(400);

    const create = await form('/snapshots?/create', 'leadership', { title: 'Typed title', periodKind: 'dates', from: '2026-02-30', to: '9999-12-31', notes: 'Typed notes' });
    expect(create.status).toBe(400);
    const createHtml = await create.text();
    expect(createHtml).toMatch(/data-field-error="from"[^>]*>That day does not exist/);
    expect(createHtml).toMatch(/data-field-error="to"[^>]*>Use a date in the years 2000 to 2100/);
    expect(createHtml).toContain('value="Typed title"');
    expect(createHtml).toContain('value="2026-02-30"');
    expect(createHtml).toContain('Typed notes');

    const nulTitle = await form('/snapshots?/create', 'leadership', { title: 'Bad\u0000title', periodKind: 'fiscal_year', fiscalYear: '2026' });
    expect(nulTitle.status).toBe(400);
    expect(await nulTitle.text()).toMatch(/data-field-error="title"[^>]*>Remove the invisible control characters/);

    for (const nextRunAt of ['+275760-09-13', '+275760-09-13T00:00', '2026-02-30T09:00', '9999-12-31T00:00']) {
      const schedule = await form('/snapshots?/setSchedule', 'leadership', { title: 'Typed schedule', frequency: 'monthly', nextRunAt });
      expect(schedule.status, nextRunAt).toBe(400);
      const html = await schedule.text();
      expect(html).toMatch(/data-field-error="nextRunAt"/);
      expect(html).toContain('value="Typed schedule"');
    }
    expect((await form('/snapshots?/deleteSchedule', 'leadership', { id: '1e308' })).status).toBe(400);
    expect((await form(`/snapshots/${snapshotId}?/notes`, 'leadership', { title: 'x\u0000', notes: 'y' })).status).toBe(400);
    expect((await form(`/snapshots/${snapshotId}?/share`, 'admin', { expiresInDays: '1e308' })).status).toBe(400);
    expect((await form(`/snapshots/${snapshotId}?/revoke`, 'admin', { id: '9007199254740993' })).status).toBe(400);
  });

  it('neutralises every formula payload in the snapshot CSV, and keeps numbers numbers', async () => {
    const res = await fetch(`${server.url}/snapshots/${snapshotId}/csv`, { headers: { cookie: cookies.leadership } });
    expect(res.status).toBe(200);
    const cells = parseCsv((await res.text()).replace(/^\uFEFF/, '')).flat();
    expect(cells.filter(isLiveFormula)).toEqual([]);
    for (const payload of FORMULA_PAYLOADS) expect(cells, payload).toContain(`'${payload}`);
    expect(cells).toContain('12.5'); // 1,250 cents in dollars
  });

  it.skipIf(!hasBrowser)('neutralises the payloads in the dashboards chart CSV (downloaded in Chromium)', { timeout: 120_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      await addCookieHeader(context, cookies.leadership, server.url);
      const page = await context.newPage();
      await page.goto(`${server.url}/dashboard/funding?from=${today()}&to=${today()}&state=${payloadState}`);
      await hydrated(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-top-partners').click()]);
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      fs.writeFileSync(path.join(artifactsDir, 'hostile-top-partners.csv'), csv);
      const rows = parseCsv(csv);
      expect(rows.flat().filter(isLiveFormula)).toEqual([]);
      const labels = rows.slice(rows.findIndex((r) => r[0] === 'Partner') + 1).map((r) => r[0]);
      expect(labels.sort()).toEqual(FORMULA_PAYLOADS.slice(0, 10).map((p) => `'${p}`).sort());
      expect(rows.slice(-10).every((r) => r[1] === '1')).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('keeps plain numbers in the list it checks against', () => {
    expect(PLAIN_NUMBERS.filter(isLiveFormula)).toEqual([]);
  });
});
