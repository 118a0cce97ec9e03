/**
 * The host simulator's acquirer side: clearing and payout of every sale in the ledger, per the
 * merchant's contract, the Chinese business-day calendar and the bank, on the injected clock and
 * deterministic from a seed (docs/host-simulator.md, "Settlement engine").
 *
 * A sale's plan is computed from the ledger and what the host knows at `asOf` (a hold, a failed
 * transfer or a late batch only once it happened): the status phases over time (P, C, H, F, A),
 * the ideal arrival (the contract read literally from the sale), the arrival, and the delay from
 * one to the other split into contiguous segments, each with the section-5 reason that caused it,
 * in the same order the terminal's attribution applies them (src/settlement/timeline/).
 */
import { PosError } from '../errors.js';
import type { DelayReason, SettlementMode } from '../iso8583/views/cupPosStatusRecord.js';
import { bundledCalendar, type HolidayCalendar } from '../settlement/calendar/HolidayCalendar.js';
import { HostZone } from '../settlement/timeline/HostZone.js';
import { HostLedger, type LedgerEntry } from './hostLedger.js';
import type { HostSettlementStatus } from './hostRules.js';
import {
  type AccountClass,
  D0_ELIGIBLE_ACCOUNTS,
  DEFAULT_CONTRACT,
  type MerchantContract,
  type SettlementSettings,
} from './settlementContract.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The status a sale has from `from` on (until the next phase). */
export interface SettlementPhase {
  status: 'P' | 'C' | 'H' | 'F' | 'A';
  from: number;
}

/** A stretch of the delay, from the ideal arrival on, and the reason that caused it. */
export interface SettlementDelay {
  reason: DelayReason;
  from: number;
  to: number;
}

export interface SettlementPlan {
  rrn: string;
  contractMode: SettlementMode;
  /** The mode the host pays by (D0 falls back to T1 with reason 03 or 04). */
  mode: SettlementMode;
  /** When the host had the sale (an advice: when it was forwarded). */
  receivedAt: number;
  ideal: number;
  clearedAt: number;
  arrival: number;
  phases: SettlementPhase[];
  delays: SettlementDelay[];
}

export interface SettlementEngineOptions {
  ledger: HostLedger;
  settings?: SettlementSettings;
  /** Default: the bundled calendar. */
  calendar?: HolidayCalendar;
}

interface Contract {
  mode: SettlementMode;
  cutOffMs: number;
  payoutMs: number;
  d0PayoutMs: number;
  d0LimitPerTxn: number;
  d0LimitPerDay: number;
  accountClass: AccountClass;
  delayMs: number;
  source: MerchantContract;
}

function timeOfDay(hhmm: string): number {
  return (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * MINUTE_MS;
}

function resolve(c: MerchantContract): Contract {
  return {
    mode: c.mode,
    cutOffMs: timeOfDay(c.cutOff ?? '23:00'),
    payoutMs: timeOfDay(c.payoutTime ?? '09:00'),
    d0PayoutMs: (c.d0PayoutMinutes ?? 30) * MINUTE_MS,
    d0LimitPerTxn: c.d0LimitPerTxn ?? Number.POSITIVE_INFINITY,
    d0LimitPerDay: c.d0LimitPerDay ?? Number.POSITIVE_INFINITY,
    accountClass: c.accountClass ?? 'corporate',
    delayMs: (c.delayedSettlementHours ?? 0) * HOUR_MS,
    source: c,
  };
}

/** A number in [0, 1) from the seed, a salt and an RRN: the same inputs always draw the same. */
export function seededDraw(seed: number, salt: string, rrn: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of `${salt}/${rrn}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** Contiguous delay segments from the ideal arrival: each push gives the time up to `to` to a reason. */
class Delays {
  readonly list: SettlementDelay[] = [];
  constructor(private cursor: number) {}
  push(to: number, reason: DelayReason): void {
    if (!(to > this.cursor)) return;
    const last = this.list.at(-1);
    if (last && last.reason === reason) last.to = to;
    else this.list.push({ reason, from: this.cursor, to });
    this.cursor = to;
  }
}

export class SettlementEngine {
  readonly seed: number;
  private readonly zone = new HostZone('Asia/Shanghai');
  private readonly calendar: HolidayCalendar;
  private readonly ledger: HostLedger;
  private readonly fallback: Contract;
  private readonly contracts = new Map<string, Contract>();
  private readonly windows: { from: number; to: number }[];

  constructor(opts: SettlementEngineOptions) {
    const s = opts.settings ?? {};
    this.ledger = opts.ledger;
    this.seed = s.seed ?? 0;
    this.calendar = opts.calendar ?? bundledCalendar();
    this.fallback = resolve(s.defaultContract ?? DEFAULT_CONTRACT);
    for (const [mid, c] of Object.entries(s.merchants ?? {})) this.contracts.set(mid, resolve(c));
    this.windows = (s.maintenance ?? [])
      .map((w) => ({ from: this.hostTime(w.from), to: this.hostTime(w.to) }))
      .sort((a, b) => a.from - b.from);
  }

  /** The instant of a host time 'YYYY-MM-DD hh:mm[:ss]'. */
  hostTime(s: string): number {
    return this.zone.parseHostTime(s.replace(/\D/g, '').padEnd(14, '0'));
  }

  /** The merchant's contract (the default one for a merchant the settings do not name). */
  contractOf(merchantId: string): MerchantContract {
    return (this.contracts.get(merchantId) ?? this.fallback).source;
  }

  private contract(merchantId: string): Contract {
    return this.contracts.get(merchantId) ?? this.fallback;
  }

  /** The settlement (clearing) day of an instant: its host day, the next one from the cut-off on. */
  private settlementDay(c: Contract, t: number): number {
    return this.zone.dayOf(t) + (this.zone.timeOfDayMs(t) >= c.cutOffMs ? 1 : 0);
  }

  /** Field 15, settlement date MMDD, of a sale the host has at `at` for this merchant. */
  settlementDate(merchantId: string, at: number): string {
    const day = this.settlementDay(this.contract(merchantId), at);
    const iso = new Date(day * 86_400_000).toISOString();
    return iso.slice(5, 7) + iso.slice(8, 10);
  }

  /** The 951 record of an RRN at `now`: X when the host does not know it (or it does not pay out). */
  status(rrn: string, now: number, terminalId?: string): HostSettlementStatus {
    const entry = this.ledger.findByRrn(rrn, terminalId);
    if (!entry || !SettlementEngine.paysOut(entry))
      return { rrn, status: 'X', mode: 'T1', delayReason: '00' };
    return this.statusOf(this.plan(entry, now), now);
  }

  /** Entries that go through clearing: approved, not reversed or voided, not an inquiry or a void. */
  static paysOut(e: LedgerEntry): boolean {
    return HostLedger.counts(e) && e.kind !== 'inquiry' && e.kind !== 'void';
  }

  /** The record a plan gives at `now` (the plan must be computed as of `now` or later facts leak). */
  statusOf(plan: SettlementPlan, now: number): HostSettlementStatus {
    let phase = plan.phases[0];
    for (const p of plan.phases) if (p.from <= now) phase = p;
    const out: HostSettlementStatus = {
      rrn: plan.rrn,
      status: phase.status,
      mode: plan.mode,
      expectedArrival: plan.arrival,
      delayReason: phase.status === 'H' ? '05' : phase.status === 'F' ? '07' : reasonAt(plan.delays, now),
    };
    if (now >= plan.clearedAt) out.clearedAt = plan.clearedAt;
    if (phase.status === 'A') out.arrivedAt = plan.arrival;
    return out;
  }

  /** The way of one ledger entry to the merchant's account, as the host knows it at `asOf`. */
  plan(entry: LedgerEntry, asOf: number): SettlementPlan {
    const c = this.contract(entry.merchantId);
    const sale = entry.at;
    const received = Math.max(entry.receivedAt ?? entry.at, sale);
    const { zone } = this;
    const calendarDayPayout = (t: number, cutOff: boolean) =>
      zone.instant((cutOff ? this.settlementDay(c, t) : zone.dayOf(t)) + 1, c.payoutMs);

    // The mode the host pays by.
    let mode = c.mode;
    let modeReason: DelayReason | undefined;
    if (mode === 'D0') {
      if (!D0_ELIGIBLE_ACCOUNTS.includes(c.accountClass)) modeReason = '04';
      else if (!this.withinD0Limits(entry, c)) modeReason = '03';
      if (modeReason) mode = 'T1';
    }

    const ideal = c.mode === 'D0' ? sale + c.d0PayoutMs : calendarDayPayout(sale, false);
    const delays = new Delays(ideal);
    if (modeReason) delays.push(calendarDayPayout(sale, false), modeReason);
    if (mode !== 'D0') delays.push(calendarDayPayout(sale, true), '01');

    // Clearing: D0 at once; T1/D1 at the cut-off of the settlement day of the later of the sale
    // reaching the host and its batch settling (a batch still open past the cut-off: not before now).
    let clearBasis = received;
    if (mode !== 'D0') {
      const settled = this.ledger.settledAt(entry.terminalId, entry.batch);
      const firstRun = zone.instant(this.settlementDay(c, received), c.cutOffMs);
      if (settled !== undefined) clearBasis = Math.max(received, settled);
      else if (asOf >= firstRun) clearBasis = Math.max(received, asOf);
    }
    const clearDay = this.settlementDay(c, clearBasis);
    const clearedAt = mode === 'D0' ? received : zone.instant(clearDay, c.cutOffMs);

    let payout: number;
    if (mode === 'D0') {
      payout = received + c.d0PayoutMs;
      delays.push(payout, '09');
    } else {
      delays.push(zone.instant(clearDay + 1, c.payoutMs), '09');
      if (mode === 'D1') payout = zone.instant(clearDay + 1, c.payoutMs);
      else {
        const next = this.calendar.nextBusinessNum(clearDay);
        if (next === -1) {
          throw new PosError(
            'EMU_CALENDAR_UNKNOWN',
            `the holiday calendar does not cover the days after ${zone.format(clearedAt).slice(0, 10)}`,
            { key: 'calendar' },
          );
        }
        payout = zone.instant(next, c.payoutMs);
        delays.push(payout, '02');
      }
    }

    payout += c.delayMs;
    delays.push(payout, '08');

    const phases: SettlementPhase[] = [
      { status: 'P', from: Math.min(received, clearedAt) },
      { status: 'C', from: clearedAt },
    ];
    const payable = entry.kind === 'purchase' || entry.kind === 'advice';
    const hold = payable ? this.riskHold(entry, c) : undefined;
    if (hold !== undefined && clearedAt <= asOf) {
      const release = clearedAt + hold;
      phases.push({ status: 'H', from: clearedAt }, { status: 'C', from: release });
      payout = Math.max(payout, release);
      delays.push(payout, '05');
    }

    payout = this.afterMaintenance(payout);
    delays.push(payout, '06');

    // A bounce is known when the money comes back; until then the transfer is unconfirmed (C).
    let unconfirmed = false;
    const tf = c.source.transferFailure;
    if (payable && tf && seededDraw(this.seed, 'transfer', entry.rrn) < (tf.rate ?? 1)) {
      for (let i = 0; i < (tf.failures ?? 1); i++) {
        const failAt = tf.kind === 'bounce' ? payout + (tf.bounceMinutes ?? 120) * MINUTE_MS : payout;
        if (failAt > asOf) {
          unconfirmed = tf.kind === 'bounce';
          break;
        }
        phases.push({ status: 'F', from: failAt });
        payout = this.afterMaintenance(failAt + (tf.retryMinutes ?? 240) * MINUTE_MS);
        delays.push(payout, '07');
        if (tf.kind === 'bounce') phases.push({ status: 'C', from: payout });
      }
    }
    if (!unconfirmed) phases.push({ status: 'A', from: payout });
    return {
      rrn: entry.rrn,
      contractMode: c.mode,
      mode,
      receivedAt: received,
      ideal,
      clearedAt,
      arrival: payout,
      phases,
      delays: delays.list,
    };
  }

  /** The first instant at or after `t` outside every maintenance window. */
  private afterMaintenance(t: number): number {
    let out = t;
    for (const w of this.windows) if (out >= w.from && out < w.to) out = w.to;
    return out;
  }

  /** Review time of the first risk rule the sale matches, ms; undefined when none holds it. */
  private riskHold(entry: LedgerEntry, c: Contract): number | undefined {
    const rules = c.source.risk ?? [];
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.minAmount !== undefined && entry.amount < r.minAmount) continue;
      if (r.from !== undefined && r.to !== undefined) {
        const t = this.zone.timeOfDayMs(entry.at);
        const from = timeOfDay(r.from);
        const to = timeOfDay(r.to);
        const inside = from <= to ? t >= from && t < to : t >= from || t < to;
        if (!inside) continue;
      }
      if (seededDraw(this.seed, `risk${i}`, entry.rrn) >= (r.rate ?? 1)) continue;
      return r.reviewHours * HOUR_MS;
    }
    return undefined;
  }

  /**
   * Whether a D0 sale stays within the per-sale limit and, with the merchant's earlier D0 sales
   * of its settlement day (in the order the host had them), the per-day limit.
   */
  private withinD0Limits(entry: LedgerEntry, c: Contract): boolean {
    if (entry.amount > c.d0LimitPerTxn) return false;
    if (!Number.isFinite(c.d0LimitPerDay)) return true;
    const day = this.settlementDay(c, entry.receivedAt ?? entry.at);
    const same = this.ledger
      .entries()
      .filter(
        (e) =>
          e.merchantId === entry.merchantId &&
          (e.kind === 'purchase' || e.kind === 'advice') &&
          HostLedger.counts(e) &&
          this.settlementDay(c, e.receivedAt ?? e.at) === day,
      )
      .sort((a, b) => (a.receivedAt ?? a.at) - (b.receivedAt ?? b.at));
    let used = 0;
    for (const e of same) {
      const fits = e.amount <= c.d0LimitPerTxn && used + e.amount <= c.d0LimitPerDay;
      if (e.rrn === entry.rrn) return fits;
      if (fits) used += e.amount;
    }
    return used + entry.amount <= c.d0LimitPerDay;
  }
}

/** The reason of the delay segment at `now`: the first one before it starts, the last one after. */
function reasonAt(delays: readonly SettlementDelay[], now: number): DelayReason {
  if (delays.length === 0) return '00';
  for (const d of delays) if (now < d.to) return d.reason;
  return delays.at(-1)!.reason;
}
