/**
 * The chaos run of store-and-forward (issue 5), shared by `npm run chaos` and the in-suite test:
 * the runtime as a child process against the host simulator behind a FlakyProxy, a stream of
 * sales over the control socket, network cuts and host faults at random, SIGKILLs at random
 * moments and at the crash points (src/txn/crashPoints.ts), restarts on the same journal.
 * At the end the runtime restarts cleanly, forwards everything, and the till's view, the
 * journal and the ledger are compared (chaosCheck.ts). Randomness comes from one seed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CutMode, FlakyProxy } from '../../src/emulator/FlakyProxy.js';
import type { LedgerEntry } from '../../src/emulator/hostLedger.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { DEFAULT_TEST_CARD, TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { isPosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import type { TxnRecord } from '../../src/journal/types.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { seededRandom } from '../../src/txn/crashPoints.js';
import type { ForwardReport } from '../../src/txn/Forwarder.js';
import type { TxnResult } from '../../src/txn/types.js';
import { callApi } from '../helpers/callApi.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { type ChaosCheck, checkChaos, type SaleRecord } from './chaosCheck.js';
import { GarbageWriter, SecondRuntimes, SMUGGLED_MINOR, vanishingRequest } from './chaosFaults.js';
import { RuntimeSupervisor } from './chaosSupervisor.js';
import { emulatorProfileRaw, writeWorldProfile } from './world.js';

export const DEFAULT_CRASH_POINTS =
  'after-commit:0.03,after-answer:0.03,forward-after-commit:0.02,forward-after-answer:0.03';

/** Defaults of the issue-8 faults: each shows up a few times in a ~30-sale run. */
export const DEFAULT_FAULTS = {
  /** per 100 ms in the child: a disk-full episode starts */
  diskFull: 0.1,
  /** longest disk-full episode */
  diskFullMs: 300,
  /** per sale: the till sends it and vanishes */
  vanish: 0.1,
  /** per 100 ms: a garbage connection */
  garbage: 0.1,
  /** per sale: a second runtime is started on the same profile */
  secondRuntime: 0.08,
};

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
  /** Per 100 ms in the runtime child: a disk-full episode starts (POSTERM_JOURNAL_FAULTS; 0: none). */
  diskFullProbability?: number;
  /** Longest disk-full episode in ms. */
  diskFullMaxMs?: number;
  /** Per sale: the till writes the request and vanishes without reading the answer. */
  vanishProbability?: number;
  /** Per 100 ms: a background connection writes garbage to the control socket. */
  garbageProbability?: number;
  /** Per sale (while none is in progress): a second runtime is started on the same profile. */
  secondRuntimeProbability?: number;
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
  /** Disk-full episodes in the runtime children (journal capped at its size for a while). */
  disk_full_episodes: number;
  /** Sales answered with reason JOURNAL_DISK_FULL (refused, or approved and then reversed). */
  disk_full_sales: number;
  /** Outcomes the runtime held in memory because the journal could not write them (log lines). */
  held_outcomes: number;
  /** Connections that wrote garbage to the control socket. */
  garbage_connections: number;
  /** Second runtimes started on the same profile, refused with JOURNAL_LOCKED, and the slowest refusal. */
  second_runtimes: number;
  second_runtimes_refused: number;
  /** Second runtimes that started because the first had died meanwhile (at a crash point). */
  second_runtimes_took_over: number;
  slowest_refusal_ms: number;
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
    const diskFull = opts.diskFullProbability ?? DEFAULT_FAULTS.diskFull;
    sup = new RuntimeSupervisor({
      profileFile,
      logFile: join(dir, 'runtime.log'),
      crashPoints: opts.crashPoints ?? DEFAULT_CRASH_POINTS,
      journalFaults:
        diskFull > 0
          ? `disk-full:${diskFull},disk-full-ms:${opts.diskFullMaxMs ?? DEFAULT_FAULTS.diskFullMs}`
          : '',
      seed: opts.seed,
      // now and then a kill during start-up: journal open and recovery, sign-on, first forwarding
      killWhileStarting: () =>
        startRnd() < (opts.startKillProbability ?? 0.15) ? Math.floor(startRnd() * 500) : undefined,
    });
    const socket = profile.control.socket!;
    const garbage = new GarbageWriter(
      socket,
      seededRandom(opts.seed + 2),
      opts.garbageProbability ?? DEFAULT_FAULTS.garbage,
    );
    const seconds = new SecondRuntimes(profileFile, join(dir, 'runtime-second.log'), socket);
    const stream = new SaleStream(opts, sim, proxy, sup, socket, seconds);
    let sales: SaleRecord[];
    try {
      garbage.start();
      // past the sales and kills asked for, the run goes on until each fault asked for happened
      sales = await stream.run(
        () =>
          (diskFull === 0 || sup!.diskFullEpisodesSoFar > 0) &&
          (garbage.probability === 0 || garbage.connections > 0),
      );
    } finally {
      await garbage.stop();
      await seconds.settle();
    }
    const drained = await drain(sim, proxy, sup, socket);
    const logText = readFileSync(join(dir, 'runtime.log'), 'utf8');

    // Card data never on disk or in the log, whatever moment the kills hit.
    const card = TEST_CARDS[profile.reader.emulatorCard ?? DEFAULT_TEST_CARD];
    const files = ['', '-wal', '-shm']
      .map((x) => profile.journal.path + x)
      .concat(join(dir, 'runtime.log'), join(dir, 'runtime-second.log'))
      .filter((f) => existsSync(f));
    const cardHits = scanFilesForCardData(files, [card.pan, testCardTrack2(card)]).map(
      (h) => `card data ${h.secret} in ${h.path.slice(dir.length + 1)} at ${h.offset} (${h.encoding})`,
    );

    const journal = Journal.open({ path: profile.journal.path, key: loadKeyFile(profile.journal.keyFile) });
    let check: ChaosCheck;
    let unasked: string[];
    try {
      const txns = journal.listTransactions({ limit: 100_000 });
      unasked = unaskedFor(sales, txns, sim.ledger(profile.terminalId));
      check = checkChaos({
        sales,
        txns,
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
      disk_full_episodes: sup.diskFullEpisodes,
      disk_full_sales: sales.filter((x) => x.reason === 'JOURNAL_DISK_FULL').length,
      held_outcomes: logText.match(/journal cannot record the outcome/g)?.length ?? 0,
      garbage_connections: garbage.connections,
      second_runtimes: seconds.started,
      second_runtimes_refused: seconds.refused,
      second_runtimes_took_over: seconds.tookOver,
      slowest_refusal_ms: seconds.slowestRefusalMs,
      host_requests: hostRequests,
      slowest_sale_ms: Math.max(0, ...sales.map((x) => x.ms ?? 0)),
      slow_sales: sales.filter((x) => (x.ms ?? 0) > SLOW_SALE_MS).length,
      problems: [
        ...sup.problems,
        ...seconds.problems,
        ...drained,
        ...cardHits,
        ...unasked,
        ...check.problems,
      ],
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

/**
 * Sales nobody of the stream asked for (each sale has its own amount): a journal purchase or a
 * host charge of another amount, e.g. the sale the garbage writer hides behind a bad frame.
 */
function unaskedFor(sales: SaleRecord[], txns: TxnRecord[], ledger: LedgerEntry[]): string[] {
  const asked = new Set(sales.map((s) => s.amountMinor));
  const out: string[] = [];
  for (const t of txns)
    if ((t.kind === 'purchase' || t.kind === 'offline-sale') && !asked.has(t.amountMinor))
      out.push(`journal ${t.kind} of ${t.amountMinor} (STAN ${t.stan}) that no sale asked for`);
  for (const e of ledger)
    if (e.kind !== 'inquiry' && !asked.has(e.amount))
      out.push(`host ${e.kind} of ${e.amount} (STAN ${e.stan}) that no sale asked for`);
  if (asked.has(SMUGGLED_MINOR)) out.push(`a sale of the stream has the smuggled amount ${SMUGGLED_MINOR}`);
  return out;
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
    report = await callApi(socket, (c) => c.queueForward(), 30_000);
    if (report.remaining === 0) break;
    await sleep(200);
  }
  await sup.stop();
  return report?.remaining === 0 ? [] : [`queue not empty after forwarding: ${JSON.stringify(report)}`];
}

/** The stream of sales, with cuts, host faults and kills drawn from the seed. */
class SaleStream {
  hostFaults = 0;
  vanished = 0;
  private readonly rnd: () => number;
  /** the issue-8 faults draw from their own sequence (the older draws stay as they were per seed) */
  private readonly faultRnd: () => number;
  private readonly sales: SaleRecord[] = [];
  private cutUntil = -1;

  constructor(
    private readonly o: ChaosOptions,
    private readonly sim: HostSim,
    private readonly proxy: FlakyProxy,
    private readonly sup: RuntimeSupervisor,
    private readonly socket: string,
    private readonly seconds: SecondRuntimes,
  ) {
    this.rnd = seededRandom(o.seed);
    this.faultRnd = seededRandom(o.seed + 3);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)];
  }

  private say(line: string): void {
    this.o.progress?.(line);
  }

  async run(faultsSeen: () => boolean): Promise<SaleRecord[]> {
    await this.sup.start(true);
    const maxSales = this.o.sales + 20 * Math.max(1, this.o.kills);
    for (let n = 1; n <= maxSales; n++) {
      if (n > this.o.sales && this.sup.kills >= this.o.kills && faultsSeen()) break;
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

  /**
   * One sale; maybe a SIGKILL or a cut at a random moment during it, a second runtime started
   * beside it, or a till that vanishes after sending it; a restart after a death.
   */
  private async sale(n: number): Promise<void> {
    const { o, rnd, proxy, faultRnd } = this;
    // a unique amount per sale that the host approves (no decline endings)
    let amountMinor = n * 100 + Math.floor(rnd() * 100);
    while (BAD_ENDINGS.has(amountMinor % 100)) amountMinor++;
    const mode = rnd() < (o.offlineShare ?? 0.15) ? ('force-offline' as const) : ('prefer-online' as const);
    const pKill = o.killProbability ?? Math.min(0.5, o.kills / Math.max(1, o.sales) / 2);
    const forced = n > o.sales && this.sup.kills < o.kills;
    // a second runtime is refused only while the first lives: a forced kill waits for it
    if (forced) await this.seconds.settle();
    let killDelay = forced || rnd() < pKill ? Math.floor(rnd() * 80) : undefined;
    // Issue 8: each kind shows up at least once when asked for (forced from the middle of the run:
    // a vanishing till until one vanished, a second runtime until one was refused).
    const half = n >= Math.ceil(o.sales / 2);
    const pVanish = o.vanishProbability ?? DEFAULT_FAULTS.vanish;
    const vanish = (faultRnd() < pVanish || (half && this.vanished === 0)) && pVanish > 0;
    const vanishDelay = Math.floor(faultRnd() * 150);
    const halfClose = faultRnd() < 0.5;
    const pSecond = o.secondRuntimeProbability ?? DEFAULT_FAULTS.secondRuntime;
    const second = (faultRnd() < pSecond || (half && this.seconds.refused === 0)) && pSecond > 0 && !forced;
    // and no random kill while one starts
    if (second || this.seconds.busy) killDelay = forced ? killDelay : undefined;
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
    if (second && !this.seconds.busy) {
      this.seconds.launch(child);
      this.say(`sale ${n}: second runtime started`);
    }
    const rec: SaleRecord = { n, amountMinor, mode, outcome: 'error' };
    const t0 = Date.now();
    if (vanish) {
      if (
        (await vanishingRequest(this.socket, n, { amountMinor, mode }, vanishDelay, halfClose)) === 'sent'
      ) {
        rec.outcome = 'vanished';
        this.vanished++;
      } else {
        rec.code = 'CONTROL_UNREACHABLE';
        await Promise.race([child.exited, sleep(3000)]);
        rec.outcome = child.alive ? 'error' : 'died';
      }
    } else
      try {
        const r = await callApi(this.socket, (c) => c.sale({ amountMinor, mode }), SALE_TIMEOUT_MS);
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
      await this.seconds.settle(); // a second runtime that took over is stopped first
      await this.sup.restart();
      this.say(`sale ${n}: runtime killed (${this.sup.kills} kills), restarted`);
    } else {
      await sleep(Math.floor(rnd() * 20)); // let the forwarder work between sales
    }
  }
}

function resultRecord(r: TxnResult): Partial<SaleRecord> {
  const base = {
    stan: r.stan,
    batch: r.batch,
    rrn: r.rrn,
    code: r.responseCode ?? r.reason?.code,
    reason: r.reason?.code,
  };
  if (r.outcome === 'approved')
    return { ...base, outcome: r.approval === 'offline' ? 'approved-offline' : 'approved-online' };
  if (r.outcome === 'declined') return { ...base, outcome: 'declined' };
  // a failure after the host's 00 (the journal could not record it) is counted by its reason
  return {
    ...base,
    outcome: 'failed',
    code: r.reason?.code ?? r.responseCode,
    reversalPending: r.reversalPending !== undefined,
  };
}
