/**
 * One transaction's way to the merchant's account and why it was late (issue 10 section 4,
 * docs/settlement.md). Pure: the facts the journal holds (terminal times, the host's 951
 * observations with when they were learnt), the merchant's contract and the calendar in; the
 * stages, the ideal arrival, the actual or expected arrival and the delay split into segments out.
 *
 * Attribution recomputes the arrival with one more real fact at a time (mode fallback, cut-off,
 * offline, batch, calendar, then each host observation) and gives each step's shift to its cause.
 * A cursor that only moves forward and never passes the final arrival makes the segments
 * contiguous: they add up to the total delay exactly.
 */
import { PosError } from '../../errors.js';
import type {
  DelayReason,
  SettlementMode,
  SettlementStatus,
  SettlementStatusRecord,
} from '../../iso8583/views/cupPosStatusRecord.js';
import {
  type CivilDate,
  civilDate,
  type HolidayCalendar,
  type HolidayName,
} from '../calendar/HolidayCalendar.js';
import { type Bilingual, CAUSE_OF_REASON, DELAY_CAUSES, type DelayCause } from './delayCauses.js';
import { HostZone } from './HostZone.js';

const MINUTE_MS = 60_000;

/** One answer of the host (a 951 record without its RRN) and when the terminal learnt it. */
export type HostObservation = Omit<SettlementStatusRecord, 'rrn'> & { learntAt: number };

/** One transaction as the journal holds it; times are ms since the epoch. */
export interface SettlementFacts {
  rrn?: string;
  cardReadAt?: number;
  authorisedAt: number;
  approval: 'online' | 'offline';
  /** Offline sales: queued from, forwarded to the host at (absent while still queued). */
  queuedOffline?: { from: number; forwardedAt?: number };
  /** The 0500 that closed the transaction's batch (absent while the batch is open). */
  batchSettledAt?: number;
  /** In the order learnt (sorted here by learntAt). */
  observations: readonly HostObservation[];
}

export interface SettlementContract {
  mode: SettlementMode;
  /** Host time 'hh:mm'; a sale at or after it belongs to the next day. Default '23:00'. */
  cutOff?: string;
  /** Default 'Asia/Shanghai'. */
  timeZone?: string;
  /** Host time of day T1/D1 money is normally in the account. Default '09:00'. */
  payoutTime?: string;
  /** D0: minutes after the host has the sale within which the money is normally there. Default 120. */
  d0NormMinutes?: number;
}

export type StageName =
  | 'card-read'
  | 'authorised'
  | 'queued-offline'
  | 'forwarded'
  | 'batch-settled'
  | 'cleared'
  | 'expected-arrival'
  | 'arrived'
  | 'held'
  | 'failed';

export type Source = 'terminal' | 'host' | 'estimated';

export interface Stage {
  stage: StageName;
  /** Absent only for an expected arrival the calendar cannot tell (calendarUnknown). */
  at?: number;
  source: Source;
  /** Host observations: when the terminal learnt it. */
  learntAt?: number;
  calendarUnknown?: true;
}

export interface DelaySegment {
  from: number;
  to: number;
  ms: number;
  cause: DelayCause;
  /** terminal: the journal's facts; host: a host observation; contract: the contract's rules and the calendar. */
  basis: 'terminal' | 'host' | 'contract';
  text: Bilingual;
  remedy: Bilingual;
  /** non-business-day: the days skipped and the holiday (absent for an ordinary weekend). */
  days?: { first: CivilDate; last: CivilDate };
  holiday?: HolidayName;
  /** terminal-offline: the outage (to absent while it lasts). */
  outage?: { from: number; to?: number };
  hostReason?: DelayReason;
  hostStatus?: SettlementStatus;
}

export type Arrival =
  | { kind: 'arrived'; at: number }
  | { kind: 'expected'; at: number; source: 'host' | 'estimated' }
  /** Expected earlier, not arrived by asOf: the delay so far. */
  | { kind: 'overdue'; expected: number; asOf: number }
  | { kind: 'held' | 'failed' | 'unknown-to-host'; asOf: number }
  | { kind: 'calendar-unknown'; coverageEnds: CivilDate | null; firstUnknown: CivilDate };

export interface SettlementTimeline {
  rrn?: string;
  mode: SettlementMode;
  stages: Stage[];
  ideal: number;
  arrival: Arrival;
  /** Arrival (or asOf while open) minus ideal, never negative; null when the calendar cannot tell. */
  delayMs: number | null;
  segments: DelaySegment[];
}

interface Rules {
  zone: HostZone;
  cutOffMs: number;
  payoutMs: number;
  d0NormMs: number;
}

function timeOfDay(key: string, v: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) throw new PosError('SETTLE_CONTRACT_INVALID', `contract ${key} '${v}' is not hh:mm`, { key });
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

const zones = new Map<string, HostZone>();

const rulesCache = new WeakMap<SettlementContract, Rules>();

/** The contract's rules, checked once per contract object. */
function rulesOf(c: SettlementContract): Rules {
  let r = rulesCache.get(c);
  if (!r) {
    r = checkRules(c);
    rulesCache.set(c, r);
  }
  return r;
}

function checkRules(c: SettlementContract): Rules {
  if (c.mode !== 'D0' && c.mode !== 'T1' && c.mode !== 'D1') {
    throw new PosError('SETTLE_CONTRACT_INVALID', `contract mode '${String(c.mode)}' is not D0, T1 or D1`, {
      key: 'mode',
    });
  }
  const tz = c.timeZone ?? 'Asia/Shanghai';
  let zone = zones.get(tz);
  if (!zone) {
    zone = new HostZone(tz);
    zones.set(tz, zone);
  }
  const norm = c.d0NormMinutes ?? 120;
  if (!Number.isInteger(norm) || norm < 0 || norm > 24 * 60) {
    throw new PosError('SETTLE_CONTRACT_INVALID', `contract d0NormMinutes ${norm} is not 0..1440`, {
      key: 'd0NormMinutes',
    });
  }
  return {
    zone,
    cutOffMs: timeOfDay('cutOff', c.cutOff ?? '23:00'),
    payoutMs: timeOfDay('payoutTime', c.payoutTime ?? '09:00'),
    d0NormMs: norm * MINUTE_MS,
  };
}

/** The settlement day of an instant: its host day, or the next one at or after the cut-off. */
function settlementDay(r: Rules, t: number): number {
  return r.zone.dayOf(t) + (r.zone.timeOfDayMs(t) >= r.cutOffMs ? 1 : 0);
}

/**
 * The arrival under `mode` for a basis instant, with or without the cut-off and the calendar.
 * -1 - day: the calendar cannot tell from that day on (T1 only).
 */
function arrivalFor(
  r: Rules,
  cal: HolidayCalendar,
  mode: SettlementMode,
  t: number,
  cutOff: boolean,
  calendar: boolean,
): number {
  if (mode === 'D0') return t + r.d0NormMs;
  const day = cutOff ? settlementDay(r, t) : r.zone.dayOf(t);
  if (mode === 'D1' || !calendar) return r.zone.instant(day + 1, r.payoutMs);
  const next = cal.nextBusinessNum(day);
  if (next === -1) return Number.NaN;
  return r.zone.instant(next, r.payoutMs);
}

class Segments {
  readonly list: DelaySegment[] = [];
  constructor(
    public cursor: number,
    private readonly end: number,
  ) {}

  /** Give the time from the cursor up to `to` (never past the end) to a cause. */
  push(to: number, cause: DelayCause, basis: DelaySegment['basis'], extra?: Partial<DelaySegment>): void {
    const e = Math.min(to, this.end);
    if (!(e > this.cursor)) return;
    const last = this.list.at(-1);
    if (
      last &&
      last.cause === cause &&
      last.basis === basis &&
      last.holiday?.zh === extra?.holiday?.zh &&
      last.hostReason === extra?.hostReason &&
      cause !== 'non-business-day'
    ) {
      last.to = e;
      last.ms = e - last.from;
    } else {
      const info = DELAY_CAUSES[cause];
      const g: DelaySegment = {
        from: this.cursor,
        to: e,
        ms: e - this.cursor,
        cause,
        basis,
        text: info.text,
        remedy: info.remedy,
      };
      // As a spread would, without its slower object path.
      if (extra) Object.assign(g, extra);
      this.list.push(g);
    }
    this.cursor = e;
  }
}

/**
 * The instant of a host time, undefined when absent. A module function, not a closure per
 * timeline: under tsx (the benches) every named closure also costs a defineProperty call.
 */
function hostTime(zone: HostZone, s: string | undefined): number | undefined {
  return s === undefined ? undefined : zone.parseHostTime(s);
}

/** The cause a host observation gives for a shift it reports. */
function causeOf(o: HostObservation, facts: SettlementFacts): DelayCause {
  const named = CAUSE_OF_REASON[o.delayReason];
  if (named) return named;
  if (o.delayReason === '09') return facts.approval === 'offline' ? 'terminal-offline' : 'batch-settled-late';
  if (o.status === 'F') return 'transfer-failed';
  if (o.status === 'H' || o.status === 'X') return 'unexplained';
  return 'processing-beyond-norm';
}

/** The timeline of one transaction as known at `asOf` (the terminal's clock, ms). */
export function buildTimeline(
  facts: SettlementFacts,
  contract: SettlementContract,
  calendar: HolidayCalendar,
  asOf: number,
): SettlementTimeline {
  const r = rulesOf(contract);
  const zone = r.zone;
  const obs = inLearntOrder(facts.observations);
  const latest = obs.at(-1);

  // The mode the host actually applies: a D0 sale paid T1 (reasons 03, 04) or another change.
  const modeObs = lastWhere(obs, (o) => o.status !== 'X' && o.settlementMode !== contract.mode);
  const mode = modeObs?.settlementMode ?? contract.mode;

  const auth = facts.authorisedAt;
  const offline = facts.approval === 'offline';
  const forwarded = facts.queuedOffline?.forwardedAt;
  const hostHas = offline ? Math.max(auth, forwarded ?? asOf) : auth;
  const batchAt = facts.batchSettledAt ?? Math.max(asOf, hostHas);
  const clearBasis = mode === 'D0' ? hostHas : Math.max(hostHas, batchAt);

  const ideal = arrivalFor(r, calendar, contract.mode, auth, false, false);
  const modelled = arrivalFor(r, calendar, mode, clearBasis, true, true);
  const calendarDay = mode === 'T1' ? settlementDay(r, clearBasis) : 0;

  // ---- the end: arrived, the host's expectation, or the model's ---------------------------
  let arrival: Arrival;
  let end: number;
  const arrivedObs = lastWhere(obs, (o) => o.status === 'A' && o.arrivedAt !== undefined);
  const latestExpected = hostTime(zone, latest?.expectedArrival);
  if (arrivedObs) {
    end = hostTime(zone, arrivedObs.arrivedAt)!;
    arrival = { kind: 'arrived', at: end };
  } else if (latest && (latest.status === 'H' || latest.status === 'F' || latest.status === 'X')) {
    if (latest.status !== 'X' && latestExpected !== undefined && latestExpected >= asOf) {
      end = latestExpected;
      arrival = { kind: 'expected', at: end, source: 'host' };
    } else {
      end = Math.max(asOf, ideal);
      arrival = {
        kind: latest.status === 'H' ? 'held' : latest.status === 'F' ? 'failed' : 'unknown-to-host',
        asOf,
      };
    }
  } else if (latestExpected !== undefined) {
    end = Math.max(latestExpected, asOf);
    arrival =
      latestExpected >= asOf
        ? { kind: 'expected', at: latestExpected, source: 'host' }
        : { kind: 'overdue', expected: latestExpected, asOf };
  } else if (!Number.isNaN(modelled)) {
    end = latest && modelled < asOf ? asOf : modelled;
    arrival =
      end === modelled
        ? { kind: 'expected', at: end, source: 'estimated' }
        : { kind: 'overdue', expected: modelled, asOf };
  } else {
    end = Number.POSITIVE_INFINITY;
    const first = calendar.nextBusinessDay(calendarDay);
    arrival = {
      kind: 'calendar-unknown',
      coverageEnds: calendar.coverage()?.last ?? null,
      firstUnknown: typeof first === 'string' ? first : first.date,
    };
  }

  // ---- attribution -------------------------------------------------------------------------
  const seg = new Segments(ideal, end);
  if (mode !== contract.mode) {
    const reason = modeObs!.delayReason;
    const cause: DelayCause = reason === '03' || reason === '04' ? CAUSE_OF_REASON[reason]! : 'unexplained';
    seg.push(arrivalFor(r, calendar, mode, auth, false, false), cause, 'host', {
      hostReason: reason,
      hostStatus: modeObs!.status,
    });
  }
  seg.push(arrivalFor(r, calendar, mode, auth, true, false), 'after-cut-off', 'contract');
  if (offline) {
    seg.push(arrivalFor(r, calendar, mode, hostHas, true, false), 'terminal-offline', 'terminal', {
      outage:
        forwarded !== undefined
          ? { from: facts.queuedOffline?.from ?? auth, to: forwarded }
          : { from: facts.queuedOffline?.from ?? auth },
    });
  }
  if (mode !== 'D0')
    seg.push(arrivalFor(r, calendar, mode, clearBasis, true, false), 'batch-settled-late', 'contract');
  if (mode === 'T1') {
    // Each day skipped between the settlement day and the next business day, a run per holiday.
    // A rest day there that is no holiday is a weekend day (a weekday that is not a business day
    // is always inside a holiday period), so a run without a name is a weekend.
    const next = calendar.nextBusinessNum(calendarDay);
    const stop = next === -1 ? calendarDay + 1 : next;
    for (let d = calendarDay + 1; d < stop; ) {
      const holiday = calendar.holidayNum(d);
      let e = d + 1;
      while (e < stop && calendar.holidayNum(e)?.zh === holiday?.zh) e++;
      // Two literals, not a spread (the slower object path on about 2 sales in 7).
      const days = { first: civilDate(d), last: civilDate(e - 1) };
      seg.push(
        zone.instant(e, r.payoutMs),
        'non-business-day',
        'contract',
        holiday ? { days, holiday } : { days },
      );
      d = e;
    }
  }
  for (const o of obs) {
    // The arrival and the latest expectation are parsed already (a third of the parses).
    const said =
      o === arrivedObs
        ? end
        : o === latest && o.status !== 'A'
          ? latestExpected
          : hostTime(zone, o.status === 'A' ? o.arrivedAt : o.expectedArrival);
    if (said !== undefined) {
      seg.push(said, causeOf(o, facts), 'host', { hostReason: o.delayReason, hostStatus: o.status });
    }
  }
  if (Number.isFinite(end) && latest) {
    seg.push(end, causeOf(latest, facts), 'host', {
      hostReason: latest.delayReason,
      hostStatus: latest.status,
    });
  }
  if (Number.isFinite(end)) seg.push(end, 'unexplained', 'contract');

  const stages = stagesOf(facts, obs, arrival, r, mode, clearBasis, latestExpected);
  const delayMs = Number.isFinite(end) ? Math.max(0, end - ideal) : null;
  // Two literals rather than a spread: a spread makes every timeline a slow dictionary object.
  return facts.rrn !== undefined
    ? { rrn: facts.rrn, mode, stages, ideal, arrival, delayMs, segments: seg.list }
    : { mode, stages, ideal, arrival, delayMs, segments: seg.list };
}

/** The observations by learntAt (a stable sort); the array itself when already in order. */
function inLearntOrder(xs: readonly HostObservation[]): readonly HostObservation[] {
  for (let i = 1; i < xs.length; i++)
    if (xs[i].learntAt < xs[i - 1].learntAt) return [...xs].sort((a, b) => a.learntAt - b.learntAt);
  return xs;
}

const HELD_FAILED = ['H', 'F'] as const;

function stagesOf(
  facts: SettlementFacts,
  obs: readonly HostObservation[],
  arrival: Arrival,
  r: Rules,
  mode: SettlementMode,
  clearBasis: number,
  latestExpected: number | undefined,
): Stage[] {
  const out: Stage[] = [];
  if (facts.cardReadAt !== undefined)
    out.push({ stage: 'card-read', at: facts.cardReadAt, source: 'terminal' });
  out.push({ stage: 'authorised', at: facts.authorisedAt, source: 'terminal' });
  if (facts.queuedOffline) {
    out.push({ stage: 'queued-offline', at: facts.queuedOffline.from, source: 'terminal' });
    if (facts.queuedOffline.forwardedAt !== undefined) {
      out.push({ stage: 'forwarded', at: facts.queuedOffline.forwardedAt, source: 'terminal' });
    }
  }
  if (facts.batchSettledAt !== undefined)
    out.push({ stage: 'batch-settled', at: facts.batchSettledAt, source: 'terminal' });
  const cleared = lastWhere(obs, (o) => o.clearedAt !== undefined);
  if (cleared)
    out.push({
      stage: 'cleared',
      at: hostTime(r.zone, cleared.clearedAt)!,
      source: 'host',
      learntAt: cleared.learntAt,
    });
  else if (mode !== 'D0' && facts.batchSettledAt !== undefined) {
    // Cleared at the cut-off that closes the settlement day.
    out.push({
      stage: 'cleared',
      at: r.zone.instant(settlementDay(r, clearBasis), r.cutOffMs),
      source: 'estimated',
    });
  }
  for (const status of HELD_FAILED) {
    const first = obs.find((o) => o.status === status);
    if (first)
      out.push({
        stage: status === 'H' ? 'held' : 'failed',
        at: first.learntAt,
        source: 'host',
        learntAt: first.learntAt,
      });
  }
  const exp = lastWhere(obs, (o) => o.expectedArrival !== undefined);
  if (arrival.kind === 'calendar-unknown')
    out.push({ stage: 'expected-arrival', source: 'estimated', calendarUnknown: true });
  else if (exp)
    out.push({
      stage: 'expected-arrival',
      at: exp === obs.at(-1) ? latestExpected! : hostTime(r.zone, exp.expectedArrival)!,
      source: 'host',
      learntAt: exp.learntAt,
    });
  else if (arrival.kind === 'expected' || arrival.kind === 'overdue') {
    out.push({
      stage: 'expected-arrival',
      at: arrival.kind === 'expected' ? arrival.at : arrival.expected,
      source: 'estimated',
    });
  }
  if (arrival.kind === 'arrived') {
    const a = lastWhere(obs, (o) => o.status === 'A')!;
    out.push({ stage: 'arrived', at: arrival.at, source: 'host', learntAt: a.learntAt });
  }
  return out;
}

function lastWhere<T>(xs: readonly T[], p: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return xs[i];
  return undefined;
}
