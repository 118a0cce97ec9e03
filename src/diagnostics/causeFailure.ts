/** A failed host exchange as a check outcome: its code, cause, detail, and the cause's hint. */
import type { PosError } from '../errors.js';
import { hostFailureCause } from '../host/hostFailureCause.js';
import { hintForCause } from './causeHint.js';
import type { CheckOutcome } from './DiagResult.js';

export function causeFailure(e: PosError, extra: Record<string, unknown> = {}): CheckOutcome {
  const { cause, detail } = hostFailureCause(e);
  return {
    result: 'fail',
    evidence: { ...extra, code: e.code, cause, ...(detail ? { detail } : {}) },
    hint: hintForCause(cause),
  };
}
