/**
 * What the host simulator's settlement engine pays by (docs/host-simulator.md, "Settlement
 * engine"): the merchant's contract, the bank's maintenance windows, and their check. Contracts
 * come from a scenario file (./scenarios/*.json) or from code; every time is host time.
 */
import { PosError } from '../errors.js';
import type { SettlementMode } from '../iso8583/views/cupPosStatusRecord.js';

/**
 * Settlement account class: a company account, or a personal account of class I, II or III
 * (一类/二类/三类户). Only `corporate` and `I` are eligible for instant settlement (D0).
 */
export type AccountClass = 'corporate' | 'I' | 'II' | 'III';
export const D0_ELIGIBLE_ACCOUNTS: readonly AccountClass[] = ['corporate', 'I'];

/** A risk-control rule: a sale matching every given condition is held (status H, reason 05). */
export interface RiskRule {
  /** Sales of at least this amount, fen. */
  minAmount?: number;
  /** Sales made between these host times 'hh:mm' (the window may wrap past midnight). */
  from?: string;
  to?: string;
  /** Share of the matching sales held, 0..1, drawn from the seed per RRN (default 1). */
  rate?: number;
  /** Review time: the hold is released this many hours after it was placed. */
  reviewHours: number;
}

/** Transfers to the merchant's account that fail (rejected at once) or bounce (returned later). */
export interface TransferFailureRule {
  /** Share of the payouts that fail, 0..1, drawn from the seed per RRN (default 1). */
  rate?: number;
  /** `fail` (default): rejected at the payout time; `bounce`: returned `bounceMinutes` later. */
  kind?: 'fail' | 'bounce';
  /** Default 120. */
  bounceMinutes?: number;
  /** The transfer is tried again this long after it failed (default 240). */
  retryMinutes?: number;
  /** Failed attempts before one goes through (default 1). */
  failures?: number;
}

export interface MerchantContract {
  mode: SettlementMode;
  /** Host time 'hh:mm' of the daily cut-off (日切); default '23:00'. */
  cutOff?: string;
  /** Host time 'hh:mm' T1 and D1 money reaches the account; default '09:00'. */
  payoutTime?: string;
  /** D0: minutes from the host having the sale to the money in the account; default 30. */
  d0PayoutMinutes?: number;
  /** D0 limits, fen: a sale over either is paid T1 (reason 03). */
  d0LimitPerTxn?: number;
  d0LimitPerDay?: number;
  /** Default `corporate`; an account not eligible for D0 is paid T1 (reason 04). */
  accountClass?: AccountClass;
  /** The delayed-settlement switch (延时到账): payout held back this many hours (reason 08). */
  delayedSettlementHours?: number;
  risk?: RiskRule[];
  transferFailure?: TransferFailureRule;
}

/** A bank maintenance window, host times 'YYYY-MM-DD hh:mm': no payouts inside (reason 06). */
export interface MaintenanceWindow {
  from: string;
  to: string;
  note?: string;
}

/** The engine's settings: contracts per merchant id (field 42), a default, the bank's windows. */
export interface SettlementSettings {
  seed?: number;
  defaultContract?: MerchantContract;
  merchants?: Record<string, MerchantContract>;
  maintenance?: MaintenanceWindow[];
}

export const DEFAULT_CONTRACT: MerchantContract = { mode: 'T1', cutOff: '23:00', payoutTime: '09:00' };

function bad(source: string, key: string, why: string): never {
  throw new PosError('EMU_SCENARIO_INVALID', `settlement scenario ${source}: '${key}' ${why}`, {
    file: source,
    key,
  });
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const HOST_DATE_TIME = /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function optNumber(
  source: string,
  key: string,
  v: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    bad(source, key, `must be a number from ${min} to ${max}`);
}

function optPattern(source: string, key: string, v: unknown, re: RegExp, what: string): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || !re.test(v)) bad(source, key, `must be ${what}`);
}

/** Check one contract; a PosError EMU_SCENARIO_INVALID names the key. */
export function checkContract(source: string, key: string, raw: unknown): MerchantContract {
  if (!isObject(raw)) bad(source, key, 'must be an object');
  if (raw.mode !== 'D0' && raw.mode !== 'T1' && raw.mode !== 'D1')
    bad(source, `${key}.mode`, 'must be D0, T1 or D1');
  optPattern(source, `${key}.cutOff`, raw.cutOff, HHMM, 'hh:mm');
  optPattern(source, `${key}.payoutTime`, raw.payoutTime, HHMM, 'hh:mm');
  optNumber(source, `${key}.d0PayoutMinutes`, raw.d0PayoutMinutes, 0, 24 * 60);
  optNumber(source, `${key}.d0LimitPerTxn`, raw.d0LimitPerTxn, 0);
  optNumber(source, `${key}.d0LimitPerDay`, raw.d0LimitPerDay, 0);
  optNumber(source, `${key}.delayedSettlementHours`, raw.delayedSettlementHours, 0, 24 * 30);
  if (raw.accountClass !== undefined && !['corporate', 'I', 'II', 'III'].includes(raw.accountClass as string))
    bad(source, `${key}.accountClass`, 'must be corporate, I, II or III');
  if (raw.risk !== undefined) {
    if (!Array.isArray(raw.risk)) bad(source, `${key}.risk`, 'must be an array');
    raw.risk.forEach((r: unknown, i: number) => {
      const k = `${key}.risk.${i}`;
      if (!isObject(r)) bad(source, k, 'must be an object');
      optNumber(source, `${k}.minAmount`, r.minAmount, 0);
      optPattern(source, `${k}.from`, r.from, HHMM, 'hh:mm');
      optPattern(source, `${k}.to`, r.to, HHMM, 'hh:mm');
      if ((r.from === undefined) !== (r.to === undefined))
        bad(source, k, 'needs both from and to, or neither');
      optNumber(source, `${k}.rate`, r.rate, 0, 1);
      if (r.reviewHours === undefined) bad(source, `${k}.reviewHours`, 'is required');
      optNumber(source, `${k}.reviewHours`, r.reviewHours, 0, 24 * 30);
    });
  }
  const t = raw.transferFailure;
  if (t !== undefined) {
    const k = `${key}.transferFailure`;
    if (!isObject(t)) bad(source, k, 'must be an object');
    optNumber(source, `${k}.rate`, t.rate, 0, 1);
    if (t.kind !== undefined && t.kind !== 'fail' && t.kind !== 'bounce')
      bad(source, `${k}.kind`, 'must be fail or bounce');
    optNumber(source, `${k}.bounceMinutes`, t.bounceMinutes, 0, 24 * 60 * 7);
    optNumber(source, `${k}.retryMinutes`, t.retryMinutes, 1, 24 * 60 * 7);
    optNumber(source, `${k}.failures`, t.failures, 1, 10);
  }
  return raw as unknown as MerchantContract;
}

/** Check engine settings (the settlement part of a scenario). */
export function checkSettings(source: string, raw: Record<string, unknown>): SettlementSettings {
  optNumber(source, 'seed', raw.seed, 0, 2 ** 32 - 1);
  if (raw.defaultContract !== undefined) checkContract(source, 'defaultContract', raw.defaultContract);
  if (raw.merchants !== undefined) {
    if (!isObject(raw.merchants)) bad(source, 'merchants', 'must be an object keyed by merchant id');
    for (const [mid, c] of Object.entries(raw.merchants)) {
      if (!/^[\x20-\x7e]{1,15}$/.test(mid))
        bad(source, `merchants.${mid}`, 'is not a merchant id (field 42)');
      checkContract(source, `merchants.${mid}`, c);
    }
  }
  if (raw.maintenance !== undefined) {
    if (!Array.isArray(raw.maintenance)) bad(source, 'maintenance', 'must be an array');
    raw.maintenance.forEach((w: unknown, i: number) => {
      if (!isObject(w)) bad(source, `maintenance.${i}`, 'must be an object');
      optPattern(source, `maintenance.${i}.from`, w.from ?? '', HOST_DATE_TIME, "'YYYY-MM-DD hh:mm'");
      optPattern(source, `maintenance.${i}.to`, w.to ?? '', HOST_DATE_TIME, "'YYYY-MM-DD hh:mm'");
      if (String(w.to) <= String(w.from)) bad(source, `maintenance.${i}`, 'must end after it starts');
    });
  }
  return raw as SettlementSettings;
}
