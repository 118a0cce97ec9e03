/**
 * Settlement status inquiry records (private, host-cup-pos.md section 5): one 59-byte ASCII
 * record per RRN in field 62 of the 0810. Times are 'YYYYMMDDhhmmss' in the host's time zone.
 */
import { PosError } from '../../errors.js';

export const SettlementStatus = {
  WaitingForClearing: 'P',
  ClearedWaitingForPayout: 'C',
  Arrived: 'A',
  Held: 'H',
  PayoutFailed: 'F',
  Unknown: 'X',
} as const;
export type SettlementStatus = (typeof SettlementStatus)[keyof typeof SettlementStatus];

export const SETTLEMENT_STATUS_TEXT: Record<SettlementStatus, { en: string; zh: string }> = {
  P: { en: 'waiting for clearing', zh: '待清算' },
  C: { en: 'cleared, waiting for payout', zh: '已清算,待出款' },
  A: { en: "arrived in the merchant's account", zh: '已到账' },
  H: { en: 'held', zh: '暂缓出款' },
  F: { en: 'payout failed', zh: '出款失败' },
  X: { en: 'unknown to the host', zh: '主机无此交易' },
};

export const SettlementMode = {
  Instant: 'D0',
  NextBusinessDay: 'T1',
  NextCalendarDay: 'D1',
} as const;
export type SettlementMode = (typeof SettlementMode)[keyof typeof SettlementMode];

export const SETTLEMENT_MODE_TEXT: Record<SettlementMode, { en: string; zh: string }> = {
  D0: { en: 'instant', zh: '实时到账' },
  T1: { en: 'next business day', zh: '下一工作日到账' },
  D1: { en: 'next calendar day', zh: '次日到账' },
};

export const DelayReason = {
  None: '00',
  AfterCutOff: '01',
  NonBusinessDay: '02',
  InstantLimitExceeded: '03',
  AccountNotEligibleForInstant: '04',
  RiskControlHold: '05',
  BankMaintenanceWindow: '06',
  TransferFailed: '07',
  DelayedSettlementSwitchedOn: '08',
  TerminalSentLate: '09',
} as const;
export type DelayReason = (typeof DelayReason)[keyof typeof DelayReason];

export const DELAY_REASON_TEXT: Record<DelayReason, { en: string; zh: string }> = {
  '00': { en: 'none', zh: '无' },
  '01': { en: 'after cut-off', zh: '超过日切时间' },
  '02': { en: 'non-business day', zh: '非工作日' },
  '03': { en: 'instant-settlement limit exceeded', zh: '超出实时结算额度' },
  '04': { en: 'settlement account not eligible for instant settlement', zh: '结算账户不支持实时结算' },
  '05': { en: 'risk-control hold', zh: '风控暂缓' },
  '06': { en: 'bank maintenance window', zh: '银行系统维护' },
  '07': { en: 'transfer failed or bounced', zh: '转账失败或退回' },
  '08': { en: 'delayed settlement switched on for the merchant', zh: '商户已开通延时到账' },
  '09': { en: 'terminal sent it late (offline or batch not settled)', zh: '终端上送延迟(离线或批次未结算)' },
};

export interface SettlementStatusRecord {
  rrn: string;
  status: SettlementStatus;
  settlementMode: SettlementMode;
  expectedArrival?: string;
  clearedAt?: string;
  arrivedAt?: string;
  delayReason: DelayReason;
}

export const STATUS_RECORD_LENGTH = 59;
const BLANK_TIME = ' '.repeat(14);
const TIME = /^\d{14}$/;

function bad(why: string, offset: number): never {
  throw new PosError('ISO_BAD_STATUS_RECORD', `settlement status record: ${why}`, { field: 62, offset });
}

function parseTime(s: string, offset: number): string | undefined {
  if (s === BLANK_TIME) return undefined;
  if (!TIME.test(s)) bad('time is neither YYYYMMDDhhmmss nor spaces', offset);
  return s;
}

/** Parse one 59-character record; `offset` (bytes into field 62) is reported in errors. */
export function parseSettlementStatusRecord(rec: string, offset = 0): SettlementStatusRecord {
  if (rec.length !== STATUS_RECORD_LENGTH) bad(`length ${rec.length}, expected 59`, offset);
  const rrn = rec.slice(0, 12);
  if (!/^[\x20-\x7e]{12}$/.test(rrn)) bad('RRN is not printable ASCII', offset);
  const status = rec[12];
  if (!Object.hasOwn(SETTLEMENT_STATUS_TEXT, status)) bad('unknown status', offset + 12);
  const mode = rec.slice(13, 15);
  if (!Object.hasOwn(SETTLEMENT_MODE_TEXT, mode)) bad('unknown settlement mode', offset + 13);
  const delay = rec.slice(57, 59);
  if (!Object.hasOwn(DELAY_REASON_TEXT, delay)) bad('unknown delay reason', offset + 57);
  const out: SettlementStatusRecord = {
    rrn,
    status: status as SettlementStatus,
    settlementMode: mode as SettlementMode,
    delayReason: delay as DelayReason,
  };
  const expectedArrival = parseTime(rec.slice(15, 29), offset + 15);
  const clearedAt = parseTime(rec.slice(29, 43), offset + 29);
  const arrivedAt = parseTime(rec.slice(43, 57), offset + 43);
  if (expectedArrival !== undefined) out.expectedArrival = expectedArrival;
  if (clearedAt !== undefined) out.clearedAt = clearedAt;
  if (arrivedAt !== undefined) out.arrivedAt = arrivedAt;
  return out;
}

/** Parse field 62 text holding whole records. */
export function parseSettlementStatusRecords(text: string): SettlementStatusRecord[] {
  if (text.length % STATUS_RECORD_LENGTH !== 0) {
    bad(`length ${text.length} is not a multiple of 59`, text.length - (text.length % STATUS_RECORD_LENGTH));
  }
  const out: SettlementStatusRecord[] = [];
  for (let i = 0; i < text.length; i += STATUS_RECORD_LENGTH) {
    out.push(parseSettlementStatusRecord(text.slice(i, i + STATUS_RECORD_LENGTH), i));
  }
  return out;
}

/** Build one 59-character record (for the host simulator). */
export function buildSettlementStatusRecord(r: SettlementStatusRecord): string {
  const time = (t: string | undefined): string => {
    if (t === undefined) return BLANK_TIME;
    if (!TIME.test(t)) bad('time must be YYYYMMDDhhmmss', 0);
    return t;
  };
  if (!/^[\x20-\x7e]{12}$/.test(r.rrn)) bad('RRN must be 12 printable ASCII characters', 0);
  if (!Object.hasOwn(SETTLEMENT_STATUS_TEXT, r.status)) bad('unknown status', 12);
  if (!Object.hasOwn(SETTLEMENT_MODE_TEXT, r.settlementMode)) bad('unknown settlement mode', 13);
  if (!Object.hasOwn(DELAY_REASON_TEXT, r.delayReason)) bad('unknown delay reason', 57);
  return (
    r.rrn +
    r.status +
    r.settlementMode +
    time(r.expectedArrival) +
    time(r.clearedAt) +
    time(r.arrivedAt) +
    r.delayReason
  );
}

export function buildSettlementStatusRecords(records: readonly SettlementStatusRecord[]): string {
  return records.map(buildSettlementStatusRecord).join('');
}
