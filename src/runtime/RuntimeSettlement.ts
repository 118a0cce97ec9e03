/**
 * The runtime's settlement tracking (issue 10 sections 2 and 5): the SettlementTracker over the
 * session and the Lane, the triggers from the runtime's own events (an approval, a forwarded
 * advice, a settled batch), and the answers of RuntimeApi settlementStatus, settlementTimeline
 * and settlementTrack, built from the journal by the pure report builders.
 */
import type { Clock } from '../clock.js';
import { PosError } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { Logger } from '../log.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { HolidayCalendar } from '../settlement/calendar/HolidayCalendar.js';
import { loadCalendar } from '../settlement/calendar/loadCalendar.js';
import { SettlementTracker, type SettlementTrackReport } from '../settlement/SettlementTracker.js';
import {
  type SettlementStatusResponse,
  type SettlementTimelineResponse,
  settlementStatusOf,
  settlementTimelineOf,
} from '../settlement/settlementReports.js';
import type { SettlementContract } from '../settlement/timeline/buildTimeline.js';
import { DAY_MS, DEFAULT_SCHEDULE_CONFIG, type ScheduleConfig } from '../settlement/trackingSchedule.js';
import type { Lane } from '../txn/Lane.js';
import type { HostPort } from '../txn/ports.js';
import type { RuntimeEventBody, SettlementReportRequest, SettlementReportResponse } from './RuntimeApi.js';
import { reportInputOf } from './settlementReportSource.js';

/** The largest report answered: fits the control API's 4 MiB answer frame with room to spare. */
export const REPORT_MAX_BYTES = 3 * 1024 * 1024;

export interface RuntimeSettlementDeps {
  profile: TerminalProfile;
  journal: Journal;
  host: HostPort;
  lane: Lane;
  clock: Clock;
  log: Logger;
  /** The runtime's events (settlement-status changes go out through it). */
  emit: (e: RuntimeEventBody) => void;
}

export class RuntimeSettlement {
  readonly tracker: SettlementTracker;
  private calendarCache?: HolidayCalendar;
  /** Read by prepareCalendar for a reload, in use from reloaded() on. */
  private nextCalendar?: HolidayCalendar;

  constructor(private readonly d: RuntimeSettlementDeps) {
    const { profile } = d;
    this.tracker = new SettlementTracker({
      journal: d.journal,
      host: d.host,
      lane: d.lane,
      clock: d.clock,
      log: d.log,
      terminalId: profile.terminalId,
      merchantId: profile.merchantId,
      timeZone: profile.timeZone,
      config: () => this.config(),
      onChange: (c) => d.emit({ type: 'settlement-status', ...c }),
    });
  }

  private config(): ScheduleConfig {
    const s = this.d.profile.settlement;
    return {
      maxInquiriesPerHour: s?.maxInquiriesPerHour ?? DEFAULT_SCHEDULE_CONFIG.maxInquiriesPerHour,
      trackDays: s?.trackDays ?? DEFAULT_SCHEDULE_CONFIG.trackDays,
    };
  }

  private contract(): SettlementContract {
    return { mode: this.d.profile.settlement?.mode ?? 'T1', timeZone: this.d.profile.timeZone };
  }

  /** The calendar, read once (bundled plus the profile's settlement.calendarDir). */
  /**
   * The settlement report of the journal, rendered (RuntimeApi settlementReport). The builder and
   * renderers are loaded on the first report: a terminal rarely asks, and they cost memory.
   */
  async report(req: SettlementReportRequest): Promise<SettlementReportResponse> {
    const [{ buildSettlementReport }, { renderReport }] = await Promise.all([
      import('../settlement/report/buildSettlementReport.js'),
      import('../settlement/report/renderReport.js'),
    ]);
    const { format, lang = 'en', asOf, ...selection } = req;
    const at = asOf === undefined ? this.d.clock.now() : Date.parse(asOf);
    if (Number.isNaN(at))
      throw new PosError('SETTLE_REPORT_SELECTION', `as-of '${asOf}' is not an ISO 8601 time`, {
        key: 'as_of',
      });
    const input = reportInputOf(this.d.journal, this.d.profile, selection, at, this.calendar());
    const model = buildSettlementReport(input);
    const content = renderReport(model, format, lang);
    if (content.length > REPORT_MAX_BYTES)
      throw new PosError(
        'SETTLE_REPORT_TOO_LARGE',
        `the report is ${content.length} bytes (${model.transactions.length} sales), over ${REPORT_MAX_BYTES}: narrow --from/--to or --batch`,
        { key: 'format' },
      );
    return { format, transactions: model.transactions.length, content };
  }

  private calendar(): HolidayCalendar {
    this.calendarCache ??= loadCalendar(this.d.profile.settlement?.calendarDir);
    return this.calendarCache;
  }

  start(): void {
    this.tracker.start();
  }

  /**
   * Profile reload, first step: read the new `settlement.calendarDir` (bundled calendar plus the
   * folder). Throws SETTLE_CALENDAR_INVALID / SETTLE_CALENDAR_UNREADABLE and changes nothing.
   */
  prepareCalendar(dir: string | undefined): void {
    this.nextCalendar = loadCalendar(dir);
  }

  /**
   * Profile reload, applied: `settlement.*` are read from the profile at each pass and report;
   * the calendar prepared is used from now on, and the tracker plans again at once (a higher
   * ceiling or a longer window may make sales due now).
   */
  reloaded(): void {
    if (this.nextCalendar) this.calendarCache = this.nextCalendar;
    this.nextCalendar = undefined;
    this.tracker.replan();
  }

  stop(): Promise<void> {
    return this.tracker.stop();
  }

  /** The runtime's events that change what is due: an approval, a forwarded advice, a settlement. */
  onEvent(e: RuntimeEventBody): void {
    if (e.type === 'transaction' && e.state === 'approved') this.tracker.kick();
    else if (e.type === 'queue') this.tracker.kick();
    else if (e.type === 'settlement' && (e.outcome === 'balanced' || e.outcome === 'uploaded'))
      this.tracker.kick({ batch: e.batch });
  }

  private window(includeArrived: boolean) {
    const now = this.d.clock.now();
    return {
      now,
      tracked: this.d.journal.trackedSettlements(now - this.config().trackDays * DAY_MS, includeArrived),
    };
  }

  /** Every sale within the tracking window: those on their way and those arrived (oldest first). */
  status(): SettlementStatusResponse {
    const { now, tracked } = this.window(true);
    return settlementStatusOf(
      tracked.map((txn) => ({ txn, observations: this.d.journal.settlementObservations(txn.txnId) })),
      this.contract(),
      this.calendar(),
      now,
    );
  }

  /** One sale's timeline by its RRN (SETTLE_NOT_TRACKED when none within the window). */
  timeline(rrn: string): SettlementTimelineResponse {
    const { now, tracked } = this.window(true);
    const txn = tracked.filter((t) => t.rrn === rrn).at(-1);
    if (!txn) {
      throw new PosError('SETTLE_NOT_TRACKED', 'no approved sale with this RRN is tracked', { key: 'rrn' });
    }
    return settlementTimelineOf(
      txn,
      this.d.journal.settlementObservations(txn.txnId),
      this.contract(),
      this.calendar(),
      now,
    );
  }

  /** Ask the host now about every tracked sale. */
  track(): Promise<SettlementTrackReport> {
    return this.tracker.trackNow();
  }
}
