/**
 * Offline approval limits (store-and-forward), pure. Decides whether a sale may be approved
 * by the terminal; the reasons are coded so the till and the report can show them.
 */
import { PosError } from '../errors.js';
import type { OfflineTotals } from '../journal/types.js';
import type { OfflineInterface, TerminalProfile } from '../profile/loadProfile.js';

export type { OfflineTotals };

export type OfflineRefusal =
  | 'TXN_OFFLINE_INTERFACE'
  | 'TXN_OFFLINE_FLOOR_LIMIT'
  | 'TXN_OFFLINE_TOTAL_LIMIT'
  | 'TXN_OFFLINE_COUNT_LIMIT'
  | 'TXN_OFFLINE_AGE_LIMIT'
  | 'TXN_OFFLINE_DISABLED';

export interface OfflineDecision {
  allowed: boolean;
  refusal?: OfflineRefusal;
  en: string;
  zh: string;
}

export function decideOffline(
  limits: TerminalProfile['offline'],
  totals: OfflineTotals,
  amountMinor: number,
  entryInterface: OfflineInterface | 'magstripe',
): OfflineDecision {
  const no = (refusal: OfflineRefusal, en: string, zh: string): OfflineDecision => ({
    allowed: false,
    refusal,
    en,
    zh,
  });
  if (limits.policy === 'require-online' || limits.floorLimitMinor === 0) {
    return no(
      'TXN_OFFLINE_DISABLED',
      'offline approval is not allowed on this terminal',
      '本终端不允许离线交易',
    );
  }
  if (entryInterface === 'magstripe' || !limits.interfaces.includes(entryInterface)) {
    return no(
      'TXN_OFFLINE_INTERFACE',
      `no offline approval for ${entryInterface} cards`,
      '该读卡方式不允许离线交易',
    );
  }
  if (amountMinor > limits.floorLimitMinor) {
    return no('TXN_OFFLINE_FLOOR_LIMIT', 'amount above the offline floor limit', '金额超过离线限额');
  }
  if (limits.totalLimitMinor > 0 && totals.amountMinor + amountMinor > limits.totalLimitMinor) {
    return no('TXN_OFFLINE_TOTAL_LIMIT', 'total offline amount limit reached', '离线累计金额已达上限');
  }
  if (limits.maxCount > 0 && totals.count + 1 > limits.maxCount) {
    return no('TXN_OFFLINE_COUNT_LIMIT', 'offline transaction count limit reached', '离线笔数已达上限');
  }
  if (limits.maxAgeS > 0 && totals.count > 0 && totals.oldestAgeMs > limits.maxAgeS * 1000) {
    return no(
      'TXN_OFFLINE_AGE_LIMIT',
      'an unsent offline transaction is too old: forward it first',
      '有离线交易超时未上送',
    );
  }
  return { allowed: true, en: 'approved offline', zh: '离线批准' };
}

/**
 * Terminal approval code for an offline sale (field 38, an6): 'Y' + the journal's offline code
 * counter in 5 base-36 digits (0-9, A-Z), e.g. 'Y0000A'. The counter runs 1 .. 36^5 - 1, so a
 * code repeats only after about 60 million offline sales (the STAN repeats every 999,999).
 */
export function offlineApprovalCode(codeNumber: number): string {
  if (!Number.isInteger(codeNumber) || codeNumber < 1 || codeNumber >= 36 ** 5) {
    throw new PosError('TXN_BAD_INPUT', 'offline approval code number out of range', { codeNumber });
  }
  return `Y${codeNumber.toString(36).toUpperCase().padStart(5, '0')}`;
}
