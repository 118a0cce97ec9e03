/**
 * Settlement checks: the holiday calendar's coverage ahead (expected arrivals past it are
 * "calendar unknown", never guessed), and the tracked sales the host holds, could not pay out,
 * does not know, or pays late. The verdicts are pure functions of the settlement status rows
 * (settlementStatusOf): standalone they are built here from the journal diag opened, beside a
 * running runtime they come from its `settlementStatus` answer.
 */
import { isPosError } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import {
  bundledCalendar,
  civilDate,
  dayNumber,
  type HolidayCalendar,
} from '../settlement/calendar/HolidayCalendar.js';
import { loadCalendar } from '../settlement/calendar/loadCalendar.js';
import {
  type SettlementStage,
  type SettlementStatusResponse,
  type SettlementStatusRow,
  settlementStatusOf,
} from '../settlement/settlementReports.js';
import { DAY_MS, DEFAULT_SCHEDULE_CONFIG } from '../settlement/trackingSchedule.js';
import { zoneOffsetMs } from '../timeZone.js';
import { type CheckOutcome, type DiagCheck, notApplicable, pass } from './DiagResult.js';
import type { HintId } from './hints.js';

/** Under this many days of calendar ahead the calendar check warns. */
export const CALENDAR_WARN_DAYS = 60;

/** The profile's calendar (bundled + settlement.calendarDir), or the error that stopped it. */
export function profileCalendar(p: TerminalProfile): { calendar: HolidayCalendar } | { error: Error } {
  try {
    return { calendar: loadCalendar(p.settlement?.calendarDir) };
  } catch (e) {
    if (isPosError(e)) return { error: e };
    throw e;
  }
}

/** Days from `today` to the first day the calendar does not cover (0: today is not covered). */
export function daysCovered(calendar: HolidayCalendar, today: number): number {
  let d = today;
  while (calendar.coversNum(d)) {
    const y = new Date(d * DAY_MS).getUTCFullYear();
    d = dayNumber(`${y + 1}-01-01`);
  }
  return Math.max(0, d - today);
}

/** `settlement.calendar`: coverage ahead from today (the host's date); warn under 60 days. */
export function checkCalendarCoverage(p: TerminalProfile, now: number = Date.now()): CheckOutcome {
  const loaded = profileCalendar(p);
  const overrideDir = p.settlement?.calendarDir ?? null;
  if ('error' in loaded) {
    const e = loaded.error;
    return {
      result: 'fail',
      evidence: { overrideDir, code: isPosError(e) ? e.code : e.name, message: e.message },
      hint: 'settlement.calendarUnreadable',
    };
  }
  const tz = p.timeZone ?? 'Asia/Shanghai';
  const today = Math.floor((now + zoneOffsetMs(tz, now)) / DAY_MS);
  const ahead = daysCovered(loaded.calendar, today);
  const cov = loaded.calendar.coverage();
  const evidence = {
    today: civilDate(today),
    hostTimeZone: tz,
    coveredYears: cov?.years ?? [],
    coveredUntil: ahead > 0 ? civilDate(today + ahead - 1) : null,
    daysAhead: ahead,
    warnUnderDays: CALENDAR_WARN_DAYS,
    overrideDir,
  };
  if (ahead === 0) return { result: 'fail', evidence, hint: 'settlement.calendarEnded' };
  if (ahead < CALENDAR_WARN_DAYS) return { result: 'warn', evidence, hint: 'settlement.calendarShort' };
  return pass(evidence);
}

/** The settlement status rows built from the journal diag opened (standalone). */
export function statusFromJournal(
  j: Journal,
  p: TerminalProfile,
  now: number = Date.now(),
): SettlementStatusResponse {
  const loaded = profileCalendar(p);
  const calendar = 'calendar' in loaded ? loaded.calendar : bundledCalendar();
  const trackDays = p.settlement?.trackDays ?? DEFAULT_SCHEDULE_CONFIG.trackDays;
  const tracked = j.trackedSettlements(now - trackDays * DAY_MS, true);
  return settlementStatusOf(
    tracked.map((txn) => ({ txn, observations: j.settlementObservations(txn.txnId) })),
    { mode: p.settlement?.mode ?? 'T1', timeZone: p.timeZone },
    calendar,
    now,
  );
}

/** One settlement check per stage that needs a person: its verdict and hint. */
export const SETTLEMENT_STAGE_CHECKS: readonly {
  id: string;
  title: string;
  stage: SettlementStage;
  result: 'warn' | 'fail';
  hint: HintId;
}[] = [
  {
    id: 'settlement.held',
    title: 'sales held by the acquirer (risk control)',
    stage: 'held',
    result: 'warn',
    hint: 'settlement.held',
  },
  {
    id: 'settlement.failed',
    title: 'sales whose payout failed',
    stage: 'failed',
    result: 'fail',
    hint: 'settlement.failed',
  },
  {
    id: 'settlement.unknown',
    title: 'sales the host does not know',
    stage: 'unknown-to-host',
    result: 'fail',
    hint: 'settlement.unknownToHost',
  },
  {
    id: 'settlement.overdue',
    title: 'sales past their expected arrival',
    stage: 'overdue',
    result: 'warn',
    hint: 'settlement.overdue',
  },
];

/** Sales at one stage: none passes, any gives the stage's verdict (masked PAN, RRN, amount). */
export function judgeSettlementStage(
  status: SettlementStatusResponse,
  c: (typeof SETTLEMENT_STAGE_CHECKS)[number],
  extra: Record<string, unknown> = {},
): CheckOutcome {
  const rows = status.rows.filter((r) => r.stage === c.stage);
  const evidence = {
    ...extra,
    tracked: status.rows.length,
    count: rows.length,
    amountMinor: rows.reduce((s, r) => s + r.amountMinor, 0),
    items: rows.slice(0, 10).map((r: SettlementStatusRow) => ({
      rrn: r.rrn,
      maskedPan: r.maskedPan,
      amountMinor: r.amountMinor,
      authorisedAt: r.authorisedAt,
      hostStatus: r.hostStatus ?? null,
      ...(r.expectedArrival ? { expectedArrival: r.expectedArrival } : {}),
      ...(r.mainCause ? { cause: r.mainCause.cause } : {}),
    })),
  };
  if (rows.length === 0) return pass(evidence);
  return { result: c.result, evidence, hint: c.hint };
}

export const NO_SETTLEMENT_FACTS = 'no settlement facts (no journal, or the runtime did not answer)';

export function settlementStageOutcome(
  status: SettlementStatusResponse | undefined,
  c: (typeof SETTLEMENT_STAGE_CHECKS)[number],
  extra: Record<string, unknown> = {},
): CheckOutcome {
  return status ? judgeSettlementStage(status, c, extra) : notApplicable(NO_SETTLEMENT_FACTS);
}

/** The settlement checks in order; `status` gives the rows (memoised by the caller). */
export function settlementCheckList(
  p: TerminalProfile,
  status: () => SettlementStatusResponse | undefined,
  extra: () => Record<string, unknown> = () => ({}),
  now: () => number = Date.now,
): DiagCheck[] {
  return [
    {
      id: 'settlement.calendar',
      title: 'holiday calendar coverage ahead',
      run: async () => checkCalendarCoverage(p, now()),
    },
    ...SETTLEMENT_STAGE_CHECKS.map(
      (c): DiagCheck => ({
        id: c.id,
        title: c.title,
        requires: ['journal.integrity'],
        run: async () => settlementStageOutcome(status(), c, extra()),
      }),
    ),
  ];
}
