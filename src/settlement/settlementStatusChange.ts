/**
 * A sale's host record changed: what the runtime tells its subscribers (RuntimeEvent
 * `settlement-status`). Pure: the new observation and the previous one in, the change (or
 * nothing, when status, mode, expected arrival and reason are the same) out.
 */
import type { DelayReason, SettlementMode, SettlementStatus } from '../iso8583/views/cupPosStatusRecord.js';
import type { NewSettlementObservation, SettlementObservationRecord } from '../journal/types.js';
import type { HostZone } from './timeline/HostZone.js';

/** What the host now says about one sale, and what it said before (masked: no card data). */
export interface SettlementStatusChange {
  txnId: number;
  rrn: string;
  /** P, C, A, H, F or X */
  status: SettlementStatus;
  /** The status before (absent: the first answer about this sale). */
  previous?: SettlementStatus;
  mode: SettlementMode;
  delayReason: DelayReason;
  /** ISO instants (the host's times read in its zone). */
  expectedArrival?: string;
  arrivedAt?: string;
  /** ISO instant the terminal learnt it. */
  learntAt: string;
}

export function statusChangeOf(
  o: NewSettlementObservation & { txnId: number },
  prev: SettlementObservationRecord | undefined,
  zone: HostZone,
): SettlementStatusChange | undefined {
  if (
    prev &&
    prev.status === o.status &&
    prev.mode === o.mode &&
    prev.delayReason === o.delayReason &&
    prev.expectedArrival === o.expectedArrival
  )
    return undefined;
  const iso = (host: string | null) => (host ? new Date(zone.parseHostTime(host)).toISOString() : undefined);
  const c: SettlementStatusChange = {
    txnId: o.txnId,
    rrn: o.rrn,
    status: o.status as SettlementStatus,
    mode: o.mode as SettlementMode,
    delayReason: o.delayReason as DelayReason,
    learntAt: new Date(o.learntAt).toISOString(),
  };
  if (prev) c.previous = prev.status as SettlementStatus;
  const expected = iso(o.expectedArrival);
  if (expected) c.expectedArrival = expected;
  const arrived = iso(o.arrivedAt);
  if (arrived) c.arrivedAt = arrived;
  return c;
}
