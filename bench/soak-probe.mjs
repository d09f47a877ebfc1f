// Preloaded into the server by bench/soak.ts (node --import): answers { type: 'soak:stats' } over the
// IPC channel with the process's memory, open handles (process.getActiveResourcesInfo) and the
// event-loop delay since the previous answer (perf_hooks.monitorEventLoopDelay). Nothing is added to
// the app itself; without an IPC channel this file does nothing.
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (m) => {
    if (m?.type !== 'soak:stats') return;
    // Collected first (the server runs with --expose-gc), so RSS compares live memory, not garbage.
    if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
    const mem = process.memoryUsage();
    const resources = process.getActiveResourcesInfo();
    const kinds = {};
    for (const r of resources) kinds[r] = (kinds[r] ?? 0) + 1;
    const ms = (ns) => ns / 1e6;
    process.send({
      type: 'soak:stats',
      rssMb: mem.rss / 2 ** 20,
      heapUsedMb: mem.heapUsed / 2 ** 20,
      externalMb: mem.external / 2 ** 20,
      handles: resources.length,
      handleKinds: kinds,
      eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) }
    });
    delay.reset();
  });
}
