/**
 * The host simulator's deterministic rules: decisions by amount, host local time, and the shape of
 * a settlement status record (the status itself comes from ./SettlementEngine.ts). Pure.
 */
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
