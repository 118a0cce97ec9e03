/**
 * One 59-byte settlement status record (host-cup-pos.md section 5) from the simulator's rule,
 * written by the cup-pos view's record builder.
 */
import {
  buildSettlementStatusRecord,
  type DelayReason,
  type SettlementStatusRecord,
} from '../iso8583/views/cupPosStatusRecord.js';
import { type HostSettlementStatus, hostTimestamp } from './hostRules.js';

export function formatStatusRecord(s: HostSettlementStatus): string {
  const rec: SettlementStatusRecord = {
    rrn: s.rrn,
    status: s.status,
    settlementMode: s.mode,
    delayReason: s.delayReason as DelayReason,
  };
  if (s.expectedArrival !== undefined) rec.expectedArrival = hostTimestamp(s.expectedArrival);
  if (s.clearedAt !== undefined) rec.clearedAt = hostTimestamp(s.clearedAt);
  if (s.arrivedAt !== undefined) rec.arrivedAt = hostTimestamp(s.arrivedAt);
  return buildSettlementStatusRecord(rec);
}
