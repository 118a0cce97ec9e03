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
 * One transaction's facts, with times as `Time`: ms since the epoch in the model (ReportTxn), ISO
 * text in the JSON (ReportRow, reportModel.ts). One field list for both.
 */
export interface TxnFacts<Time, Stage, Segment> {
  txnId: number;
  rrn: string;
  batch: string;
  authorisedAt: Time;
  maskedPan: string | null;
  amountMinor: number;
  approval: 'online' | 'offline';
  mode: SettlementMode;
  status: ReportStatus;
  stage: SettlementStage;
  hostStatus?: SettlementStatus;
  /** The contract's arrival had nothing gone wrong. */
  ideal: Time;
  expectedArrival?: Time;
  arrivedAt?: Time;
  /** null: the calendar cannot tell. */
  delayMs: number | null;
  mainCause?: DelayCause;
  stages: Stage[];
  segments: Segment[];
}

/** One transaction as the model holds it: times as ms since the epoch. */
export type ReportTxn = TxnFacts<number, RowStage, RowSegment>;

/** Bits of `has`: which optional numbers a row has. */
const ARRIVED = 1;
const EXPECTED = 2;
const DELAY = 4;

/** Small numbers for the few names a column holds (stage names, causes), in the order met. */
class Names<T extends string> {
  readonly list: T[] = [];
  private readonly codes = new Map<T, number>();
  code(name: T): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.list.length;
      this.list.push(name);
      this.codes.set(name, c);
    }
    return c;
  }
}

/** `a`, or a copy with room for `need` (doubling). */
function room<A extends Float64Array | Uint8Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Numbers go into typed arrays sized once (the row count is known before the first row), texts
 * into arrays of the input's own strings: filling the columns leaves no garbage behind for the
 * old generation (growing plain arrays did, and that alone started a full GC).
 */
export class ReportRows {
  length = 0;
  readonly txnId: Float64Array;
  readonly authorisedAt: Float64Array;
  readonly amountMinor: Float64Array;
  readonly ideal: Float64Array;
  /** The arrival (ARRIVED) or the expected arrival (EXPECTED); 0 when neither. */
  readonly arrival: Float64Array;
  /** 0 when unknown (no DELAY bit). */
  readonly delayMs: Float64Array;
  readonly has: Uint8Array;
  readonly rrn: string[];
  readonly batch: string[];
  readonly maskedPan: (string | null)[];
  readonly approval: ReportTxn['approval'][];
  readonly mode: SettlementMode[];
  readonly status: ReportStatus[];
  readonly stage: SettlementStage[];
  readonly hostStatus: (SettlementStatus | undefined)[];
  readonly mainCause: (DelayCause | undefined)[];
  /** Row i's stages are stage*[stageStart[i] .. stageStart[i + 1]); names by stageNames.list. */
  readonly stageStart: Float64Array;
  stageCode = new Uint8Array(0);
  stageAt = new Float64Array(0);
  readonly stageNames = new Names<StageName>();
  /** Row i's segments are seg*[segStart[i] .. segStart[i + 1]); causes by causes.list. */
  readonly segStart: Float64Array;
  segCause = new Uint8Array(0);
  segFrom = new Float64Array(0);
  segTo = new Float64Array(0);
  readonly causes = new Names<DelayCause>();
  private stages = 0;
  private segments = 0;

  /** Room for `capacity` rows (no more can be added). */
  constructor(readonly capacity: number) {
    this.txnId = new Float64Array(capacity);
    this.authorisedAt = new Float64Array(capacity);
    this.amountMinor = new Float64Array(capacity);
    this.ideal = new Float64Array(capacity);
    this.arrival = new Float64Array(capacity);
    this.delayMs = new Float64Array(capacity);
    this.has = new Uint8Array(capacity);
    this.rrn = new Array(capacity);
    this.batch = new Array(capacity);
    this.maskedPan = new Array(capacity);
    this.approval = new Array(capacity);
    this.mode = new Array(capacity);
    this.status = new Array(capacity);
    this.stage = new Array(capacity);
    this.hostStatus = new Array(capacity);
    this.mainCause = new Array(capacity);
    this.stageStart = new Float64Array(capacity + 1);
    this.segStart = new Float64Array(capacity + 1);
  }

  /** Adds a row; its stages and segments are added before it, with addStage/addSegment. */
  add(r: Omit<ReportTxn, 'stages' | 'segments'>): void {
    const i = this.length;
    if (i === this.capacity) throw new RangeError(`ReportRows holds ${this.capacity} rows`);
    this.txnId[i] = r.txnId;
    this.authorisedAt[i] = r.authorisedAt;
    this.amountMinor[i] = r.amountMinor;
    this.ideal[i] = r.ideal;
    const arrived = r.arrivedAt !== undefined;
    const expected = r.expectedArrival !== undefined;
    this.arrival[i] = arrived ? r.arrivedAt! : expected ? r.expectedArrival! : 0;
    this.delayMs[i] = r.delayMs ?? 0;
    this.has[i] = (arrived ? ARRIVED : 0) | (expected ? EXPECTED : 0) | (r.delayMs !== null ? DELAY : 0);
    this.rrn[i] = r.rrn;
    this.batch[i] = r.batch;
    this.maskedPan[i] = r.maskedPan;
    this.approval[i] = r.approval;
    this.mode[i] = r.mode;
    this.status[i] = r.status;
    this.stage[i] = r.stage;
    this.hostStatus[i] = r.hostStatus;
    this.mainCause[i] = r.mainCause;
    this.stageStart[i + 1] = this.stages;
    this.segStart[i + 1] = this.segments;
    this.length = i + 1;
  }

  addStage(stage: StageName, at: number): void {
    const k = this.stages++;
    if (k === this.stageAt.length) {
      // About 6 per row: the first growth is usually the last.
      const need = Math.max(k + 1, (this.capacity - this.length) * 6 + k);
      this.stageAt = room(this.stageAt, need);
      this.stageCode = room(this.stageCode, need);
    }
    this.stageCode[k] = this.stageNames.code(stage);
    this.stageAt[k] = at;
  }

  addSegment(cause: DelayCause, from: number, to: number): void {
    const k = this.segments++;
    if (k === this.segFrom.length) {
      const need = Math.max(k + 1, (this.capacity - this.length) * 4 + k);
      this.segFrom = room(this.segFrom, need);
      this.segTo = room(this.segTo, need);
      this.segCause = room(this.segCause, need);
    }
    this.segCause[k] = this.causes.code(cause);
    this.segFrom[k] = from;
    this.segTo[k] = to;
  }

  stageName(k: number): StageName {
    return this.stageNames.list[this.stageCode[k]];
  }

  segmentCause(k: number): DelayCause {
    return this.causes.list[this.segCause[k]];
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
    if (!(i >= 0 && i < this.length)) throw new RangeError(`no row ${i} of ${this.length}`);
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
      r.stages.push({ stage: this.stageName(k), at: this.stageAt[k] });
    for (let k = this.segStart[i]; k < this.segStart[i + 1]; k++)
      r.segments.push({ cause: this.segmentCause(k), from: this.segFrom[k], to: this.segTo[k] });
    return r;
  }

  /** Every row as an object, oldest first (tests, small reports). */
  toArray(): ReportTxn[] {
    const out: ReportTxn[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.row(i));
    return out;
  }
}
