/**
 * npm run bench:online: sequential purchases through the real runtime (journal at
 * synchronous=FULL, host session with MAC) against the host simulator running in its own
 * process on loopback, with no added latency. The card reader is replaced by one that has the
 * card data in hand at once, so the figure is the runtime's own work.
 *
 * overhead = (card data in hand -> result) - (request written -> answer parsed)
 * i.e. everything the terminal does around the host round trip: journal commits before and
 * after, packing, MAC, matching, MAC check, response parsing.
 * Then, traced with strace (ioFigures.ts): fsyncs and bytes written per purchase and per step.
 * Prints one JSON line.
 */
import { purchaseIoFigures } from './ioFigures.js';
import { startOnlineRig } from './onlineRig.js';
import { startSimProcess } from './simProcess.js';

const N = Number(process.env.BENCH_N ?? 3000);
const WARMUP = 300;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const sim = await startSimProcess();
  const rig = await startOnlineRig(sim.port);
  const overhead: number[] = [];
  const host: number[] = [];
  let approved = 0;
  const t0 = performance.now();
  for (let i = 0; i < N + WARMUP; i++) {
    if (i === WARMUP) overhead.length = host.length = 0;
    const r = await rig.purchase(i);
    if (i >= WARMUP) approved++;
    overhead.push(r.overheadMs);
    host.push(r.hostMs);
  }
  const elapsed = performance.now() - t0;
  await rig.stop();
  sim.stop();
  // after the timed run (strace slows the traced process): fsyncs and bytes per purchase
  const io = await purchaseIoFigures();
  overhead.sort((a, b) => a - b);
  host.sort((a, b) => a - b);
  const measuredMs = elapsed * (N / (N + WARMUP));
  const round = (x: number) => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      purchases: approved,
      overhead_p50_ms: round(pct(overhead, 50)),
      overhead_p99_ms: round(pct(overhead, 99)),
      host_round_trip_p50_ms: round(pct(host, 50)),
      host_round_trip_p99_ms: round(pct(host, 99)),
      purchases_per_s: Math.round(N / (measuredMs / 1000)),
      synchronous: 'FULL',
      ...io,
      node: process.version,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
