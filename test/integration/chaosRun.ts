/**
 * The chaos run of store-and-forward (issue 5), shared by `npm run chaos` and the in-suite test:
 * the runtime as a child process against the host simulator behind a FlakyProxy, a stream of
 * sales over the control socket, network cuts and host faults at random, SIGKILLs at random
 * moments and at the crash points (src/txn/crashPoints.ts), restarts on the same journal.
 * At the end the runtime restarts cleanly, forwards everything, and the till's view, the
 * journal and the ledger are compared (chaosCheck.ts). Randomness comes from one seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callRuntime } from '../../src/control/ControlClient.js';
import { type CutMode, FlakyProxy } from '../../src/emulator/FlakyProxy.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { DEFAULT_TEST_CARD, TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { isPosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { seededRandom } from '../../src/txn/crashPoints.js';
import type { ForwardReport } from '../../src/txn/Forwarder.js';
import type { TxnResult } from '../../src/txn/types.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { type ChaosCheck, checkChaos, type SaleRecord } from './chaosCheck.js';
import { RuntimeSupervisor } from './chaosSupervisor.js';
import { emulatorProfileRaw, writeWorldProfile } from './world.js';

export const DEFAULT_CRASH_POINTS =
  'after-commit:0.03,after-answer:0.03,forward-after-commit:0.02,forward-after-answer:0.03';

export interface ChaosOptions {
  /** SIGKILLs to reach at least (random ones by the parent plus crash points). */
  kills: number;
  /** Sales to make at least. */
  sales: number;
  seed: number;
  /** POSTERM_CRASH_POINTS for the child ('' for none). */
  crashPoints?: string;
  /** Per sale: the parent SIGKILLs the runtime at a random moment (default kills / sales / 2). */
  killProbability?: number;
  /** Per sale: a network cut starts (default 0.08). */
  cutProbability?: number;
  /** Per sale: a one-shot host fault (no answer, late answer ...) (default 0.05). */
  faultProbability?: number;
  /** Per restart: SIGKILL again while it starts, 0..500 ms after the spawn (default 0.15). */
  startKillProbability?: number;
  /** Share of force-offline sales (default 0.15). */
  offlineShare?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
  /** Keep the temp folder (journal, logs) for inspection. */
  keepDir?: boolean;
}

export interface ChaosReport extends ChaosCheck {
  seed: number;
  kills: number;
  kills_at_crash_points: number;
  kills_while_starting: number;
  restarts: number;
  cuts: number;
  host_faults: number;
  /** The longest the till waited for a sale's answer. */
  slowest_sale_ms: number;
  /** Sales the till waited more than 10 s for. */
  slow_sales: number;
  /** Requests the host processed, by MTI. */
  host_requests: Record<string, number>;
  duration_ms: number;
  /** The temp folder, when kept. */
  dir?: string;
}

const BAD_ENDINGS = new Set([51, 5, 54, 55, 61, 96, 13]);
const FAULTS = [
  'no-answer@0200*1',
  'late:1500@0200*1',
  'no-answer@0400*1',
  'no-answer@0220*1',
  'bad-mac@0200*1',
];
const CUT_MODES: CutMode[] = ['refuse', 'refuse', 'reset', 'blackhole'];
/**
 * A sale slower than this is 'hung'. Generous: during and after an outage the host link makes a
 * request wait out its reconnect backoff (up to 60 s, docs/host-link.md), and a sale may dial
 * twice (its pending reversal first). Slow sales are counted in `slow_sales`.
 */
const SALE_TIMEOUT_MS = 180_000;
const SLOW_SALE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the report shows a failure (the script's exit status). */
export function chaosFailed(r: ChaosReport): boolean {
  return r.lost > 0 || r.duplicated > 0 || r.orphaned > 0 || r.pending > 0 || r.problems.length > 0;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'posterm-chaos-'));
  const sim = await startHostSim({ tmk: profileTmk(parseProfile(emulatorProfileRaw(), dir)), port: 0 });
  let proxy: FlakyProxy | undefined;
  let sup: RuntimeSupervisor | undefined;
  try {
    proxy = await FlakyProxy.start({ targetPort: sim.port });
    const { profile, profileFile } = writeWorldProfile(dir, proxy.port, (r) => {
      r.host.responseTimeoutMs = 1000;
      // Room for a long run of offline sales (the limits are tested elsewhere).
      r.offline = {
        ...r.offline,
        floorLimitMinor: 10_000_000,
        totalLimitMinor: 1_000_000_000,
        maxCount: 10_000,
      };
    });
    const hostRequests: Record<string, number> = {};
    sim.on('request', (p) => {
      const mti = String(p.mti);
      hostRequests[mti] = (hostRequests[mti] ?? 0) + 1;
    });
    const startRnd = seededRandom(opts.seed + 1);
    sup = new RuntimeSupervisor({
      profileFile,
      logFile: join(dir, 'runtime.log'),
      crashPoints: opts.crashPoints ?? DEFAULT_CRASH_POINTS,
      seed: opts.seed,
      // now and then a kill during start-up: journal open and recovery, sign-on, first forwarding
      killWhileStarting: () =>
        startRnd() < (opts.startKillProbability ?? 0.15) ? Math.floor(startRnd() * 500) : undefined,
    });
    const stream = new SaleStream(opts, sim, proxy, sup, profile.control.socket!);
    const sales = await stream.run();
    const drained = await drain(sim, proxy, sup, profile.control.socket!);

    // Card data never on disk or in the log, whatever moment the kills hit.
    const card = TEST_CARDS[profile.reader.emulatorCard ?? DEFAULT_TEST_CARD];
    const files = ['', '-wal', '-shm'].map((x) => profile.journal.path + x).concat(join(dir, 'runtime.log'));
    const cardHits = scanFilesForCardData(files, [card.pan, testCardTrack2(card)]).map(
      (h) => `card data ${h.secret} in ${h.path.slice(dir.length + 1)} at ${h.offset} (${h.encoding})`,
    );

    const journal = Journal.open({ path: profile.journal.path, key: loadKeyFile(profile.journal.keyFile) });
    let check: ChaosCheck;
    try {
      check = checkChaos({
        sales,
        txns: journal.listTransactions({ limit: 100_000 }),
        pendingReversals: journal.pendingReversals().length,
        queuedAdvices: journal.listQueue('pending').length + journal.listQueue('sent').length,
        ledger: sim.ledger(profile.terminalId),
      });
    } finally {
      journal.close();
    }
    return {
      seed: opts.seed,
      ...check,
      kills: sup.kills,
      kills_at_crash_points: sup.killsAtCrashPoints,
      kills_while_starting: sup.killsWhileStarting,
      restarts: sup.starts - 1,
      cuts: proxy.stats.cuts,
      host_faults: stream.hostFaults,
      host_requests: hostRequests,
      slowest_sale_ms: Math.max(0, ...sales.map((x) => x.ms ?? 0)),
      slow_sales: sales.filter((x) => (x.ms ?? 0) > SLOW_SALE_MS).length,
      problems: [...sup.problems, ...drained, ...cardHits, ...check.problems],
      duration_ms: Date.now() - t0,
      ...(opts.keepDir ? { dir } : {}),
    };
  } finally {
    await sup?.kill();
    await proxy?.close();
    await sim.close();
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The end: network back, no faults, a clean runtime forwards everything, then stops. */
async function drain(
  sim: HostSim,
  proxy: FlakyProxy,
  sup: RuntimeSupervisor,
  socket: string,
): Promise<string[]> {
  await proxy.restore();
  sim.setFaults([]);
  await sup.stop();
  await sup.start(false);
  let report: ForwardReport | undefined;
  for (let i = 0; i < 100; i++) {
    report = await callRuntime<ForwardReport>(socket, 'queue.forward', {}, 30_000);
    if (report.remaining === 0) break;
    await sleep(200);
  }
  await sup.stop();
  return report?.remaining === 0 ? [] : [`queue not empty after forwarding: ${JSON.stringify(report)}`];
}

/** The stream of sales, with cuts, host faults and kills drawn from the seed. */
class SaleStream {
  hostFaults = 0;
  private readonly rnd: () => number;
  private readonly sales: SaleRecord[] = [];
  private cutUntil = -1;

  constructor(
    private readonly o: ChaosOptions,
    private readonly sim: HostSim,
    private readonly proxy: FlakyProxy,
    private readonly sup: RuntimeSupervisor,
    private readonly socket: string,
  ) {
    this.rnd = seededRandom(o.seed);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)];
  }

  private say(line: string): void {
    this.o.progress?.(line);
  }

  async run(): Promise<SaleRecord[]> {
    await this.sup.start(true);
    const maxSales = this.o.sales + 20 * Math.max(1, this.o.kills);
    for (let n = 1; n <= maxSales; n++) {
      if (n > this.o.sales && this.sup.kills >= this.o.kills) break;
      await this.weather(n);
      await this.sale(n);
    }
    return this.sales;
  }

  /** Before a sale: cut or restore the network, arm a one-shot host fault. */
  private async weather(n: number): Promise<void> {
    const pCut = this.o.cutProbability ?? 0.08;
    if (!this.proxy.isCut && this.rnd() < pCut) {
      const mode = this.pick(CUT_MODES);
      await this.proxy.cut(mode);
      this.cutUntil = n + 1 + Math.floor(this.rnd() * 3);
      this.say(`sale ${n}: network cut (${mode})`);
    } else if (this.proxy.isCut && n >= this.cutUntil) {
      await this.proxy.restore();
      this.say(`sale ${n}: network restored`);
    }
    if (this.rnd() < (this.o.faultProbability ?? 0.05)) {
      this.sim.setFaults(this.pick(FAULTS));
      this.hostFaults++;
    }
  }

  /** One sale; maybe a SIGKILL or a cut at a random moment during it; a restart after a death. */
  private async sale(n: number): Promise<void> {
    const { o, rnd, proxy } = this;
    // a unique amount per sale that the host approves (no decline endings)
    let amountMinor = n * 100 + Math.floor(rnd() * 100);
    while (BAD_ENDINGS.has(amountMinor % 100)) amountMinor++;
    const mode = rnd() < (o.offlineShare ?? 0.15) ? ('force-offline' as const) : ('prefer-online' as const);
    const pKill = o.killProbability ?? Math.min(0.5, o.kills / Math.max(1, o.sales) / 2);
    const forced = n > o.sales && this.sup.kills < o.kills;
    const killDelay = forced || rnd() < pKill ? Math.floor(rnd() * 80) : undefined;
    const cutDelay =
      !proxy.isCut && rnd() < (o.cutProbability ?? 0.08) / 2 ? Math.floor(rnd() * 40) : undefined;
    const cutMode: CutMode = rnd() < 0.5 ? 'reset' : 'refuse';
    const child = this.sup.child;
    const killTimer = killDelay === undefined ? undefined : sleep(killDelay).then(() => child.kill());
    const cutTimer =
      cutDelay === undefined
        ? undefined
        : sleep(cutDelay).then(async () => {
            await proxy.cut(cutMode);
            this.cutUntil = n + 2;
          });
    const rec: SaleRecord = { n, amountMinor, mode, outcome: 'error' };
    const t0 = Date.now();
    try {
      const r = await callRuntime<TxnResult>(this.socket, 'sale', { amountMinor, mode }, SALE_TIMEOUT_MS);
      Object.assign(rec, resultRecord(r));
    } catch (e) {
      const code = isPosError(e) ? e.code : 'unknown';
      rec.code = code;
      if (code === 'CONTROL_TIMEOUT') rec.outcome = 'hung';
      else if (code.startsWith('CONTROL_')) {
        // killed in the middle of the sale: the exit follows the closed socket closely
        await Promise.race([child.exited, sleep(3000)]);
        rec.outcome = child.alive ? 'error' : 'died';
      }
    }
    rec.ms = Date.now() - t0;
    if (rec.ms > SLOW_SALE_MS) this.say(`sale ${n}: ${rec.outcome} after ${rec.ms} ms`);
    this.sales.push(rec);
    await killTimer;
    await cutTimer;
    if (!child.alive) {
      await this.sup.restart();
      this.say(`sale ${n}: runtime killed (${this.sup.kills} kills), restarted`);
    } else {
      await sleep(Math.floor(rnd() * 20)); // let the forwarder work between sales
    }
  }
}

function resultRecord(r: TxnResult): Partial<SaleRecord> {
  const base = { stan: r.stan, batch: r.batch, rrn: r.rrn, code: r.responseCode ?? r.reason?.code };
  if (r.outcome === 'approved')
    return { ...base, outcome: r.approval === 'offline' ? 'approved-offline' : 'approved-online' };
  if (r.outcome === 'declined') return { ...base, outcome: 'declined' };
  return { ...base, outcome: 'failed', reversalPending: r.reversalPending !== undefined };
}
