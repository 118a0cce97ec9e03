/**
 * The host simulator's deterministic rules: decisions by amount, host local time, and the
 * settlement status of a ledger entry. Pure.
 */
import { HostLedger, type LedgerEntry } from './hostLedger.js';

/** Amount endings (last two digits of field 4, fen) that decline, and the code they give. */
export const DECLINE_BY_AMOUNT_ENDING: Readonly<Record<string, string>> = {
  '51': '51',
  '05': '05',
  '54': '54',
  '55': '55',
  '61': '61',
  '96': '96',
  '13': '13',
};

/** Response code for a purchase or advice of this amount (field 4 digits). */
export function decideByAmount(amount: string): string {
  return DECLINE_BY_AMOUNT_ENDING[amount.slice(-2)] ?? '00';
}

/** Host local time zone: Asia/Shanghai, UTC+8 all year (no DST). */
export const HOST_UTC_OFFSET_MS = 8 * 3600_000;

export interface HostTimeParts {
  yyyy: string;
  mm: string;
  dd: string;
  hh: string;
  mi: string;
  ss: string;
  /** 0 = Sunday ... 6 = Saturday, host local. */
  weekday: number;
}

export function hostTimeParts(ms: number): HostTimeParts {
  const d = new Date(ms + HOST_UTC_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    yyyy: p(d.getUTCFullYear(), 4),
    mm: p(d.getUTCMonth() + 1),
    dd: p(d.getUTCDate()),
    hh: p(d.getUTCHours()),
    mi: p(d.getUTCMinutes()),
    ss: p(d.getUTCSeconds()),
    weekday: d.getUTCDay(),
  };
}

/** YYYYMMDDhhmmss in host local time. */
export function hostTimestamp(ms: number): string {
  const t = hostTimeParts(ms);
  return `${t.yyyy}${t.mm}${t.dd}${t.hh}${t.mi}${t.ss}`;
}

/** 09:00 host local time of the next business day (Monday to Friday; no holiday calendar) after `ms`. */
export function nextBusinessDay0900(ms: number): number {
  const local = new Date(ms + HOST_UTC_OFFSET_MS);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  do {
    day += 86_400_000;
  } while ([0, 6].includes(new Date(day).getUTCDay()));
  return day + 9 * 3600_000 - HOST_UTC_OFFSET_MS;
}

/** One settlement status record (host-cup-pos.md section 5), before formatting to 59 bytes. */
export interface HostSettlementStatus {
  rrn: string;
  status: 'P' | 'C' | 'A' | 'H' | 'F' | 'X';
  mode: 'D0' | 'T1' | 'D1';
  /** Host wall times, ms; undefined prints as spaces. */
  expectedArrival?: number;
  clearedAt?: number;
  arrivedAt?: number;
  delayReason: string;
}

/**
 * The simulator's status rule (all T1):
 * - RRN unknown, or the entry is declined, reversed, voided, an inquiry or a void: `X`.
 * - batch not settled yet: `P`, expected arrival = next business day 09:00 after the sale;
 *   reason `09` for an offline advice, else `00`.
 * - batch settled at S: cleared at S; arrival A = next business day 09:00 after S; before A `C`
 *   (expected A), from A on `A` (arrived at A). Reason `09` when A is later than the arrival the
 *   sale alone would have given (the batch settled late), else `00`.
 */
export function settlementStatus(
  rrn: string,
  entry: LedgerEntry | undefined,
  ledger: HostLedger,
  now: number,
): HostSettlementStatus {
  if (!entry || !HostLedger.counts(entry) || entry.kind === 'inquiry' || entry.kind === 'void') {
    return { rrn, status: 'X', mode: 'T1', delayReason: '00' };
  }
  const normal = nextBusinessDay0900(entry.at);
  const settled = ledger.settledAt(entry.terminalId, entry.batch);
  if (settled === undefined) {
    return { rrn, status: 'P', mode: 'T1', expectedArrival: normal, delayReason: entry.advice ? '09' : '00' };
  }
  const arrival = nextBusinessDay0900(settled);
  const delayReason = arrival > normal ? '09' : '00';
  if (now < arrival) {
    return { rrn, status: 'C', mode: 'T1', expectedArrival: arrival, clearedAt: settled, delayReason };
  }
  return {
    rrn,
    status: 'A',
    mode: 'T1',
    expectedArrival: arrival,
    clearedAt: settled,
    arrivedAt: arrival,
    delayReason,
  };
}
