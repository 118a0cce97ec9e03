/**
 * What the settlement report is built from: a journal's tracked sales and host answers, the
 * contract and the calendar, turned into the pure report builder's input. The running runtime
 * reads its own journal; `posterm report` without one opens the profile's journal as diagnostics
 * do (never created). The journal holds masked PANs only.
 */
import { statSync } from 'node:fs';
import { Journal } from '../journal/Journal.js';
import { loadKeyFile } from '../journal/loadKeyFile.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import bundledData from '../settlement/calendar/cn-holidays.json' with { type: 'json' };
import type { HolidayCalendar } from '../settlement/calendar/HolidayCalendar.js';
import { loadCalendar } from '../settlement/calendar/loadCalendar.js';
import type {
  ReportInput,
  ReportSelection,
  ReportTxnInput,
} from '../settlement/report/buildSettlementReport.js';
import { explainLocked } from './journalPidFile.js';

const DAY_MS = 86_400_000;

export interface ReportSource {
  input: ReportInput;
  /** false: the profile's journal does not exist yet (the report is empty). */
  journalFound: boolean;
}

function journalExists(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

/** The transactions of the selection (with a day's margin: the builder selects exactly). */
function txnsOf(journal: Journal, sel: ReportSelection): ReportTxnInput[] {
  const since = sel.from ? Date.parse(`${sel.from}T00:00:00Z`) - 2 * DAY_MS : 0;
  return journal
    .trackedSettlements(Number.isNaN(since) ? 0 : since, true)
    .filter((t) => sel.batch === undefined || t.batch === sel.batch)
    .map((txn) => ({ txn, observations: journal.settlementObservations(txn.txnId) }));
}

/**
 * The builder's input from an open journal: the running runtime's own (RuntimeApi
 * settlementReport), or one opened by `posterm report` while no runtime runs.
 */
export function reportInputOf(
  journal: Journal | undefined,
  profile: TerminalProfile,
  selection: ReportSelection,
  asOf: number,
  calendar: HolidayCalendar,
): ReportInput {
  const calendarDir = profile.settlement?.calendarDir;
  return {
    asOf,
    terminalId: profile.terminalId,
    merchantId: profile.merchantId,
    calendarVersion: `${bundledData.version}${calendarDir ? ' + settlement.calendarDir' : ''}`,
    contract: { mode: profile.settlement?.mode ?? 'T1', timeZone: profile.timeZone },
    calendar,
    selection,
    txns: journal ? txnsOf(journal, selection) : [],
  };
}

/** Opens the profile's journal (fails JOURNAL_LOCKED, explained, while a runtime holds it). */
function openJournal(profile: TerminalProfile): Journal {
  const { path, keyFile } = profile.journal;
  try {
    const key = loadKeyFile(keyFile, { journal: { path, exists: true } });
    return Journal.open({ path, key, reversalAttemptLimit: profile.reversal.maxAttempts });
  } catch (e) {
    throw explainLocked(e, path);
  }
}

/** `posterm report` without a runtime: the profile's journal, when there is one. */
export function settlementReportSource(
  profile: TerminalProfile,
  selection: ReportSelection,
  asOf: number,
): ReportSource {
  const found = journalExists(profile.journal.path);
  const calendar = loadCalendar(profile.settlement?.calendarDir);
  const journal = found ? openJournal(profile) : undefined;
  try {
    return { journalFound: found, input: reportInputOf(journal, profile, selection, asOf, calendar) };
  } finally {
    journal?.close();
  }
}
