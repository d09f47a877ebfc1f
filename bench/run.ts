// npm run bench [-- --only overview|snapshot|fanout|dashboard-client|needs|import|pdf|alerts|soak] [--profiles demo,large] [--engines pglite,postgres]
// The soak bench runs only when asked for (--only soak [--minutes 10] [--warmup 2]): it takes minutes.
// Prints each benchmark and rewrites its section of bench/RESULTS.md (machine and date included).
import fs from 'node:fs';
import path from 'node:path';
import { benchOverview, machine, type Engine, type OverviewResult, type Profile } from './overview.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const only = arg('only', 'all');
const profiles = arg('profiles', 'demo,large').split(',') as Profile[];
const engines = arg('engines', 'pglite,postgres').split(',') as Engine[];
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const resultsFile = path.resolve(import.meta.dirname, 'RESULTS.md');
const log = (s: string) => console.error(s);

function replaceSection(name: string, body: string) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs.\n';
  const block = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(resultsFile, text);
}

function overviewSection(results: OverviewResult[]): string {
  const row = (r: OverviewResult) =>
    `| ${r.engine} | ${r.profile} | ${Number.isNaN(r.seedSeconds) ? 'cached' : r.seedSeconds.toFixed(0) + ' s'} | ${r.overviewMedianMs.toFixed(2)} | ${r.overviewP90Ms.toFixed(2)} | ${r.naiveMedianMs.toFixed(1)} | ${r.naiveP90Ms.toFixed(1)} | ${r.speedup.toFixed(1)}× |`;
  const pgDemo = results.find((r) => r.engine === 'postgres' && r.profile === 'demo');
  const pgLarge = results.find((r) => r.engine === 'postgres' && r.profile === 'large');
  const checks: string[] = [];
  if (pgLarge) {
    checks.push(`- overview ≤ 20 ms median on Postgres at large: **${pgLarge.overviewMedianMs.toFixed(2)} ms** → ${pgLarge.overviewMedianMs <= 20 ? 'met' : 'MISSED'}`);
    checks.push(`- overview ≤ 10 ms median on Postgres at large (issue 14): **${pgLarge.overviewMedianMs.toFixed(2)} ms** → ${pgLarge.overviewMedianMs <= 10 ? 'met' : 'MISSED'} (load average ${pgLarge.loadBefore.toFixed(1)} before the reads, ${pgLarge.loadAfter.toFixed(1)} after)`);
    if (pgLarge.cpuPerRead) {
      const { postgresMs, nodeMs } = pgLarge.cpuPerRead;
      checks.push(`- CPU per read at large: Postgres ${postgresMs.toFixed(2)} ms + Node ${nodeMs.toFixed(2)} ms = **${(postgresMs + nodeMs).toFixed(2)} ms** (from /proc, over the ${pgLarge.runs + 3} reads: what a read costs whatever else runs on the machine)`);
    }
    checks.push(`- ≥ 20× faster than naive at large: **${pgLarge.speedup.toFixed(1)}×** → ${pgLarge.speedup >= 20 ? 'met' : 'MISSED'}`);
    if (pgDemo) {
      const ratio = pgLarge.overviewMedianMs / pgDemo.overviewMedianMs;
      checks.push(`- large ≤ 1.5× demo: **${ratio.toFixed(2)}×** (${pgLarge.overviewMedianMs.toFixed(2)} / ${pgDemo.overviewMedianMs.toFixed(2)} ms) → ${ratio <= 1.5 ? 'met' : 'MISSED'}`);
    }
  }
  return `## dashboard.overview vs naive GROUP BY

${new Date().toISOString().slice(0, 10)} · ${machine()}

| engine | profile | seed time | overview median ms | overview p90 ms | naive median ms | naive p90 ms | speed-up |
|---|---|---|---|---|---|---|---|
${results.map(row).join('\n')}

Each figure is the median of 50 (demo) / 30 (large) reads after 3 warm-up reads, on a database
vacuumed and analysed after seeding ("cached": a database kept by \`BENCH_KEEP_DB=1\`, or PGlite's
kept directory). "naive" is bench/naive-overview.ts: the same figures by GROUP BY over the base
tables (checked equal by tests/integration/naive-overview.test.ts). Every read is a real read of the
database (no result cache); on Postgres the overview is a named prepared statement with a generic plan,
planned once per connection, so a read binds, executes and returns (src/lib/server/db/index.ts,
\`preparedReader\`).

Targets (Postgres, large profile):
${checks.join('\n') || '- (Postgres large profile not run)'}`;
}

if (only === 'all' || only === 'overview') {
  const results: OverviewResult[] = [];
  for (const profile of profiles) {
    for (const engine of engines) {
      log(`overview: ${engine} / ${profile}`);
      results.push(await benchOverview(engine, profile, serverUrl, log));
    }
  }
  const section = overviewSection(results);
  console.log(section);
  replaceSection('overview', section);
}

if (only === 'all' || only === 'snapshot') {
  const { benchSnapshot, snapshotSection } = await import('./snapshot.js');
  const results = [];
  for (const profile of profiles) {
    for (const engine of engines) {
      log(`snapshot: ${engine} / ${profile}`);
      results.push(await benchSnapshot(engine, profile, serverUrl, log));
    }
  }
  const section = snapshotSection(results);
  console.log(section);
  replaceSection('snapshot', section);
}

if (only === 'all' || only === 'fanout') {
  // Real server and client processes; needs a Postgres server (the two-instance adapter uses it).
  const { benchFanout, fanoutSection } = await import('./fanout/main.js');
  log('fanout: 1,000 clients as needs boards, as dashboards and in both (and a 5,000-client check)');
  const section = fanoutSection(await benchFanout({ serverUrl, log }));
  console.log(section);
  replaceSection('fanout', section);
}

if (only === 'all' || only === 'dashboard-client') {
  // Chromium against the production build: JS sent for /dashboard, main-thread time per live update.
  const { benchDashboardClient, dashboardClientSection } = await import('./dashboard-client.js');
  log('dashboard-client: JS size and main-thread time per live update (Chromium trace)');
  const section = dashboardClientSection(await benchDashboardClient({ log }));
  console.log(section);
  replaceSection('dashboard-client', section);
}

if (only === 'all' || only === 'needs') {
  const { benchNeedsWrites, needsWritesSection } = await import('./needs-writes.js');
  const results = [];
  for (const engine of engines) {
    log(`needs writes: ${engine}`);
    results.push(await benchNeedsWrites(engine, serverUrl));
  }
  const section = needsWritesSection(results);
  console.log(section);
  replaceSection('needs-writes', section);
}

if (only === 'all' || only === 'import') {
  // 100,000 funding requests with their stage history, imported into a fresh database per engine.
  const { benchImport, importSection } = await import('./import.js');
  const requests = Number(arg('requests', '100000'));
  const results = [];
  for (const engine of engines) {
    log(`import: ${requests.toLocaleString('en-US')} requests with their stage history on ${engine}`);
    results.push(await benchImport(engine, serverUrl, requests, log));
  }
  const section = importSection(results);
  console.log(section);
  replaceSection('import', section);
}

if (only === 'all' || only === 'needs-page') {
  // Chromium against the production build: /needs with 5,000 needs in a division.
  const { benchNeedsPage, needsPageSection } = await import('./needs-page.js');
  log('needs-page: /needs with 5,000 needs in a division (time to interactive, what it loads)');
  const section = needsPageSection(await benchNeedsPage({ needs: Number(arg('needs', '5000')), log }));
  console.log(section);
  replaceSection('needs-page', section);
}

if (only === 'all' || only === 'pdf') {
  // The board report's PDF made by the server: cold (Chromium started) and cached.
  const { benchPdf, pdfSection } = await import('./pdf.js');
  const section = pdfSection(await benchPdf({ log }));
  console.log(section);
  replaceSection('pdf', section);
}

if (only === 'all' || only === 'alerts') {
  // 200 alert rules on the demo data: evaluation per committed change (issue 21: ≤ 2 ms).
  const { benchAlerts, alertsSection } = await import('./alerts.js');
  const results = [];
  for (const engine of engines) results.push(await benchAlerts(engine, serverUrl, log));
  const section = alertsSection(results);
  console.log(section);
  replaceSection('alerts', section);
}

if (only === 'soak') {
  // Real server process on Postgres; bounded to 30 minutes (warm-up + --minutes ≤ 28).
  const { benchSoak, soakSection } = await import('./soak.js');
  const section = soakSection(
    await benchSoak({
      serverUrl,
      minutes: Number(arg('minutes', '10')),
      warmupMinutes: Number(arg('warmup', '2')),
      sockets: Number(arg('sockets', '500')),
      rate: Number(arg('rate', '20')),
      sampleSeconds: Number(arg('sample', '30')),
      log
    })
  );
  console.log(section);
  replaceSection('soak', section);
}
