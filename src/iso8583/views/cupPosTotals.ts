/**
 * Field 48 layouts of cup-pos: settlement totals (0500/0510) and batch upload entries (0320).
 */
import { PosError } from '../../errors.js';
import type { ReconciliationCode } from './cupPosConstants.js';
import { badValue } from './cupPosFields.js';

/** Settlement field 48: debit total n12 + count n3 + credit total n12 + count n3 + code n1. */
export interface SettlementTotals {
  debitTotalMinor: number;
  debitCount: number;
  creditTotalMinor: number;
  creditCount: number;
  /** '0' from the terminal; the host answers 1 balanced, 2 unbalanced, 3 error. */
  reconciliation: ReconciliationCode | string;
}

function digits(v: number, len: number, sub: string): string {
  if (!Number.isSafeInteger(v) || v < 0 || String(v).length > len)
    badValue(sub, `expected at most ${len} digits`);
  return String(v).padStart(len, '0');
}

export function settlementTotalsToField48(t: SettlementTotals): string {
  if (!/^\d$/.test(t.reconciliation)) badValue('48.5', 'expected 1 digit');
  return (
    digits(t.debitTotalMinor, 12, '48.1') +
    digits(t.debitCount, 3, '48.2') +
    digits(t.creditTotalMinor, 12, '48.3') +
    digits(t.creditCount, 3, '48.4') +
    t.reconciliation
  );
}

export function parseSettlementTotals(s: string | undefined): SettlementTotals {
  if (s === undefined) throw new PosError('ISO_MISSING_FIELD', 'field 48 missing', { field: 48 });
  if (!/^\d{31}$/.test(s)) badValue(48, 'expected 31 digits of settlement totals');
  return {
    debitTotalMinor: Number(s.slice(0, 12)),
    debitCount: Number(s.slice(12, 15)),
    creditTotalMinor: Number(s.slice(15, 27)),
    creditCount: Number(s.slice(27, 30)),
    reconciliation: s[30],
  };
}

/** One batch upload entry: STAN n6 + amount n12 + PAN length n2 + PAN n19 (right padded with 0). */
export interface BatchUploadEntry {
  stan: string;
  amountMinor: number;
  pan: string;
}

export const MAX_BATCH_UPLOAD_ENTRIES = 8;
const ENTRY_DIGITS = 39;

export function batchUploadEntriesToField48(entries: readonly BatchUploadEntry[]): string {
  if (entries.length < 1 || entries.length > MAX_BATCH_UPLOAD_ENTRIES)
    badValue(48, 'expected 1 to 8 entries');
  let out = String(entries.length).padStart(2, '0');
  for (const e of entries) {
    if (!/^\d{6}$/.test(e.stan)) badValue(48, 'entry STAN must be 6 digits');
    if (!/^\d{8,19}$/.test(e.pan)) badValue(48, 'entry PAN must be 8 to 19 digits');
    out +=
      e.stan +
      digits(e.amountMinor, 12, '48') +
      String(e.pan.length).padStart(2, '0') +
      e.pan.padEnd(19, '0');
  }
  return out;
}

export function parseBatchUploadEntries(s: string | undefined): BatchUploadEntry[] {
  if (s === undefined) throw new PosError('ISO_MISSING_FIELD', 'field 48 missing', { field: 48 });
  if (!/^\d+$/.test(s)) badValue(48, 'expected digits');
  const count = Number(s.slice(0, 2));
  if (count < 1 || count > MAX_BATCH_UPLOAD_ENTRIES || s.length !== 2 + count * ENTRY_DIGITS) {
    badValue(48, 'entry count does not match the field length');
  }
  const out: BatchUploadEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = s.slice(2 + i * ENTRY_DIGITS, 2 + (i + 1) * ENTRY_DIGITS);
    const panLen = Number(e.slice(18, 20));
    if (panLen < 8 || panLen > 19) badValue(48, `entry ${i + 1}: PAN length out of range`);
    out.push({ stan: e.slice(0, 6), amountMinor: Number(e.slice(6, 18)), pan: e.slice(20, 20 + panLen) });
  }
  return out;
}
