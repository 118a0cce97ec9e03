/**
 * Field 54 (additional amounts) of a balance inquiry answer: one or more 20-character blocks of
 * account type n2 + amount type n2 + currency n3 + sign C/D + amount n12 (minor units). Pure.
 */
import { PosError } from '../../errors.js';

export interface AdditionalAmount {
  accountType: string;
  /** '01' ledger balance, '02' available balance (ISO 8583 amount types). */
  amountType: string;
  currency: string;
  /** Signed: D (debit) blocks are negative. */
  amountMinor: number;
}

const BLOCK = /^(\d{2})(\d{2})(\d{3})([CD])(\d{12})$/;

export function parseAdditionalAmounts(f54: string): AdditionalAmount[] {
  if (f54.length === 0 || f54.length % 20 !== 0) {
    throw new PosError('ISO_BAD_ADDITIONAL_AMOUNTS', 'field 54 must be blocks of 20 characters', {
      field: 54,
      offset: f54.length - (f54.length % 20),
    });
  }
  const out: AdditionalAmount[] = [];
  for (let i = 0; i < f54.length; i += 20) {
    const m = BLOCK.exec(f54.slice(i, i + 20));
    if (!m) {
      throw new PosError('ISO_BAD_ADDITIONAL_AMOUNTS', 'field 54 block is not n2 n2 n3 C/D n12', {
        field: 54,
        offset: i,
      });
    }
    const amount = Number(m[5]);
    out.push({
      accountType: m[1],
      amountType: m[2],
      currency: m[3],
      amountMinor: m[4] === 'D' ? -amount : amount,
    });
  }
  return out;
}

/** The balance to show: the available balance (type 02) when present, else the first block. */
export function balanceOf(f54: string): AdditionalAmount {
  const all = parseAdditionalAmounts(f54);
  return all.find((a) => a.amountType === '02') ?? all[0];
}
