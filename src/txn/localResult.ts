import type { PosErrorCode } from '../errors.js';
import type { TxnKind, TxnResult } from './types.js';

/** A result the terminal decided without the host (no card, a limit, a refusal before sending). */
export function localResult(
  kind: TxnKind,
  outcome: TxnResult['outcome'],
  code: PosErrorCode,
  en: string,
  zh: string,
  extra: Partial<TxnResult> = {},
): TxnResult {
  return {
    id: 0,
    kind,
    outcome,
    textEn: en,
    textZh: zh,
    reason: { code, message: en },
    timings: {},
    ...extra,
  };
}
