// The fan-out section of bench/RESULTS.md, from a run's figures.
import type { LatencySummary } from './histogram.js';
import { bareLabel, type FanoutResult } from './protocol.js';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

const lat = (l?: LatencySummary) => (l ? `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}` : '—');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function fanoutSection(r: FanoutResult): string {
  const rows = r.phases.map(
    (p) =>
      `| ${p.rate}/s | ${p.clients} in ${p.rooms.map((x) => `\`${x}\``).join(' + ')} | ${lat(p.rows)} | ${lat(p.dashboard)} | ${p.rowsFirst ? ms(p.rowsFirst.p99) : '—'} / ${p.dashboardFirst ? ms(p.dashboardFirst.p99) : '—'} | ${p.rowsMissing} / ${p.dashboardsBehind} | ${p.serverRssMb.toFixed(0)} MB | ${p.serverCpuPercent.toFixed(0)}% | ${p.serverCpuMsPerPush.toFixed(1)} ms (${p.pushesPerClient.toFixed(0)}) | ${p.clientsCpuPercent.toFixed(0)}% | ${p.machineBusyPercent.toFixed(0)}% |`
  );
  const bare = r.bareWs.map(
    (w) => `| ${w.rate}/s | ${bareLabel(w)} | ${w.bytes} B | ${w.achievedRate.toFixed(1)}/s | ${w.framesPerSecond.toFixed(1)}/s | ${lat(w.latency)} | ${ms(w.spread.p50)} / ${ms(w.spread.p99)} | ${w.serverCpuMsPerFrame.toFixed(1)} ms |`
  );
  const checks: string[] = [];
  for (const rate of [...new Set(r.phases.map((p) => p.rate))]) {
    const rowsPhase = r.phases.find((p) => p.rate === rate && p.audience === 'rows');
    const dashPhase = r.phases.find((p) => p.rate === rate && p.audience === 'dashboard');
    // The target's baseline: the bare ws broadcast that differs from the hub's run only in the hub — the
    // same clients, rate and message size, coalesced as the hub coalesces, with the same writes committing.
    const bareAt = r.bareWs.filter((x) => x.rate === rate);
    const w = bareAt.find((x) => x.mode === 'coalesced' && x.writes);
    const parts: string[] = [];
    if (rowsPhase?.rows && w) {
      const ratio = rowsPhase.rows.p99 / w.latency.p99;
      const others = bareAt
        .filter((x) => x !== w)
        .map((x) => `${bareLabel(x)} ${ms(x.latency.p99)} ms = ${(rowsPhase.rows!.p99 / x.latency.p99).toFixed(2)}×${x.achievedRate < rate * 0.95 ? ` (it kept up only ${x.achievedRate.toFixed(0)}/s)` : ''}`)
        .join(', ');
      parts.push(`row-change p99 ${ms(rowsPhase.rows.p99)} ms vs bare ws p99 ${ms(w.latency.p99)} ms (${bareLabel(w)}) = ${ratio.toFixed(2)}× (≤ 2×: ${verdict(ratio <= 2)}; against the other bare ws runs: ${others})`);
    }
    if (dashPhase?.dashboard) parts.push(`dashboard p99 ${ms(dashPhase.dashboard.p99)} ms (≤ 150 ms: ${verdict(dashPhase.dashboard.p99 <= 150)})`);
    const rss = Math.max(...r.phases.filter((p) => p.rate === rate).map((p) => p.serverRssMb));
    parts.push(`RSS ≤ ${rss.toFixed(0)} MB (≤ 300 MB: ${verdict(rss <= 300)})`);
    const lost = r.phases.filter((p) => p.rate === rate).reduce((n, p) => n + p.rowsMissing + p.dashboardsBehind + p.errors, 0);
    parts.push(`${lost} row changes missed, dashboards left behind or client errors`);
    checks.push(`- ${rate}/s: ${parts.join('; ')}`);
  }
  const b = r.big;
  return `## Live fan-out (Socket.IO hub vs bare ws)

${new Date().toISOString().slice(0, 10)} · ${r.machine} · load average ${r.loadBefore.map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) before the run · server, writer, Postgres and client processes on the same machine · each phase: ${r.warmupSeconds} s warm-up at its rate (not measured), then ${r.seconds} s of writes

The same ${r.clients} Socket.IO clients (real \`socket.io-client\`, ${Math.ceil(r.clients / 250)} processes of up to 250) join, per phase, the rooms one page joins: a needs
board (\`needs:all\`, row changes) or the overview dashboard (\`dashboard:overview\`, the dashboard topic). Latency is from the
writer's commit to the client's handler. "First client" is the first of them to get each write (the server's own pipeline,
without the spread over sockets). Missed = (client, write) row changes never received / dashboard clients whose last view is older
than the last write. Server CPU per push is all the server's CPU in the phase divided by the pushes each client received (row
pushes coalesce the changes that arrive while the previous push is being written).

| writes | clients | row change p50 / p99 / max ms | dashboard p50 / p99 / max ms | first client p99 row / dashboard | missed | server RSS | server CPU | server CPU per push (pushes per client) | client procs CPU | machine busy |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Bare \`ws\` broadcast to the same clients (a child process; messages of a one-change row push's size, at the phase's rate, to
every client): \`per-write\` sends one frame per message; \`coalesced\` sends in each frame every message that came due since the
previous frame began, as the hub does with row changes; \`writes running\`: meanwhile the writer commits the phase's writes to
Postgres as in the hub's run (the clients then in no room, so the hub pushes nothing) — on one machine that load is part of what
the hub's clients wait for. Latency is from each message's scheduled time, as a commit happens whether or not the broadcaster
keeps up; "spread" is from the start of its frame's broadcast, so it leaves out any backlog. The row-change target is checked
against \`coalesced, writes running\`, the run that differs from the hub's only in the hub; the ratios to the others follow it.

| rate | mode | message | messages/s sent | frames/s | p50 / p99 / max ms | spread p50 / p99 ms | server CPU per frame |
|---|---|---|---|---|---|---|---|
${bare.join('\n')}

Idle server RSS before clients: ${r.idleRssMb.toFixed(0)} MB.
${checks.join('\n')}
- ${b.clients} clients in both rooms: ${b.connected} connected (${b.retries} handshake retries), ${b.errors} errors, ${b.missing} row changes missed of ${b.writes * b.connected}, ${b.dashboardsBehind} dashboards behind; row p99 ${ms(b.rows.p99)} ms, dashboard p99 ${ms(b.dashboard.p99)} ms; server RSS ${b.rssMb.toFixed(0)} MB → ${verdict(b.connected === b.clients && b.errors === 0 && b.missing === 0 && b.dashboardsBehind === 0)}`;
}
