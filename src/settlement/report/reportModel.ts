/**
 * The settlement report (issue 11, docs/reports.md): one typed model that every format renders
 * (table, JSON, protobuf, HTML). The JSON format (SettlementReportJson, described by
 * settlement-report.schema.json) is the model as is, except the transactions: the model keeps them
 * as columns of numbers (ReportRows) and the JSON writes each as a ReportRow, so 100,000 rows cost
 * no object and no ISO text until a format needs them. In the JSON, times are ISO
 * 8601 instants (UTC); civil dates are YYYY-MM-DD in the host's time zone (`header.timeZone`);
 * amounts are integer minor units (fen); durations are milliseconds; cards are masked (first 6
 * and last 4 digits at most).
 */
import type { SettlementMode } from '../../iso8583/views/cupPosStatusRecord.js';
import type { CivilDate } from '../calendar/HolidayCalendar.js';
import type { Bilingual, DelayCause } from '../timeline/delayCauses.js';
import type { ReportRows, TxnFacts } from './ReportRows.js';
import type { ReportStatus } from './reportStatus.js';

export const REPORT_SCHEMA_ID = 'posterm.settlement-report.v1';

export { REPORT_STATUSES, type ReportStatus, statusOfStage } from './reportStatus.js';

export interface ReportHeader {
  asOf: string;
  /** IANA name of the host's zone: dates and displayed times are in it. */
  timeZone: string;
  /** Masked terminal and merchant ids (the last 4 characters shown). */
  terminal: string;
  merchant: string;
  /** Version of the holiday calendar used (bundled data, plus the profile's override folder). */
  calendarVersion: string;
  contractMode: SettlementMode;
  /** The selection asked for (dates inclusive, host dates) and the batches it covers. */
  period: { from?: CivilDate; to?: CivilDate; batch?: string; batches: string[] };
}

export interface StatusTotal {
  status: ReportStatus;
  count: number;
  amountMinor: number;
}

export interface ModeTiming {
  /** The mode the host applied. */
  mode: SettlementMode;
  /** Arrived sales of this mode. */
  count: number;
  medianMs: number;
  p90Ms: number;
}

/** A bin of the time from sale to funds (arrived sales); toMs absent: open-ended. */
export interface TimeBin {
  fromMs: number;
  toMs?: number;
  count: number;
  amountMinor: number;
}

export interface CauseTotal {
  cause: DelayCause;
  /** Sales with any delay given to this cause. */
  count: number;
  amountMinor: number;
  ms: number;
  text: Bilingual;
}

export interface LargestDelay {
  rrn: string;
  amountMinor: number;
  delayMs: number;
  status: ReportStatus;
  mainCause?: DelayCause;
}

export interface ReportSummary {
  count: number;
  amountMinor: number;
  /** Always the five statuses, in REPORT_STATUSES order. */
  byStatus: StatusTotal[];
  /** On time: no delay behind the contract's ideal arrival (actual, or expected so far); share rounded to 4 decimals. */
  onTime: { count: number; of: number; share: number | null };
  timeToFunds: ModeTiming[];
  timeToFundsBins: TimeBin[];
  /** Largest total first. */
  delayByCause: CauseTotal[];
  /** Up to 10, longest first. */
  largestDelays: LargestDelay[];
}

export interface ActionItem {
  rrn: string;
  maskedPan: string | null;
  amountMinor: number;
  authorisedAt: string;
  status: 'held' | 'failed' | 'unknown';
  /** When the host first said so (held, failed, unknown). */
  since?: string;
  delayMs: number | null;
  cause: DelayCause;
  text: Bilingual;
  remedy: Bilingual;
}

export interface ForecastDay {
  date: CivilDate;
  count: number;
  amountMinor: number;
  /** Of them, dates the terminal estimated (the host gave none). */
  estimatedCount: number;
}

export interface ReportForecast {
  /** Expected arrivals from the as-of day on, one entry per day that has any, in date order. */
  days: ForecastDay[];
  /** Expected earlier, not arrived. */
  overdue: { count: number; amountMinor: number };
  /** No date: held, failed, unknown to the host, beyond the calendar. */
  undated: { count: number; amountMinor: number };
}

export interface ReportStage {
  stage: string;
  at: string;
}

export interface ReportSegment {
  cause: DelayCause;
  from: string;
  to: string;
}

/** One transaction as the JSON gives it (docs/reports.md): times as ISO text. */
export type ReportRow = TxnFacts<string, ReportStage, ReportSegment>;

export interface SettlementReport {
  schema: typeof REPORT_SCHEMA_ID;
  header: ReportHeader;
  summary: ReportSummary;
  needsAction: ActionItem[];
  forecast: ReportForecast;
  /** Oldest first, as columns (ReportRows.ts). */
  transactions: ReportRows;
}

/** The JSON format: the model with each transaction as a ReportRow. */
export interface SettlementReportJson extends Omit<SettlementReport, 'transactions'> {
  transactions: ReportRow[];
}
