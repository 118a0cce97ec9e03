/**
 * Local refusals of the transaction engine that are about money and storage rather than the
 * card: amount limit, refund and void rules against the original, journal storage full. Each
 * has a stable code and English and Chinese text.
 */

import { formatAmount } from '../money.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import { localResult as local } from './localResult.js';
import type { TxnKind, TxnResult } from './types.js';

/** Sale, refund or void above the profile's limits.maxSaleMinor: refused before the card is read. */
export function amountLimitRefusal(
  profile: TerminalProfile,
  kind: TxnKind,
  amountMinor: number,
): TxnResult | undefined {
  const max = profile.limits?.maxSaleMinor;
  if (max === undefined || amountMinor <= max) return undefined;
  return local(
    kind,
    'failed',
    'TXN_AMOUNT_LIMIT',
    `amount above this terminal's limit of ${formatAmount(max)} per transaction`,
    `金额超过单笔限额 ${formatAmount(max)}`,
    { amountMinor },
  );
}

/** What was done against the original so far (Journal.originalUsage). */
export interface OriginalUsage {
  refundedMinor: number;
  refunds: number;
  voids: number;
}

/**
 * A refund is refused after a void (approved or not finished) and beyond what remains of the
 * original once approved and unresolved refunds are counted.
 */
export function refundRefusal(
  orig: { amountMinor: number; voided: boolean },
  use: OriginalUsage,
  amountMinor: number,
): TxnResult | undefined {
  if (orig.voided || use.voids > 0) {
    return local('refund', 'failed', 'TXN_ALREADY_VOIDED', 'the purchase is voided', '原交易已撤销', {
      amountMinor,
    });
  }
  const remaining = Math.max(0, orig.amountMinor - use.refundedMinor);
  if (amountMinor <= remaining) return undefined;
  return local(
    'refund',
    'failed',
    'TXN_REFUND_TOO_LARGE',
    `refund above what remains of the original: ${formatAmount(remaining)} left`,
    `退货金额超过原交易可退余额,剩余 ${formatAmount(remaining)}`,
    { amountMinor },
  );
}

/** A void is refused once the purchase has a refund (approved or outcome unknown). */
export function voidRefusal(orig: { voided: boolean }, use: OriginalUsage): TxnResult | undefined {
  if (orig.voided || use.voids > 0)
    return local('void', 'failed', 'TXN_ALREADY_VOIDED', 'the purchase is already voided', '原交易已撤销');
  if (use.refunds > 0) {
    return local(
      'void',
      'failed',
      'TXN_ALREADY_REFUNDED',
      'the purchase has a refund: it cannot be voided',
      '原交易已退货,不能撤销',
    );
  }
  return undefined;
}

/** New transactions refused: the journal cannot write (or is below its free-space minimum). */
export function diskFullRefusal(kind: TxnKind, amountMinor: number | undefined, reversalHeld: boolean) {
  return local(
    kind,
    'failed',
    'JOURNAL_DISK_FULL',
    'storage is full: the journal cannot record transactions; free space on the terminal',
    '存储空间不足,暂停交易',
    { amountMinor, reversalPending: reversalHeld ? { reason: '06' } : undefined },
  );
}
