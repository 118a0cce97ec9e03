/**
 * A settlement week on the fast clock (issue 10: `npm start` and the end-to-end tests): the host
 * simulator plays a settlement scenario (src/emulator/scenarios/), one real runtime per merchant
 * of the scenario makes its sales at their host times (an offline one while its network is cut,
 * forwarded when it comes back), settles its batches when the scenario says, and its tracker asks
 * the host on its own schedule while one ManualClock, shared by the simulator and the runtimes,
 * steps from timer to timer. At the end each sale's timeline is read through the RuntimeApi.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../clock.js';
import { FlakyProxy } from '../emulator/FlakyProxy.js';
import type { ScenarioSale, SettlementScenario } from '../emulator/hostScenario.js';
import { type HostSim, startHostSim } from '../emulator/hostSim.js';
import { TEST_CARDS, testCardTrack2 } from '../emulator/VirtualReaderCards.js';
import { PosError } from '../errors.js';
import { createLogger } from '../log.js';
import { PROFILES_DIR, parseProfile, profileTmk } from '../profile/loadProfile.js';
import { Runtime } from '../runtime/Runtime.js';
import type { RuntimeEvent } from '../runtime/RuntimeApi.js';
import type { SettlementTimelineResponse } from '../settlement/settlementReports.js';
import { HostZone } from '../settlement/timeline/HostZone.js';
import type { CardReaderPort, CardReadResult } from '../txn/ports.js';
import { formatWeekReport, type WeekLang } from './settlementWeekReport.js';

const CARD = TEST_CARDS['unionpay-contactless'];

/** The card every sale of the week is paid with (a contactless UnionPay test card). */
class WeekCardReader implements CardReaderPort {
  async readCard(): Promise<CardReadResult> {
    return {
      outcome: 'card',
      card: {
        pan: CARD.pan,
        track2: testCardTrack2(CARD),
        expiry: CARD.expiry,
        panSequence: '001',
        entryInterface: 'contactless',
      },
      cardMs: 1,
    };
  }
}

/** One merchant's terminal of the week. */
export interface WeekTerminal {
  merchantId: string;
  terminalId: string;
  dir: string;
  rt: Runtime;
  net: FlakyProxy;
  /** Runtime events seen (seq order) across restarts. */
  events: RuntimeEvent[];
}

/** A sale of the scenario as the terminal made it, and its timeline at the end. */
export interface WeekSale {
  sale: ScenarioSale;
  terminalId: string;
  rrn: string;
  approval: 'online' | 'offline';
  /** The journal's transaction id. */
  txnId: number;
  timeline?: SettlementTimelineResponse;
}

export interface WeekHook {
  /** Host time 'YYYY-MM-DD hh:mm'. */
  at: string;
  run: (w: SettlementWeek) => Promise<void> | void;
}

export interface SettlementWeekOptions {
  dir: string;
  scenario: SettlementScenario;
  /** Host time the week ends; default two hours after the scenario's last time. */
  until?: string;
  /** Things to do at host times (restart, host faults, a host that lost its data). */
  hooks?: WeekHook[];
  /** Edit each terminal's raw profile (tests: batch.maxCount ...). */
  // biome-ignore lint/suspicious/noExplicitAny: raw profile JSON
  editProfile?: (raw: Record<string, any>) => void;
}

interface Step {
  t: number;
  order: number;
  run: () => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SettlementWeek {
  readonly clock: ManualClock;
  readonly zone = new HostZone('Asia/Shanghai');
  sim!: HostSim;
  readonly terminals = new Map<string, WeekTerminal>();
  readonly sales: WeekSale[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: the emulator profile's raw JSON, edited per terminal
  private readonly raw: Record<string, any> = JSON.parse(
    readFileSync(join(PROFILES_DIR, 'emulator.json'), 'utf8'),
  );

  private constructor(private readonly o: SettlementWeekOptions) {
    this.clock = new ManualClock(this.hostTime(o.scenario.start));
  }

  /** The instant of a host time 'YYYY-MM-DD hh:mm[:ss]'. */
  hostTime(s: string): number {
    return this.zone.parseHostTime(s.replace(/\D/g, '').padEnd(14, '0'));
  }

  static async start(o: SettlementWeekOptions): Promise<SettlementWeek> {
    const w = new SettlementWeek(o);
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    w.sim = await startHostSim({ tmk: w.tmk(), port: 0, clock: w.clock, scenario: o.scenario });
    const merchants = [...new Set(o.scenario.sales.map((s) => s.merchant))];
    for (const [i, merchantId] of merchants.entries()) {
      const terminalId = `WEEK${String(i + 1).padStart(4, '0')}`;
      const dir = join(o.dir, terminalId);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const net = await FlakyProxy.start({ targetPort: w.sim.port });
      const t: WeekTerminal = { merchantId, terminalId, dir, net, events: [], rt: undefined as never };
      t.rt = await w.startRuntime(t);
      w.terminals.set(merchantId, t);
    }
    return w;
  }

  private tmk(): Buffer {
    return profileTmk(parseProfile(this.raw, this.o.dir));
  }

  private profileOf(t: Pick<WeekTerminal, 'merchantId' | 'terminalId' | 'dir' | 'net'>) {
    const raw = structuredClone(this.raw);
    raw.name = `week-${t.terminalId}`;
    raw.terminalId = t.terminalId;
    raw.merchantId = t.merchantId;
    raw.host.primary.port = t.net.port;
    // Timeouts in fast-clock time: the clock moves only between exchanges (see pump).
    raw.host.connectTimeoutMs = 10_000;
    raw.host.responseTimeoutMs = 60_000;
    raw.host.echoIntervalS = 0;
    raw.journal = { path: 'journal.db', keyFile: 'journal.key' };
    raw.control = { socket: 'control.sock' };
    const mode = (this.o.scenario.merchants?.[t.merchantId] ?? this.o.scenario.defaultContract)?.mode ?? 'T1';
    // Long enough that every sale of a scenario (the holiday one spans five weeks) stays in view.
    raw.settlement = { mode, trackDays: 40 };
    this.o.editProfile?.(raw);
    return parseProfile(raw, t.dir);
  }

  private async startRuntime(t: Omit<WeekTerminal, 'rt'>): Promise<Runtime> {
    const rt = await Runtime.start({
      profile: this.profileOf(t),
      reader: new WeekCardReader(),
      log: createLogger('posterm', { destination: join(t.dir, 'runtime.log') }),
      clock: this.clock,
      link: { backoff: { initialMs: 200, maxMs: 2000 } },
    });
    rt.subscribe(0, (e) => t.events.push(e));
    // The start-up sign-on runs in the background: let it end before the clock jumps ahead.
    while (rt.signingOn) await this.pump(pause(5));
    return rt;
  }

  /** Stop every runtime and start it again on its journal (a restart in the middle of tracking). */
  async restart(): Promise<void> {
    for (const t of this.terminals.values()) {
      await this.pump(t.rt.stop());
      t.rt = await this.startRuntime(t);
    }
  }

  /** The host loses its data (restored from an old backup): a new simulator on the same port. */
  async replaceHost(): Promise<void> {
    const port = this.sim.port;
    await this.sim.close();
    this.sim = await startHostSim({ tmk: this.tmk(), port, clock: this.clock, scenario: this.o.scenario });
  }

  /**
   * Wait for a promise while moving the clock a little (a sleep inside the link, a backoff), but
   * never far enough for a timeout of a real exchange on localhost.
   */
  async pump<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const out = p.finally(() => {
      done = true;
    });
    out.catch(() => undefined);
    await Promise.race([out, new Promise((r) => setImmediate(r))]).catch(() => undefined);
    while (!done) {
      await pause(2);
      if (!done) this.clock.advance(20);
    }
    return out;
  }

  /**
   * Every runtime's tracking pass and queued I/O finished (pumped: a pass can wait on the
   * link's reconnect backoff, which runs on this clock).
   */
  private async quiet(): Promise<void> {
    const trackers = () => [...this.terminals.values()].map((t) => t.rt.settlement.tracker);
    // Pumping may start another pass: done only when none runs at the same time.
    do await this.pump(Promise.all(trackers().map((t) => t.idle())));
    while (trackers().some((t) => t.busy));
  }

  /** Move the clock to `target`, timer by timer, letting each timer's work end before the next. */
  async runTo(target: number): Promise<void> {
    for (;;) {
      const next = this.clock.nextTimerIn();
      const now = this.clock.now();
      if (next === undefined || now + next > target) {
        if (target > now) this.clock.advance(target - now);
        await this.quiet();
        return;
      }
      this.clock.advance(next);
      await this.quiet();
    }
  }

  private terminal(merchant: string): WeekTerminal {
    const t = this.terminals.get(merchant);
    if (!t) throw new PosError('EMU_SCENARIO_INVALID', `no terminal for merchant ${merchant}`);
    return t;
  }

  private async sell(s: ScenarioSale, batchOf: Map<WeekSale, string>): Promise<void> {
    const t = this.terminal(s.merchant);
    if (s.forwardedAt) {
      await t.net.cut('refuse');
      await pause(50); // the link sees its connection close before the sale
    }
    const r = await this.pump(t.rt.sale({ amountMinor: s.amount }));
    if (r.outcome !== 'approved' || !r.approval) {
      throw new PosError(
        'EMU_WEEK_FAILED',
        `sale '${s.label}' was not approved: ${r.outcome} ${r.reason?.code ?? r.responseCode ?? ''}`,
      );
    }
    const sale: WeekSale = {
      sale: s,
      terminalId: t.terminalId,
      rrn: r.rrn ?? '',
      approval: r.approval,
      txnId: r.id,
    };
    this.sales.push(sale);
    batchOf.set(sale, s.batch ?? '000001');
  }

  private async forward(s: ScenarioSale): Promise<void> {
    const t = this.terminal(s.merchant);
    await t.net.restore();
    for (let i = 0; i < 50 && t.rt.queue().length > 0; i++) {
      await this.pump(t.rt.forwarder.forwardAll());
      if (t.rt.queue().length > 0) await this.pump(pause(20));
    }
    // The advice's answer carries the RRN the host gave it.
    const w = this.sales.find((x) => x.sale === s);
    const txn = w && t.rt.journal.listTransactions({ limit: 10_000 }).find((x) => x.id === w.txnId);
    if (w && txn?.rrn) w.rrn = txn.rrn;
  }

  private async settleBatch(batch: string, batchOf: Map<WeekSale, string>): Promise<void> {
    const merchants = new Set([...batchOf].filter(([, b]) => b === batch).map(([s]) => s.sale.merchant));
    for (const m of merchants) {
      const r = await this.pump(this.terminal(m).rt.settle());
      if (r.outcome !== 'balanced' && r.outcome !== 'uploaded') {
        throw new PosError('EMU_WEEK_FAILED', `batch ${batch} of ${m} not settled: ${r.outcome}`);
      }
      for (const [s, b] of batchOf) if (b === batch && s.sale.merchant === m) batchOf.delete(s);
    }
  }

  /** Play the scenario to the end and read every sale's timeline. */
  async play(): Promise<WeekSale[]> {
    const sc = this.o.scenario;
    const batchOf = new Map<WeekSale, string>();
    const steps: Step[] = [];
    for (const s of sc.sales) {
      steps.push({ t: this.hostTime(s.at), order: 1, run: () => this.sell(s, batchOf) });
      if (s.forwardedAt)
        steps.push({ t: this.hostTime(s.forwardedAt), order: 0, run: () => this.forward(s) });
    }
    for (const b of sc.batches)
      steps.push({ t: this.hostTime(b.settledAt), order: 2, run: () => this.settleBatch(b.batch, batchOf) });
    for (const h of this.o.hooks ?? [])
      steps.push({ t: this.hostTime(h.at), order: 3, run: async () => h.run(this) });
    steps.sort((a, b) => a.t - b.t || a.order - b.order);
    for (const step of steps) {
      await this.runTo(step.t);
      await step.run();
    }
    await this.runTo(this.o.until ? this.hostTime(this.o.until) : this.lastTime() + 2 * 3_600_000);
    for (const s of this.sales) {
      const t = this.terminal(s.sale.merchant);
      if (s.rrn) s.timeline = await t.rt.settlementTimeline({ rrn: s.rrn });
    }
    return this.sales;
  }

  private lastTime(): number {
    const sc = this.o.scenario;
    const times = [
      ...sc.sales.flatMap((s) => [s.at, s.forwardedAt ?? s.at, ...s.expect.map((e) => e.at)]),
      ...sc.batches.map((b) => b.settledAt),
    ].map((s) => this.hostTime(s));
    return Math.max(...times);
  }

  /** 0800/951 inquiries each terminal sent (from its journal). */
  inquiries(): Map<string, number> {
    return new Map(
      [...this.terminals.values()].map((t) => [
        t.terminalId,
        t.rt.journal.settlementInquiriesSince(0).length,
      ]),
    );
  }

  async close(): Promise<void> {
    for (const t of this.terminals.values()) {
      await this.pump(t.rt.stop()).catch(() => undefined);
      await t.net.close();
    }
    await this.sim.close();
  }
}

/** What `npm start`'s settlement week found (its JSON summary). */
export interface WeekSummary {
  scenario: string;
  sales: number;
  arrived: number;
  late: number;
  /** Causes of the delay segments, each once. */
  causes: string[];
  /** 0800/951 inquiries the terminals sent. */
  inquiries: number;
  /** Every sale arrived and is explained. */
  ok: boolean;
}

/** Play a scenario's week (default every-cause) and print what arrived when and why. */
export async function runSettlementWeek(opts: {
  dir: string;
  scenario: SettlementScenario;
  lang: WeekLang;
  write: (s: string) => void;
}): Promise<WeekSummary> {
  const { scenario, write } = opts;
  const started = Date.now();
  const w = await SettlementWeek.start({ dir: opts.dir, scenario });
  write(
    `\nsettlement week on the fast clock: scenario ${scenario.name}, from ${scenario.start} (host time, ` +
      `Asia/Shanghai); ${w.terminals.size} merchants' terminals against the simulator as acquirer\n`,
  );
  write(`${scenario.description}\n\n`);
  try {
    const sales = await w.play();
    const inquiries = [...w.inquiries().values()].reduce((a, b) => a + b, 0);
    write(formatWeekReport(sales, scenario, opts.lang));
    const arrived = sales.filter((s) => s.timeline?.row.stage === 'arrived').length;
    write(
      `${sales.length} payments, ${arrived} arrived, ${sales.filter((s) => s.timeline?.row.delayMs).length} late; ` +
        `the terminals asked the host ${inquiries} times (0800/951) on their own schedule; ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return {
      scenario: scenario.name,
      sales: sales.length,
      arrived,
      late: sales.filter((s) => s.timeline?.row.delayMs).length,
      causes: [...new Set(sales.flatMap((s) => s.timeline?.segments.map((g) => g.cause) ?? []))],
      inquiries,
      ok: arrived === sales.length && sales.length === scenario.sales.length,
    };
  } finally {
    await w.close();
  }
}
