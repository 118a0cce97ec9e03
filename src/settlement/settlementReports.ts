/**
 * What `settlement status` and `settlement timeline` show (RuntimeApi settlementStatus,
 * settlementTimeline): per tracked transaction its stage, expected and actual arrival, delay and
 * main cause; for one transaction the whole timeline with segments, causes and remedies in
 * English and Chinese. Pure: journal records in (TrackedTxn and its observations, no card data
 * but a masked PAN), buildTimeline and the calendar do the work; times out as ISO 8601 instants,
 * with the host's time zone named for display.
 */

import type { DelayReason, SettlementMode, SettlementStatus } from '../iso8583/views/cupPosStatusRecord.js';
import type { SettlementObservationRecord, TrackedTxn } from '../journal/types.js';
import type { HolidayCalendar } from './calendar/HolidayCalendar.js';
import type { HostObservation, SettlementContract } from './timeline/buildTimeline.js';
import { buildTimeline, type SettlementFacts } from './timeline/buildTimeline.js';
import type { Bilingual, DelayCause } from './timeline/delayCauses.js';

export type { Bilingual };

/** Where the money is: arrived, expected (host or estimated), overdue, held, failed, ... */
export type SettlementStage =
  | 'arrived'
  | 'expected'
  | 'overdue'
  | 'held'
  | 'failed'
  | 'unknown-to-host'
  | 'calendar-unknown';

export interface SettlementCauseInfo {
  cause: DelayCause;
  text: Bilingual;
  remedy: Bilingual;
}

/** One tracked transaction (masked). */
export interface SettlementStatusRow {
  txnId: number;
  rrn: string;
  approval: 'online' | 'offline';
  /** first 6 and last 4 digits */
  maskedPan: string | null;
  amountMinor: number;
  authorisedAt: string;
  /** the mode the host applies (the contract's until the host says otherwise) */
  mode: SettlementMode;
  /** the host's latest status (P, C, A, H, F, X); absent: not asked or not answered yet */
  hostStatus?: SettlementStatus;
  stage: SettlementStage;
  /** arrived: absent; otherwise the host's or the estimated expected arrival */
  expectedArrival?: string;
  arrivedAt?: string;
  /** behind the contract's ideal arrival; absent when the calendar cannot tell */
  delayMs?: number;
  /** the cause of the longest delay segment */
  mainCause?: SettlementCauseInfo;
  lastAskedAt?: string;
  observations: number;
}

export interface SettlementStatusResponse {
  /** the host's time zone, for display (IANA name) */
  timeZone: string;
  asOf: string;
  rows: SettlementStatusRow[];
}

export interface SettlementTimelineRequest {
  rrn: string;
}

export interface SettlementStageInfo {
  stage: string;
  at?: string;
  source: 'terminal' | 'host' | 'estimated';
  learntAt?: string;
  calendarUnknown?: boolean;
}

export interface SettlementSegmentInfo extends SettlementCauseInfo {
  from: string;
  to: string;
  ms: number;
  basis: 'terminal' | 'host' | 'contract';
  holiday?: Bilingual;
  daysFirst?: string;
  daysLast?: string;
  outageFrom?: string;
  outageTo?: string;
  hostReason?: DelayReason;
  hostStatus?: SettlementStatus;
}

export interface SettlementObservationInfo {
  learntAt: string;
  status: SettlementStatus;
  mode: SettlementMode;
  expectedArrival?: string;
  clearedAt?: string;
  arrivedAt?: string;
  delayReason: DelayReason;
}

export interface SettlementTimelineResponse {
  timeZone: string;
  asOf: string;
  row: SettlementStatusRow;
  contractMode: SettlementMode;
  /** the arrival under the contract had nothing gone wrong */
  ideal: string;
  stages: SettlementStageInfo[];
  /** the delay split by cause; they add up to `row.delayMs` */
  segments: SettlementSegmentInfo[];
  observations: SettlementObservationInfo[];
  /** calendar-unknown: the last covered date and the first unknown one */
  calendarCoverageEnds?: string;
  calendarFirstUnknown?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A journalled observation as buildTimeline takes it (host times stay host strings). */
export function toHostObservation(o: SettlementObservationRecord): HostObservation {
  const h: HostObservation = {
    status: o.status as SettlementStatus,
    settlementMode: o.mode as SettlementMode,
    delayReason: o.delayReason as DelayReason,
    learntAt: o.learntAt,
  };
  if (o.expectedArrival) h.expectedArrival = o.expectedArrival;
  if (o.clearedAt) h.clearedAt = o.clearedAt;
  if (o.arrivedAt) h.arrivedAt = o.arrivedAt;
  return h;
}

export function factsOf(t: TrackedTxn, obs: readonly SettlementObservationRecord[]): SettlementFacts {
  const facts: SettlementFacts = {
    rrn: t.rrn,
    authorisedAt: t.authorisedAt,
    approval: t.approvalMode,
    observations: obs.map(toHostObservation),
  };
  if (t.queuedOffline) facts.queuedOffline = t.queuedOffline;
  if (t.batchSettledAt !== undefined) facts.batchSettledAt = t.batchSettledAt;
  return facts;
}

/** One row and the timeline behind it. */
function rowAndTimeline(
  t: TrackedTxn,
  obs: readonly SettlementObservationRecord[],
  contract: SettlementContract,
  calendar: HolidayCalendar,
  asOf: number,
) {
  const tl = buildTimeline(factsOf(t, obs), contract, calendar, asOf);
  const a = tl.arrival;
  const stage: SettlementStage = a.kind;
  const row: SettlementStatusRow = {
    txnId: t.txnId,
    rrn: t.rrn,
    approval: t.approvalMode,
    maskedPan: t.maskedPan,
    amountMinor: t.amountMinor,
    authorisedAt: iso(t.authorisedAt),
    mode: tl.mode,
    stage,
    observations: obs.length,
  };
  const latest = obs.at(-1);
  if (latest) row.hostStatus = latest.status as SettlementStatus;
  if (a.kind === 'arrived') row.arrivedAt = iso(a.at);
  else if (a.kind === 'expected') row.expectedArrival = iso(a.at);
  else if (a.kind === 'overdue') row.expectedArrival = iso(a.expected);
  if (tl.delayMs !== null) row.delayMs = tl.delayMs;
  const main = [...tl.segments].sort((x, y) => y.ms - x.ms)[0];
  if (main) row.mainCause = { cause: main.cause, text: main.text, remedy: main.remedy };
  if (t.askedAt !== undefined) row.lastAskedAt = iso(t.askedAt);
  return { row, tl };
}

/** Every tracked transaction's row, oldest first. */
export function settlementStatusOf(
  tracked: readonly { txn: TrackedTxn; observations: readonly SettlementObservationRecord[] }[],
  contract: SettlementContract,
  calendar: HolidayCalendar,
  asOf: number,
): SettlementStatusResponse {
  return {
    timeZone: contract.timeZone ?? 'Asia/Shanghai',
    asOf: iso(asOf),
    rows: tracked.map((t) => rowAndTimeline(t.txn, t.observations, contract, calendar, asOf).row),
  };
}

/** One transaction's timeline, segments, causes and remedies. */
export function settlementTimelineOf(
  txn: TrackedTxn,
  observations: readonly SettlementObservationRecord[],
  contract: SettlementContract,
  calendar: HolidayCalendar,
  asOf: number,
): SettlementTimelineResponse {
  const { row, tl } = rowAndTimeline(txn, observations, contract, calendar, asOf);
  const out: SettlementTimelineResponse = {
    timeZone: contract.timeZone ?? 'Asia/Shanghai',
    asOf: iso(asOf),
    row,
    contractMode: contract.mode,
    ideal: iso(tl.ideal),
    stages: tl.stages.map((s) => ({
      stage: s.stage,
      ...(s.at !== undefined ? { at: iso(s.at) } : {}),
      source: s.source,
      ...(s.learntAt !== undefined ? { learntAt: iso(s.learntAt) } : {}),
      ...(s.calendarUnknown ? { calendarUnknown: true } : {}),
    })),
    segments: tl.segments.map((g) => ({
      from: iso(g.from),
      to: iso(g.to),
      ms: g.ms,
      cause: g.cause,
      basis: g.basis,
      text: g.text,
      remedy: g.remedy,
      ...(g.holiday ? { holiday: { en: g.holiday.en, zh: g.holiday.zh } } : {}),
      ...(g.days ? { daysFirst: g.days.first, daysLast: g.days.last } : {}),
      ...(g.outage ? { outageFrom: iso(g.outage.from) } : {}),
      ...(g.outage?.to !== undefined ? { outageTo: iso(g.outage.to) } : {}),
      ...(g.hostReason !== undefined ? { hostReason: g.hostReason } : {}),
      ...(g.hostStatus !== undefined ? { hostStatus: g.hostStatus } : {}),
    })),
    observations: observations.map((o) => ({
      learntAt: iso(o.learntAt),
      status: o.status as SettlementStatus,
      mode: o.mode as SettlementMode,
      ...(o.expectedArrival ? { expectedArrival: o.expectedArrival } : {}),
      ...(o.clearedAt ? { clearedAt: o.clearedAt } : {}),
      ...(o.arrivedAt ? { arrivedAt: o.arrivedAt } : {}),
      delayReason: o.delayReason as DelayReason,
    })),
  };
  if (tl.arrival.kind === 'calendar-unknown') {
    if (tl.arrival.coverageEnds) out.calendarCoverageEnds = tl.arrival.coverageEnds;
    out.calendarFirstUnknown = tl.arrival.firstUnknown;
  }
  return out;
}
