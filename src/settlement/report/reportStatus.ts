/** Where the money is, as a merchant reads it (the report's status of a transaction). */
import type { SettlementStage } from '../settlementReports.js';

export type ReportStatus = 'arrived' | 'in-transit' | 'held' | 'failed' | 'unknown';
export const REPORT_STATUSES: readonly ReportStatus[] = [
  'arrived',
  'in-transit',
  'held',
  'failed',
  'unknown',
];

export function statusOfStage(stage: SettlementStage): ReportStatus {
  switch (stage) {
    case 'arrived':
      return 'arrived';
    case 'held':
      return 'held';
    case 'failed':
      return 'failed';
    case 'unknown-to-host':
      return 'unknown';
    default:
      return 'in-transit';
  }
}
