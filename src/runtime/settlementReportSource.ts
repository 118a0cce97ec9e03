/**
 * What `posterm report settlement` reads: the profile's journal (opened like diagnostics open it,
 * which only succeeds while no runtime holds it; never created), the contract and the calendar,
 * turned into the pure report builder's input. The journal holds masked PANs only.
 */
import { statSync } from 'node:fs';
import { Journal } from '../journal/Journal.js';
import { loadKeyFile } from '../journal/loadKeyFile.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import bundledData from '../settlement/calendar/cn-holidays.json' with { type: 'json' };
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
function readTxns(profile: TerminalProfile, sel: ReportSelection): ReportTxnInput[] {
  const { path, keyFile } = profile.journal;
  let journal: Journal;
  try {
    const key = loadKeyFile(keyFile, { journal: { path, exists: true } });
    journal = Journal.open({ path, key, reversalAttemptLimit: profile.reversal.maxAttempts });
  } catch (e) {
    throw explainLocked(e, path);
  }
  try {
    const since = sel.from ? Date.parse(`${sel.from}T00:00:00Z`) - 2 * DAY_MS : 0;
    return journal
      .trackedSettlements(Number.isNaN(since) ? 0 : since, true)
      .filter((t) => sel.batch === undefined || t.batch === sel.batch)
      .map((txn) => ({ txn, observations: journal.settlementObservations(txn.txnId) }));
  } finally {
    journal.close();
  }
}

export function settlementReportSource(
  profile: TerminalProfile,
  selection: ReportSelection,
  asOf: number,
): ReportSource {
  const found = journalExists(profile.journal.path);
  const calendarDir = profile.settlement?.calendarDir;
  return {
    journalFound: found,
    input: {
      asOf,
      terminalId: profile.terminalId,
      merchantId: profile.merchantId,
      calendarVersion: `${bundledData.version}${calendarDir ? ' + settlement.calendarDir' : ''}`,
      contract: { mode: profile.settlement?.mode ?? 'T1', timeZone: profile.timeZone },
      calendar: loadCalendar(calendarDir),
      selection,
      txns: found ? readTxns(profile, selection) : [],
    },
  };
}
