/**
 * When to ask the host again about each tracked transaction (0800/951, issue 10 section 2), and
 * which inquiries to send now. Pure: what the journal knows (when the terminal last asked, the
 * newest host record, when the sale was authorised), the inquiries sent in the last hour and the
 * time in; the due transactions, grouped by 8, and the next time to wake up out.
 *
 * Rules (docs/settlement.md, "Tracking"):
 * - never asked: due FIRST_MS after authorisation (the host has it by then);
 * - asked, no answer recorded (no answer, garbage): again RETRY_MS after the last ask;
 * - `A` arrived, or authorised more than `trackDays` ago: stopped;
 * - `P` waiting for clearing: every PENDING_MS (a batch settlement forces an earlier look);
 *   `C` cleared, waiting for payout: every CLEARED_MS (slower: little changes before the payout);
 * - either with an expected arrival: GRACE_MS after it passes, if that comes first; once asked
 *   after it (overdue), every OVERDUE_MS;
 * - `H` held, `F` failed: every HELD_MS; `X` unknown to the host: every UNKNOWN_MS;
 * - forced (FIRST_MS after a batch settlement: the host clears it): due at once;
 * - at most `maxInquiriesPerHour` inquiries in any hour (a sliding window); forced ones included,
 *   except a manual `track`, which is counted but not held back.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Delays of the rules above. */
export const SCHEDULE = {
  FIRST_MS: 2 * MINUTE_MS,
  RETRY_MS: 10 * MINUTE_MS,
  PENDING_MS: 2 * HOUR_MS,
  GRACE_MS: 5 * MINUTE_MS,
  OVERDUE_MS: HOUR_MS,
  CLEARED_MS: 6 * HOUR_MS,
  HELD_MS: 3 * HOUR_MS,
  UNKNOWN_MS: 6 * HOUR_MS,
} as const;

/** At most this many RRNs in one 0800/951 (field 62). */
export const RRNS_PER_INQUIRY = 8;

export interface ScheduleConfig {
  /** `settlement.maxInquiriesPerHour` (default 12). */
  maxInquiriesPerHour: number;
  /** `settlement.trackDays` (default 7). */
  trackDays: number;
}

export const DEFAULT_SCHEDULE_CONFIG: ScheduleConfig = { maxInquiriesPerHour: 12, trackDays: 7 };

/** What the schedule needs of one tracked transaction (ms since the epoch). */
export interface ScheduleItem {
  txnId: number;
  rrn: string;
  authorisedAt: number;
  /** When the terminal last asked (absent: never). */
  askedAt?: number;
  /** The newest host record: its status, its expected arrival (ms) and when it was learnt. */
  latest?: { status: string; expectedArrival?: number; learntAt: number };
}

/** Before the expected arrival: C (cleared, waiting for payout) slower than P. */
const waitingMs = (status: string) => (status === 'C' ? SCHEDULE.CLEARED_MS : SCHEDULE.PENDING_MS);

/** When this transaction is due next ('stop': tracking is over). */
export function nextCheckAt(item: ScheduleItem, cfg: ScheduleConfig): number | 'stop' {
  const l = item.latest;
  if (l?.status === 'A') return 'stop';
  const asked = item.askedAt;
  if (asked === undefined) return item.authorisedAt + SCHEDULE.FIRST_MS;
  let due: number;
  if (!l || l.learntAt < asked) due = asked + SCHEDULE.RETRY_MS;
  else if (l.status === 'H' || l.status === 'F') due = asked + SCHEDULE.HELD_MS;
  else if (l.status === 'X') due = asked + SCHEDULE.UNKNOWN_MS;
  else if (l.expectedArrival !== undefined) {
    const afterExpected = l.expectedArrival + SCHEDULE.GRACE_MS;
    if (asked >= afterExpected) due = asked + SCHEDULE.OVERDUE_MS;
    else due = Math.min(afterExpected, asked + waitingMs(l.status));
  } else due = asked + waitingMs(l.status);
  // The last look at the end of the window, then stop.
  const end = item.authorisedAt + cfg.trackDays * DAY_MS;
  if (asked >= end) return 'stop';
  return Math.min(due, end);
}

export interface InquiryPlan {
  /** Inquiries to send now, each 1 to 8 transactions, most overdue first. */
  inquiries: ScheduleItem[][];
  /** When to plan again (absent: nothing left to track). */
  wakeAt?: number;
  /** Transactions whose tracking is over (arrived or past the limit of days). */
  stopped: number[];
  /** Due transactions left for later by the hourly ceiling. */
  deferred: number;
}

export interface PlanOptions {
  /** Due at once whatever the rules say (after authorisation, after a batch settlement). */
  forced?: (item: ScheduleItem) => boolean;
  /** A manual `track`: everything not stopped is due and the ceiling does not hold it back. */
  manual?: boolean;
}

/**
 * The inquiries to send at `now`, given the wall times of the inquiries already sent within the
 * last hour (`sentTimes`, any order).
 */
export function planInquiries(
  items: readonly ScheduleItem[],
  sentTimes: readonly number[],
  now: number,
  cfg: ScheduleConfig,
  opts: PlanOptions = {},
): InquiryPlan {
  const stopped: number[] = [];
  const due: { item: ScheduleItem; at: number }[] = [];
  let wakeAt: number | undefined;
  const later = (t: number) => {
    wakeAt = wakeAt === undefined ? t : Math.min(wakeAt, t);
  };
  for (const item of items) {
    const at = nextCheckAt(item, cfg);
    if (at === 'stop' || now > item.authorisedAt + cfg.trackDays * DAY_MS + SCHEDULE.OVERDUE_MS) {
      stopped.push(item.txnId);
      continue;
    }
    if (opts.manual || at <= now || opts.forced?.(item)) due.push({ item, at: Math.min(at, now) });
    else later(at);
  }
  due.sort((a, b) => a.at - b.at || a.item.txnId - b.item.txnId);
  const groups: ScheduleItem[][] = [];
  for (let i = 0; i < due.length; i += RRNS_PER_INQUIRY) {
    groups.push(due.slice(i, i + RRNS_PER_INQUIRY).map((d) => d.item));
  }
  const recent = sentTimes.filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
  const room = opts.manual ? groups.length : Math.max(0, cfg.maxInquiriesPerHour - recent.length);
  const inquiries = groups.slice(0, room);
  const deferred = groups.slice(room).reduce((n, g) => n + g.length, 0);
  const full = !opts.manual && recent.length + inquiries.length >= cfg.maxInquiriesPerHour;
  if (full && (deferred > 0 || wakeAt !== undefined)) {
    // The window frees a place when its oldest inquiry is an hour old (the ones sent now count
    // too). Nothing can be asked before then: waking earlier, when the next sale falls due, only
    // plans again for nothing (with thousands of sales falling due one after another, a busy
    // loop of plans that held the event loop).
    const window = [...recent, ...inquiries.map(() => now)];
    const k = window.length - cfg.maxInquiriesPerHour;
    const frees = Math.max(now + 1, (window[Math.max(0, k)] ?? now) + HOUR_MS);
    wakeAt = deferred > 0 ? frees : Math.max(wakeAt ?? frees, frees);
  }
  return { inquiries, ...(wakeAt !== undefined ? { wakeAt } : {}), stopped, deferred };
}
