/**
 * The report's transactions as columns: one array per field, the stages and the delay segments of
 * every row in shared arrays. 100,000 rows as objects (each with its timeline's stage and segment
 * objects) kept about 1.3 KB and 30 objects per row alive, and the garbage collector copied and
 * marked them all; as columns a row is about 300 bytes in a few dozen arrays, and numbers stay
 * unboxed. The large formats (JSON, table, protobuf) read the columns; `row(i)` gives one row as
 * an object (tests, the few rows a chart draws).
 */
import type { SettlementMode, SettlementStatus } from '../../iso8583/views/cupPosStatusRecord.js';
import type { SettlementStage } from '../settlementReports.js';
import type { StageName } from '../timeline/buildTimeline.js';
import type { DelayCause } from '../timeline/delayCauses.js';
import type { ReportStatus } from './reportStatus.js';

/** A dated stage of a row (a stage the calendar cannot date is in no format, so not here). */
export interface RowStage {
  stage: StageName;
  at: number;
}

/** A delay segment of a row, as every format gives it. */
export interface RowSegment {
  cause: DelayCause;
  from: number;
  to: number;
}

/**
 * One transaction: ReportRow's facts with times as ms since the epoch (ReportRow is the JSON's
 * form of it, reportModel.ts).
 */
export interface ReportTxn {
  txnId: number;
  rrn: string;
  batch: string;
  authorisedAt: number;
  maskedPan: string | null;
  amountMinor: number;
  approval: 'online' | 'offline';
  mode: SettlementMode;
  status: ReportStatus;
  stage: SettlementStage;
  hostStatus?: SettlementStatus;
  ideal: number;
  expectedArrival?: number;
  arrivedAt?: number;
  delayMs: number | null;
  mainCause?: DelayCause;
  stages: RowStage[];
  segments: RowSegment[];
}

/** Bits of `has`: which optional numbers a row has. */
const ARRIVED = 1;
const EXPECTED = 2;
const DELAY = 4;

export class ReportRows {
  length = 0;
  // Numbers: arrays that only ever hold numbers keep them unboxed.
  readonly txnId: number[] = [];
  readonly authorisedAt: number[] = [];
  readonly amountMinor: number[] = [];
  readonly ideal: number[] = [];
  /** The arrival (ARRIVED) or the expected arrival (EXPECTED); 0 when neither. */
  readonly arrival: number[] = [];
  /** 0 when unknown (no DELAY bit). */
  readonly delayMs: number[] = [];
  readonly has: number[] = [];
  // Texts: the input's own strings and the code's enum names (no copy).
  readonly rrn: string[] = [];
  readonly batch: string[] = [];
  readonly maskedPan: (string | null)[] = [];
  readonly approval: ReportTxn['approval'][] = [];
  readonly mode: SettlementMode[] = [];
  readonly status: ReportStatus[] = [];
  readonly stage: SettlementStage[] = [];
  readonly hostStatus: (SettlementStatus | undefined)[] = [];
  readonly mainCause: (DelayCause | undefined)[] = [];
  /** Row i's stages are stageName/stageAt[stageStart[i] .. stageStart[i + 1]). */
  readonly stageStart: number[] = [0];
  readonly stageName: StageName[] = [];
  readonly stageAt: number[] = [];
  /** Row i's segments are seg*[segStart[i] .. segStart[i + 1]). */
  readonly segStart: number[] = [0];
  readonly segCause: DelayCause[] = [];
  readonly segFrom: number[] = [];
  readonly segTo: number[] = [];

  /** Adds a row; its stages and segments are added before, with addStage/addSegment. */
  add(r: Omit<ReportTxn, 'stages' | 'segments'>): void {
    this.txnId.push(r.txnId);
    this.authorisedAt.push(r.authorisedAt);
    this.amountMinor.push(r.amountMinor);
    this.ideal.push(r.ideal);
    const arrived = r.arrivedAt !== undefined;
    const expected = r.expectedArrival !== undefined;
    this.arrival.push(arrived ? r.arrivedAt! : expected ? r.expectedArrival! : 0);
    this.delayMs.push(r.delayMs ?? 0);
    this.has.push((arrived ? ARRIVED : 0) | (expected ? EXPECTED : 0) | (r.delayMs !== null ? DELAY : 0));
    this.rrn.push(r.rrn);
    this.batch.push(r.batch);
    this.maskedPan.push(r.maskedPan);
    this.approval.push(r.approval);
    this.mode.push(r.mode);
    this.status.push(r.status);
    this.stage.push(r.stage);
    this.hostStatus.push(r.hostStatus);
    this.mainCause.push(r.mainCause);
    this.stageStart.push(this.stageName.length);
    this.segStart.push(this.segCause.length);
    this.length++;
  }

  addStage(stage: StageName, at: number): void {
    this.stageName.push(stage);
    this.stageAt.push(at);
  }

  addSegment(cause: DelayCause, from: number, to: number): void {
    this.segCause.push(cause);
    this.segFrom.push(from);
    this.segTo.push(to);
  }

  arrivedAt(i: number): number | undefined {
    return this.has[i] & ARRIVED ? this.arrival[i] : undefined;
  }

  expectedArrival(i: number): number | undefined {
    return this.has[i] & EXPECTED ? this.arrival[i] : undefined;
  }

  delay(i: number): number | null {
    return this.has[i] & DELAY ? this.delayMs[i] : null;
  }

  /** Row i as an object. */
  row(i: number): ReportTxn {
    const r: ReportTxn = {
      txnId: this.txnId[i],
      rrn: this.rrn[i],
      batch: this.batch[i],
      authorisedAt: this.authorisedAt[i],
      maskedPan: this.maskedPan[i],
      amountMinor: this.amountMinor[i],
      approval: this.approval[i],
      mode: this.mode[i],
      status: this.status[i],
      stage: this.stage[i],
      ideal: this.ideal[i],
      delayMs: this.delay(i),
      stages: [],
      segments: [],
    };
    const hostStatus = this.hostStatus[i];
    if (hostStatus !== undefined) r.hostStatus = hostStatus;
    const arrivedAt = this.arrivedAt(i);
    if (arrivedAt !== undefined) r.arrivedAt = arrivedAt;
    const expected = this.expectedArrival(i);
    if (expected !== undefined) r.expectedArrival = expected;
    const mainCause = this.mainCause[i];
    if (mainCause !== undefined) r.mainCause = mainCause;
    for (let k = this.stageStart[i]; k < this.stageStart[i + 1]; k++)
      r.stages.push({ stage: this.stageName[k], at: this.stageAt[k] });
    for (let k = this.segStart[i]; k < this.segStart[i + 1]; k++)
      r.segments.push({ cause: this.segCause[k], from: this.segFrom[k], to: this.segTo[k] });
    return r;
  }

  /** Every row as an object, oldest first (tests, small reports). */
  toArray(): ReportTxn[] {
    const out: ReportTxn[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.row(i));
    return out;
  }
}
