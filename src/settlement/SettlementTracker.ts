/**
 * Follows every approved sale to the merchant's account (issue 10 section 2): asks the host with
 * the private settlement status inquiry (0800, 60.3 = 951, up to 8 RRNs in field 62) on the
 * schedule of trackingSchedule.ts, and appends each answer to the journal.
 *
 * - Journal before wire: the inquiry (and each transaction's "asked at") is committed before the
 *   0800 goes out, the observations in the commit right after the 0810. State lives in the
 *   journal only, so a restart resumes where the last run stopped, without asking twice.
 * - One exchange at a time on the link: each inquiry runs inside the Lane and releases it
 *   before the next one, so a sale waiting in line goes first.
 * - A record `X` (unknown to the host) is journalled and logged as SETTLE_STATUS_UNKNOWN; an 0810
 *   whose field 62 does not make sense is SETTLE_INQUIRY_BAD_ANSWER, a refusal
 *   SETTLE_INQUIRY_DECLINED: logged, the inquiry's result kept, tracking goes on.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { isHostFailure, isPosError, PosError } from '../errors.js';
import {
  type SettlementStatusRecord,
  settlementStatusInquiryRequestToMessage,
} from '../iso8583/views/cupPos.js';
import type { Journal } from '../journal/Journal.js';
import type { NewSettlementObservation, TrackedTxn } from '../journal/types.js';
import type { Logger } from '../log.js';
import type { Lane } from '../txn/Lane.js';
import type { HostPort } from '../txn/ports.js';
import { readStatusAnswer } from './readStatusAnswer.js';
import { type SettlementStatusChange, statusChangeOf } from './settlementStatusChange.js';
import { HostZone } from './timeline/HostZone.js';
import {
  DAY_MS,
  HOUR_MS,
  planInquiries,
  SCHEDULE,
  type ScheduleConfig,
  type ScheduleItem,
} from './trackingSchedule.js';

export type TrackerJournal = Pick<
  Journal,
  | 'trackedSettlements'
  | 'settlementInquiryAttempt'
  | 'settlementInquiryResult'
  | 'settlementInquiriesSince'
  | 'nextStan'
  | 'currentBatch'
>;

export type { SettlementStatusChange };

export interface SettlementTrackerDeps {
  journal: TrackerJournal;
  host: HostPort;
  lane: Lane;
  clock: Clock;
  log: Logger;
  terminalId: string;
  merchantId: string;
  /** The host's time zone (profile `timeZone`), to read the records' times. */
  timeZone: string;
  /** Read at each pass (a profile reload applies at the next one). */
  config: () => ScheduleConfig;
  /** A sale's host record changed (status, mode, expected arrival or reason), once journalled. */
  onChange?: (c: SettlementStatusChange) => void;
}

/** What one pass did (the answer to `settlement track`). */
export interface SettlementTrackReport {
  /** Transactions asked about. */
  asked: number;
  /** 0800/951 messages sent. */
  messages: number;
  /** Observations appended to the journal. */
  observations: number;
  /** Of them, money arrived (status A): tracking of those ends. */
  arrived: number;
  /** Due transactions left for later by the hourly ceiling. */
  deferred: number;
  /** The pass stopped because the host could not be reached. */
  unreachable: boolean;
  /** Coded problems (X records, bad answers, refusals, no answer), masked: RRNs only. */
  errors: { code: string; rrn?: string }[];
}

const emptyReport = (): SettlementTrackReport => ({
  asked: 0,
  messages: 0,
  observations: 0,
  arrived: 0,
  deferred: 0,
  unreachable: false,
  errors: [],
});

export class SettlementTracker {
  private readonly zone: HostZone;
  private timer?: TimerHandle;
  private running?: Promise<SettlementTrackReport>;
  private again = false;
  /** The last pass could not reach the host: the next one waits RETRY_MS. */
  private unreachable = false;
  private started = false;
  private stopped = false;
  private readonly forcedTxns = new Set<number>();
  /** When the pending timer fires (clock ms). */
  private timerDue = 0;
  /** Settled batches and when their transactions become due (FIRST_MS after the 0510). */
  private readonly forcedBatches = new Map<string, number>();

  constructor(private readonly d: SettlementTrackerDeps) {
    this.zone = new HostZone(d.timeZone);
  }

  /** Plans the first pass (from the journal: what the last run left). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.wakeIn(0);
  }

  /** No new pass; waits for the inquiry in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Look again: after an authorisation (the new transaction becomes due FIRST_MS later), after a
   * batch settlement (`batch`: its transactions are due FIRST_MS after it, the host clears them).
   */
  kick(force: { batch?: string } = {}): void {
    if (this.stopped) return;
    if (force.batch !== undefined)
      this.forcedBatches.set(force.batch, this.d.clock.now() + SCHEDULE.FIRST_MS);
    if (!this.started) return;
    // Nothing new is due before FIRST_MS: one pass then covers every sale of that span, instead
    // of a pass (a read of every tracked sale) after each approval.
    const due = this.d.clock.now() + SCHEDULE.FIRST_MS;
    if (this.timer && this.timerDue <= due) return;
    // A pass running plans again from the journal when it ends (afterPass), new sales and
    // forced batches included; another pass at once would only read every tracked sale again.
    if (this.running) return;
    this.wakeIn(SCHEDULE.FIRST_MS);
  }

  /** Plan again now (the configuration changed): a pass at once, or right after the running one. */
  replan(): void {
    if (!this.started || this.stopped) return;
    if (this.running) this.again = true;
    else this.wakeIn(0);
  }

  /** A pass is running. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no pass is running (tests, stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Ask the host now about every tracked transaction (`posterm settlement track`). */
  async trackNow(): Promise<SettlementTrackReport> {
    if (this.stopped) throw new PosError('TXN_STOPPING', 'the runtime is stopping');
    await this.running?.catch(() => undefined);
    return this.runPass(true);
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timerDue = this.d.clock.now() + Math.max(0, ms);
    this.timer = this.d.clock.setTimeout(
      () => {
        this.timer = undefined;
        void this.runPass(false).catch(() => undefined);
      },
      Math.max(0, ms),
    );
  }

  private runPass(manual: boolean): Promise<SettlementTrackReport> {
    const p = (this.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.pass(manual))
      .finally(() => {
        if (this.running === p) this.running = undefined;
        this.afterPass();
      });
    this.running = p;
    return p;
  }

  private afterPass(): void {
    if (this.stopped || this.running) return;
    if (this.unreachable) {
      this.again = false;
      this.wakeIn(SCHEDULE.RETRY_MS);
      return;
    }
    if (this.again) {
      this.again = false;
      this.wakeIn(0);
      return;
    }
    try {
      const { plan } = this.plan(false);
      const now = this.d.clock.now();
      const forcedAt = [...this.forcedBatches.values()].filter((t) => t > now);
      const wake = Math.min(plan.wakeAt ?? Number.POSITIVE_INFINITY, ...forcedAt);
      if (plan.inquiries.length > 0) this.wakeIn(0);
      else if (Number.isFinite(wake)) this.wakeIn(wake - now);
    } catch (e) {
      this.d.log.warn({ code: codeOf(e) }, 'settlement tracking: journal not read, retried later');
      this.wakeIn(SCHEDULE.RETRY_MS);
    }
  }

  private plan(manual: boolean) {
    const { journal, clock } = this.d;
    const cfg = this.d.config();
    const now = clock.now();
    const tracked = journal.trackedSettlements(now - cfg.trackDays * DAY_MS - HOUR_MS);
    const byId = new Map(tracked.map((t) => [t.txnId, t]));
    const items = tracked.map((t) => this.item(t));
    const forced = (i: ScheduleItem) => {
      if (this.forcedTxns.has(i.txnId)) return true;
      const at = this.forcedBatches.get(byId.get(i.txnId)?.batch ?? '');
      return at !== undefined && at <= now;
    };
    const plan = planInquiries(items, journal.settlementInquiriesSince(now - HOUR_MS), now, cfg, {
      forced,
      manual,
    });
    return { plan, byId };
  }

  private item(t: TrackedTxn): ScheduleItem {
    const out: ScheduleItem = { txnId: t.txnId, rrn: t.rrn, authorisedAt: t.authorisedAt };
    if (t.askedAt !== undefined) out.askedAt = t.askedAt;
    if (t.latest) {
      out.latest = { status: t.latest.status, learntAt: t.latest.learntAt };
      if (t.latest.expectedArrival)
        out.latest.expectedArrival = this.zone.parseHostTime(t.latest.expectedArrival);
    }
    return out;
  }

  private async pass(manual: boolean): Promise<SettlementTrackReport> {
    const report = emptyReport();
    if (this.stopped) return report;
    const { plan, byId } = this.plan(manual);
    // A due settled batch becomes its transactions (kept until they are asked: the ceiling may defer them).
    const now = this.d.clock.now();
    for (const [batch, at] of this.forcedBatches) {
      if (at > now) continue;
      this.forcedBatches.delete(batch);
      for (const t of byId.values()) if (t.batch === batch) this.forcedTxns.add(t.txnId);
    }
    for (const id of this.forcedTxns) if (!byId.has(id)) this.forcedTxns.delete(id);
    report.deferred = plan.deferred;
    for (const group of plan.inquiries) {
      if (this.stopped) break;
      // Released between inquiries: a sale waiting in line goes first.
      const r = await this.d.lane.run(() => this.inquire(group, byId));
      for (const i of group) this.forcedTxns.delete(i.txnId);
      report.asked += group.length;
      report.messages += 1;
      report.observations += r.observations;
      report.arrived += r.arrived;
      report.errors.push(...r.errors);
      if (r.unreachable) {
        report.unreachable = true;
        break;
      }
    }
    if (report.messages > 0 || plan.deferred > 0) {
      this.d.log.info(
        {
          asked: report.asked,
          messages: report.messages,
          arrived: report.arrived,
          deferred: report.deferred,
          errors: report.errors.length,
          manual,
        },
        'settlement status inquiry',
      );
    }
    this.unreachable = report.unreachable;
    return report;
  }

  /** One 0800/951: committed, sent, answered, journalled. Never throws for a host problem. */
  private async inquire(
    group: readonly ScheduleItem[],
    known: ReadonlyMap<number, TrackedTxn>,
  ): Promise<{
    observations: number;
    arrived: number;
    unreachable: boolean;
    errors: { code: string; rrn?: string }[];
  }> {
    const { journal, host, clock, log } = this.d;
    const out = {
      observations: 0,
      arrived: 0,
      unreachable: false,
      errors: [] as { code: string; rrn?: string }[],
    };
    const rrns = group.map((i) => i.rrn);
    const stan = journal.nextStan();
    const msg = settlementStatusInquiryRequestToMessage({
      stan,
      terminalId: this.d.terminalId,
      merchantId: this.d.merchantId,
      batch: journal.currentBatch(),
      rrns,
    });
    const inquiryId = journal.settlementInquiryAttempt(
      stan,
      group.map((i) => ({ txnId: i.txnId, rrn: i.rrn })),
    );
    let answer: Awaited<ReturnType<HostPort['send']>>;
    try {
      answer = await host.send(msg);
    } catch (e) {
      const code = codeOf(e);
      journal.settlementInquiryResult(inquiryId, `no-answer ${code}`);
      log.warn({ code, stan, rrns: rrns.length }, 'settlement status inquiry: no answer');
      out.errors.push({ code });
      out.unreachable = isHostFailure(e);
      return out;
    }
    const learntAt = clock.now();
    let records: { rec: SettlementStatusRecord; raw: string }[];
    try {
      records = readStatusAnswer(answer.message, rrns);
    } catch (e) {
      const err = isPosError(e) ? e : new PosError('SETTLE_INQUIRY_BAD_ANSWER', String(e));
      journal.settlementInquiryResult(
        inquiryId,
        `${err.code === 'SETTLE_INQUIRY_DECLINED' ? 'declined' : 'bad-answer'} ${err.context.responseCode ?? err.code}`,
      );
      log.warn({ code: err.code, context: err.context, stan }, err.message);
      out.errors.push({ code: err.code });
      return out;
    }
    const observations: (NewSettlementObservation & { txnId: number })[] = records.map(({ rec, raw }, k) => ({
      txnId: group[k].txnId,
      rrn: rec.rrn,
      learntAt,
      status: rec.status,
      mode: rec.settlementMode,
      expectedArrival: rec.expectedArrival ?? null,
      clearedAt: rec.clearedAt ?? null,
      arrivedAt: rec.arrivedAt ?? null,
      delayReason: rec.delayReason,
      record: raw,
    }));
    journal.settlementInquiryResult(inquiryId, 'ok', observations);
    out.observations = observations.length;
    for (const o of observations) this.tellChange(o, known.get(o.txnId)?.latest);
    for (const o of observations) {
      if (o.status === 'A') out.arrived++;
      if (o.status === 'X') {
        const e = new PosError(
          'SETTLE_STATUS_UNKNOWN',
          'the host does not know this transaction (status X)',
          {
            rrn: o.rrn,
            txnId: o.txnId,
          },
        );
        log.warn({ code: e.code, rrn: o.rrn, txnId: o.txnId }, e.message);
        out.errors.push({ code: e.code, rrn: o.rrn });
      }
    }
    return out;
  }

  private tellChange(o: NewSettlementObservation & { txnId: number }, prev: TrackedTxn['latest']): void {
    const c = this.d.onChange && statusChangeOf(o, prev, this.zone);
    if (!c) return;
    try {
      this.d.onChange?.(c);
    } catch (e) {
      this.d.log.warn({ code: codeOf(e), txnId: o.txnId }, 'settlement status change: listener failed');
    }
  }
}

function codeOf(e: unknown): string {
  return isPosError(e) ? e.code : 'unknown';
}
