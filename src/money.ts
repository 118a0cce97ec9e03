/**
 * Amounts: the one parser and the one formatter between the text a person types or reads
 * ("12.34" yuan) and minor units (1234 fen), as every layer counts money. Field 4 (n12) bounds
 * an amount to 999 999 999 999 minor units.
 */
import { PosError } from './errors.js';

/** The largest amount field 4 (n12) can carry, in minor units. */
export const MAX_AMOUNT_MINOR = 999_999_999_999;

/** Up to 10 digits of yuan, optionally a point and one or two digits of fen. */
const AMOUNT_TEXT = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

export interface ParseAmountOptions {
  /** Accept 0 (a reader tap for a balance inquiry); payments are positive. */
  allowZero?: boolean;
}

/**
 * "12.34" -> 1234. Surrounding white space is ignored; signs, exponents, separators, spaces
 * inside, more than two decimals or more than 12 digits throw TXN_BAD_AMOUNT.
 */
export function parseAmount(text: string, opts: ParseAmountOptions = {}): number {
  const m = AMOUNT_TEXT.exec(text.trim());
  const minor = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : Number.NaN;
  if (!(minor > 0 || (opts.allowZero && minor === 0)) || minor > MAX_AMOUNT_MINOR) {
    throw new PosError('TXN_BAD_AMOUNT', 'amount must look like 12.34 (yuan)', { key: 'amount' });
  }
  return minor;
}

/** 1234 -> "12.34" (a whole number of minor units, not negative). */
export function formatAmount(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}
