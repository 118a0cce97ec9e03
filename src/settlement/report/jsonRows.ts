/**
 * The JSON's transactions written as bytes: each row exactly as JSON.stringify writes the
 * documented ReportRow object (reportRowOf, renderJson.ts), which a test checks, straight from the
 * columns (no object, no ISO string per row). A row is about 900 bytes and a report has 100,000,
 * so the writer makes room once per row (a bound from the row's own text lengths) and then writes
 * with a local position: every field is a few byte stores, not a method call that checks room.
 */
import { BytesOf, ByteWriter } from './ByteWriter.js';
import { isoTime, writeIsoTime } from './isoTime.js';
import type { ReportRows } from './ReportRows.js';

const QUOTE = 0x22;

/** ASCII (the code's own keys) at b[p]; the position after. */
function ascii(b: Buffer, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  return p;
}

function copy(b: Buffer, p: number, src: Uint8Array): number {
  for (let i = 0; i < src.length; i++) b[p++] = src[i];
  return p;
}

/** A JSON string: plain printable ASCII directly, anything else as JSON.stringify writes it. */
function str(b: Buffer, p: number, s: string): number {
  const start = p;
  b[p++] = QUOTE;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c)
      return start + b.write(JSON.stringify(s), start, 'utf8');
    b[p++] = c;
  }
  b[p++] = QUOTE;
  return p;
}

/** A JSON number as JSON.stringify writes it (null when not finite). */
function num(b: Buffer, p: number, n: number | null): number {
  if (n === null || !Number.isFinite(n)) return ascii(b, p, 'null');
  if (!Number.isSafeInteger(n) || n < 0) return ascii(b, p, String(n));
  const end = p + ByteWriter.digitCount(n);
  let q = end;
  let v = n;
  do {
    b[--q] = 48 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  return end;
}

/** An instant as a JSON string in ISO 8601 (isoTime's text). */
function iso(b: Buffer, p: number, ms: number): number {
  b[p] = QUOTE;
  if (writeIsoTime(b, p + 1, ms)) p += 25;
  else p = ascii(b, p + 1, isoTime(ms));
  b[p] = QUOTE;
  return p + 1;
}

/** Longest text a num or an iso writes (String of a double, isoTime beyond year 9999, quoted). */
const NUMBER_MAX = 26;
const ISO_MAX = 30;
/** The row's keys and punctuation, and its numbers and times, with margin. */
const ROW_FIXED = 300 + 3 * NUMBER_MAX + 4 * ISO_MAX;

export class JsonRowWriter extends ByteWriter {
  /** Quoted names (approval, mode, status, stage, host status, cause), made once per name. */
  private readonly quoted = new BytesOf<string>((s) => JSON.stringify(s));
  /** The bytes that open each stage and segment object, by the columns' name codes. */
  private readonly openStage: Buffer[];
  private readonly openSegment: Buffer[];
  private readonly openMax: number;

  constructor(
    size: number,
    private readonly rows: ReportRows,
  ) {
    super(size);
    this.openStage = rows.stageNames.list.map((n) => Buffer.from(`{"stage":${JSON.stringify(n)},"at":`));
    this.openSegment = rows.causes.list.map((c) => Buffer.from(`{"cause":${JSON.stringify(c)},"from":`));
    this.openMax = Math.max(0, ...[...this.openStage, ...this.openSegment].map((b) => b.length));
  }

  /** Room for row i: a bound from its texts (JSON escapes take at most 6 bytes a character). */
  private bound(i: number): number {
    const r = this.rows;
    let text = r.rrn[i].length + r.batch[i].length + (r.maskedPan[i]?.length ?? 0);
    text += r.approval[i].length + r.mode[i].length + r.status[i].length + r.stage[i].length;
    text += (r.hostStatus[i]?.length ?? 0) + (r.mainCause[i]?.length ?? 0);
    const parts = r.stageStart[i + 1] - r.stageStart[i] + r.segStart[i + 1] - r.segStart[i];
    return ROW_FIXED + 6 * text + parts * (this.openMax + 16 + 2 * ISO_MAX);
  }

  /** Row i's JSON (the bytes of JSON.stringify(reportRowOf(rows.row(i))), in its key order). */
  row(i: number): void {
    this.room(this.bound(i));
    const r = this.rows;
    const b = this.buf;
    let p = this.len;
    p = ascii(b, p, '{"txnId":');
    p = num(b, p, r.txnId[i]);
    p = ascii(b, p, ',"rrn":');
    p = str(b, p, r.rrn[i]);
    p = ascii(b, p, ',"batch":');
    p = str(b, p, r.batch[i]);
    p = ascii(b, p, ',"authorisedAt":');
    p = iso(b, p, r.authorisedAt[i]);
    p = ascii(b, p, ',"maskedPan":');
    const pan = r.maskedPan[i];
    p = pan === null ? ascii(b, p, 'null') : str(b, p, pan);
    p = ascii(b, p, ',"amountMinor":');
    p = num(b, p, r.amountMinor[i]);
    p = ascii(b, p, ',"approval":');
    p = copy(b, p, this.quoted.get(r.approval[i]));
    p = ascii(b, p, ',"mode":');
    p = copy(b, p, this.quoted.get(r.mode[i]));
    p = ascii(b, p, ',"status":');
    p = copy(b, p, this.quoted.get(r.status[i]));
    p = ascii(b, p, ',"stage":');
    p = copy(b, p, this.quoted.get(r.stage[i]));
    p = ascii(b, p, ',"ideal":');
    p = iso(b, p, r.ideal[i]);
    p = ascii(b, p, ',"delayMs":');
    p = num(b, p, r.delay(i));
    p = ascii(b, p, ',"stages":[');
    const firstStage = r.stageStart[i];
    for (let k = firstStage, end = r.stageStart[i + 1]; k < end; k++) {
      if (k > firstStage) b[p++] = 0x2c; // ,
      p = copy(b, p, this.openStage[r.stageCode[k]]);
      p = iso(b, p, r.stageAt[k]);
      b[p++] = 0x7d; // }
    }
    p = ascii(b, p, '],"segments":[');
    const firstSegment = r.segStart[i];
    for (let k = firstSegment, end = r.segStart[i + 1]; k < end; k++) {
      if (k > firstSegment) b[p++] = 0x2c;
      p = copy(b, p, this.openSegment[r.segCause[k]]);
      p = iso(b, p, r.segFrom[k]);
      p = ascii(b, p, ',"to":');
      p = iso(b, p, r.segTo[k]);
      b[p++] = 0x7d;
    }
    b[p++] = 0x5d; // ]
    // Added in this order since version 1's first release: the bytes stay the same.
    const hostStatus = r.hostStatus[i];
    if (hostStatus !== undefined) {
      p = ascii(b, p, ',"hostStatus":');
      p = copy(b, p, this.quoted.get(hostStatus));
    }
    const arrivedAt = r.arrivedAt(i);
    if (arrivedAt !== undefined) {
      p = ascii(b, p, ',"arrivedAt":');
      p = iso(b, p, arrivedAt);
    }
    const expected = r.expectedArrival(i);
    if (expected !== undefined) {
      p = ascii(b, p, ',"expectedArrival":');
      p = iso(b, p, expected);
    }
    const mainCause = r.mainCause[i];
    if (mainCause !== undefined) {
      p = ascii(b, p, ',"mainCause":');
      p = copy(b, p, this.quoted.get(mainCause));
    }
    b[p++] = 0x7d;
    this.len = p;
  }
}
