/**
 * The transaction rows of the text table (renderTable.ts), written as UTF-8 bytes: 100,000 rows
 * are most of the table, and as strings each cost a dozen small strings, padding by display width
 * and a join. Each row gives exactly the text of `rowLine` (renderTable.ts), which stays the
 * reference: labels are padded once per table by the same functions and kept as bytes, times and
 * amounts are written as digits, and a value outside the fast paths (a year beyond 9999, a
 * negative amount, a card number ending in non-ASCII) takes rowLine's own string for that cell.
 */
import { formatAmount } from '../../money.js';
import { padEndWidth, padStartWidth, truncateToWidth } from '../../text/displayWidth.js';
import type { HostZone } from '../timeline/HostZone.js';
import { BytesOf, ByteWriter } from './ByteWriter.js';
import { writeMonthDayMinute } from './isoTime.js';
import type { ReportRows, ReportTxn } from './ReportRows.js';
import { CAUSE_LABEL, hostMinute, type ReportLang, STATUS_LABEL, shortDuration } from './reportText.js';

export const TABLE_WIDTH = 80;
/** Row columns: time, card (last 4 digits), amount, mode, status, arrival, delay; the cause takes the rest. */
const ROW_COLS = [11, 5, 10, 4, 10, 11, 8] as const;
const CAUSE_WIDTH = TABLE_WIDTH - ROW_COLS.reduce((a, b) => a + b + 1, 0);

const SPACE = 0x20;
const MINUTE_MS = 60_000;

/** One row from its cells' text (the header line, and the reference for the byte rows). */
export function rowLine(cells: readonly string[]): string {
  // An amount is never cut: a sale over 10 million yuan makes its line longer.
  const parts = ROW_COLS.map((w, i) =>
    i === 2 ? cells[i].padStart(w) : i === 6 ? padStartWidth(cells[i], w) : padEndWidth(cells[i], w),
  );
  return `${parts.join(' ')} ${truncateToWidth(cells[7], CAUSE_WIDTH)}`.trimEnd();
}

class TableBytes extends ByteWriter {
  /** 'MM-DD hh:mm' of a wall-clock instant, or false when it needs the string path. */
  monthDayMinute(wall: number): boolean {
    this.room(11);
    if (!writeMonthDayMinute(this.buf, this.len, wall)) return false;
    this.len += 11;
    return true;
  }
}

/**
 * Writes `rowLine` of every transaction, each followed by '\n'. `short` is renderTable's time
 * cell ('MM-DD hh:mm' host time, '-' when absent), the slow path for odd times.
 */
export function writeTableRows(rows: ReportRows, lang: ReportLang, zone: HostZone, head: string): Buffer {
  const o = new TableBytes(Buffer.byteLength(head) + rows.length * 90);
  o.text(head);
  const short = (ms: number | undefined) => (ms === undefined ? '-' : hostMinute(zone, ms).slice(5));
  const modes = new BytesOf<string>((m) => padEndWidth(m, ROW_COLS[3]));
  const statuses = new BytesOf<ReportTxn['status']>((s) => padEndWidth(STATUS_LABEL[s][lang], ROW_COLS[4]));
  const causes = new BytesOf<ReportTxn['mainCause']>((c) =>
    truncateToWidth(c ? CAUSE_LABEL[c][lang] : '-', CAUSE_WIDTH),
  );
  // shortDuration depends on the whole minutes only.
  const delays = new BytesOf<number>((m) => padStartWidth(shortDuration(m * MINUTE_MS, lang), ROW_COLS[6]));
  const unknownDelay = Buffer.from(padStartWidth(shortDuration(null, lang), ROW_COLS[6]));
  const noTime = Buffer.from(padEndWidth('-', ROW_COLS[0]));
  const time = (ms: number | undefined) => {
    if (ms === undefined) o.put(noTime);
    else if (!o.monthDayMinute(zone.local(ms))) o.text(padEndWidth(short(ms), ROW_COLS[0]));
  };

  for (let i = 0; i < rows.length; i++) {
    const start = o.length;
    time(rows.authorisedAt[i]);
    o.byte(SPACE);
    card(o, rows.maskedPan[i]);
    o.byte(SPACE);
    amount(o, rows.amountMinor[i]);
    o.byte(SPACE);
    o.put(modes.get(rows.mode[i]));
    o.byte(SPACE);
    o.put(statuses.get(rows.status[i]));
    o.byte(SPACE);
    time(rows.arrivedAt(i) ?? rows.expectedArrival(i));
    o.byte(SPACE);
    const delay = rows.delay(i);
    o.put(delay === null ? unknownDelay : delays.get(Math.round(delay / MINUTE_MS)));
    o.byte(SPACE);
    o.put(causes.get(rows.mainCause[i]));
    // rowLine's trimEnd: the cause labels end in no space, but padding before an empty one would.
    o.trimSpaces(start);
    o.byte(0x0a);
  }
  return o.bytes();
}

/** '…' and the last 4 characters (5 columns when they are printable ASCII), or '-'. */
function card(o: ByteWriter, pan: string | null): void {
  if (!pan) {
    o.put(NO_CARD);
    return;
  }
  const n = pan.length;
  let ascii = n >= 4;
  for (let i = n - 4; ascii && i < n; i++) {
    const c = pan.charCodeAt(i);
    ascii = c >= 0x20 && c < 0x7f;
  }
  if (!ascii) {
    o.text(padEndWidth(`…${pan.slice(-4)}`, ROW_COLS[1]));
    return;
  }
  o.put(ELLIPSIS);
  for (let i = n - 4; i < n; i++) o.byte(pan.charCodeAt(i));
}
const ELLIPSIS = Buffer.from('…');
const NO_CARD = Buffer.from(padEndWidth('-', ROW_COLS[1]));

/** formatAmount right-aligned in its column (never cut). */
function amount(o: ByteWriter, minor: number): void {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    o.text(formatAmount(minor).padStart(ROW_COLS[2]));
    return;
  }
  const yuan = Math.floor(minor / 100);
  o.fill(SPACE, ROW_COLS[2] - 3 - ByteWriter.digitCount(yuan));
  o.digits(yuan);
  o.byte(0x2e); // .
  const fen = minor % 100;
  o.byte(48 + Math.floor(fen / 10));
  o.byte(48 + (fen % 10));
}
