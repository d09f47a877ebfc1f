// Live fan-out benchmark: the production server (scripts/serve.js, on Postgres) and its clients in
// separate processes. 1,000 connected Socket.IO clients; per phase they are in the rooms one page
// joins — a needs board (`needs:all`: row changes) or the overview dashboard (`dashboard:overview`:
// the dashboard topic), and for scale both at once — while a separate writer commits at 10/s and
// 200/s (after an unmeasured warm-up at that rate). Reports commit-to-client latency (p50/p99/max)
// for row changes and for the dashboard topic, the server's RSS and CPU, and — in the same run, to
// the same client processes — a bare `ws` broadcast of a same-sized payload at the same rate: one
// frame per write, coalesced as the hub coalesces, and coalesced while the same writes commit (the
// run the row-change target is checked against). Then 5,000 clients connect and must all receive
// every change without errors.
//
//   npx tsx bench/fanout/main.ts [--clients 1000] [--big 5000] [--seconds 10] [--warmup 3] [--rates 10,200]
//                           [--audiences rows,dashboard,both]
// Diagnostics: BENCH_FANOUT_SERIES=1 logs the first arrival of every write; BENCH_SERVER_LOG=file
// keeps the server's output; BENCH_SERVER_NODE_ARGS / BENCH_CLIENTS_NODE_ARGS / BENCH_WS_SERVER_NODE_ARGS
// pass Node flags (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") to those processes.
// The processes, one file each: orchestrator.ts (phases and figures), clients.ts (Socket.IO and bare ws
// clients), ws-server.ts (the bare ws baseline), writer.ts (commits at a rate), app.ts (the server under
// test); report.ts writes the RESULTS.md section. bench/run.ts calls benchFanout()/fanoutSection().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFanout } from './orchestrator.js';
import { fanoutSection } from './report.js';
import type { Audience } from './protocol.js';

export { benchFanout } from './orchestrator.js';
export { fanoutSection } from './report.js';
export type { Audience, FanoutResult } from './protocol.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const result = await benchFanout({
    serverUrl,
    clients: Number(arg('clients', '1000')),
    big: Number(arg('big', '5000')),
    seconds: Number(arg('seconds', '10')),
    warmup: Number(arg('warmup', '3')),
    audiences: arg('audiences', 'rows,dashboard,both').split(',') as Audience[],
    rates: arg('rates', '10,200').split(',').map(Number)
  });
  fs.mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bench', 'out', 'fanout.json'), JSON.stringify(result, null, 2));
  console.log(fanoutSection(result));
  process.exit(0);
}
