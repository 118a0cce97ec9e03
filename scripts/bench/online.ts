/**
 * npm run bench:online: sequential purchases through the real runtime (journal at
 * synchronous=FULL, host session with MAC) against the host simulator running in its own
 * process on loopback, with no added latency. The card reader is replaced by one that has the
 * card data in hand at once, so the figure is the runtime's own work.
 *
 * overhead = (card data in hand -> result) - (request written -> answer parsed)
 * i.e. everything the terminal does around the host round trip: journal commits before and
 * after, packing, MAC, matching, MAC check, response parsing.
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import type { CardReaderPort } from '../../src/txn/ports.js';
import { emulatorProfileJson } from './profileJson.js';
import { startSimProcess } from './simProcess.js';

const N = Number(process.env.BENCH_N ?? 3000);
const WARMUP = 300;

const reader: CardReaderPort = {
  async readCard() {
    return {
      outcome: 'card',
      cardMs: 0,
      card: {
        pan: '6212345678901232',
        track2: '6212345678901232D30122011234567890',
        expiry: '3012',
        panSequence: '001',
        entryInterface: 'contactless',
        iccData: '9F260811223344556677889F2701809F360200019F3704A1B2C3D495050000000000',
      },
    };
  },
};

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const sim = await startSimProcess();
  const dir = mkdtempSync(join(tmpdir(), 'posterm-bench-online-'));
  const raw = emulatorProfileJson();
  raw.host.primary.port = sim.port;
  raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
  raw.control = {};
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(raw));
  const rt = await Runtime.start({
    profile: parseProfile(raw, dir),
    log: silentLogger,
    reader,
  });
  const overhead: number[] = [];
  const host: number[] = [];
  let approved = 0;
  const t0 = performance.now();
  for (let i = 0; i < N + WARMUP; i++) {
    if (i === WARMUP) overhead.length = host.length = 0;
    const r = await rt.engine.sale({ amountMinor: 100 + (i % 50) * 100 });
    if (r.outcome !== 'approved')
      throw new Error(`purchase ${i} not approved: ${r.responseCode ?? r.reason?.code}`);
    if (i >= WARMUP) approved++;
    overhead.push(r.timings.totalMs! - r.timings.hostMs!);
    host.push(r.timings.hostMs!);
  }
  const elapsed = performance.now() - t0;
  await rt.stop();
  sim.stop();
  rmSync(dir, { recursive: true, force: true });
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
      node: process.version,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
