/**
 * The business-day calendar of mainland China: public holidays and the adjusted working days
 * (调休) the State Council's General Office announces each year (docs/settlement.md). Pure: the
 * data comes in as parsed JSON (the bundled ./cn-holidays.json, or years added from a profile's
 * override folder by ./loadCalendar.ts). A date of a year without its notice is never guessed:
 * every query answers `CalendarUnknown` for it.
 *
 * Dates are civil dates 'YYYY-MM-DD' in the host's time zone; the `...Num` methods take day
 * numbers (days since 1970-01-01) for the hot path of the timeline.
 */
import { PosError } from '../../errors.js';
import bundledData from './cn-holidays.json' with { type: 'json' };

export type CivilDate = string;

export interface HolidayName {
  zh: string;
  en: string;
}

export interface HolidayNotice {
  title: string;
  /** The document number (国办发明电〔YYYY〕N号), when recorded. */
  ref?: string;
  issued: CivilDate;
  note?: string;
}

export interface HolidayPeriod extends HolidayName {
  from: CivilDate;
  to: CivilDate;
  /** Adjusted working days (调休上班) that belong to this holiday. */
  workdays: CivilDate[];
}

export interface CalendarYear {
  notice: HolidayNotice;
  holidays: HolidayPeriod[];
}

export interface CalendarData {
  schema: 1;
  version: string;
  description?: string;
  years: Record<string, CalendarYear>;
}

export interface CalendarCoverage {
  /** First and last covered date; null when no year is covered. */
  first: CivilDate;
  last: CivilDate;
  /** The covered years; a gap between first and last is unknown too. */
  years: number[];
}

/** The answer for a date whose year has no notice in the calendar. */
export interface CalendarUnknown {
  known: false;
  reason: 'calendar unknown';
  date: CivilDate;
  coverage: CalendarCoverage | null;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted-workday';

export interface DayInfo {
  known: true;
  date: CivilDate;
  kind: DayKind;
  business: boolean;
  /** The holiday period the day belongs to (kind 'holiday'), or the one an adjusted workday serves. */
  holiday?: HolidayName;
  notice: HolidayNotice;
}

export function isCalendarUnknown(x: unknown): x is CalendarUnknown {
  return typeof x === 'object' && x !== null && (x as CalendarUnknown).known === false;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a civil date, or NaN when it is not a real date. */
export function dayNumber(date: CivilDate): number {
  const m = DATE_RE.exec(date);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return Number.NaN;
  return ms / DAY_MS;
}

/** Dates already written, while there are few (timelines name the same days again and again). */
let civilDates = new Map<number, CivilDate>();

/** Civil date 'YYYY-MM-DD' of a day number. */
export function civilDate(day: number): CivilDate {
  let d = civilDates.get(day);
  if (d === undefined) {
    d = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (civilDates.size >= 4096) civilDates = new Map();
    civilDates.set(day, d);
  }
  return d;
}

/** 0 Sunday .. 6 Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

interface Mark {
  holiday: boolean;
  name: HolidayName;
}

function invalid(source: string, why: string, key?: string): never {
  throw new PosError('SETTLE_CALENDAR_INVALID', `holiday calendar ${source}: ${why}`, {
    file: source,
    ...(key ? { key } : {}),
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkDate(source: string, key: string, v: unknown): number {
  const day = typeof v === 'string' ? dayNumber(v) : Number.NaN;
  if (Number.isNaN(day)) invalid(source, `'${key}' is not a date YYYY-MM-DD`, key);
  return day;
}

function checkText(source: string, key: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') invalid(source, `'${key}' must be a non-empty string`, key);
  return v;
}

/** Check parsed JSON against the calendar's format; a PosError SETTLE_CALENDAR_INVALID names the key. */
export function parseCalendarData(raw: unknown, source: string): CalendarData {
  if (!isObject(raw)) invalid(source, 'not a JSON object');
  if (raw.schema !== 1) invalid(source, "'schema' must be 1", 'schema');
  checkText(source, 'version', raw.version);
  if (!isObject(raw.years)) invalid(source, "'years' must be an object", 'years');
  for (const [year, entry] of Object.entries(raw.years)) {
    const at = `years.${year}`;
    if (!/^\d{4}$/.test(year)) invalid(source, `year '${year}' is not four digits`, at);
    if (!isObject(entry)) invalid(source, `'${at}' must be an object`, at);
    const notice = entry.notice;
    if (!isObject(notice)) invalid(source, `'${at}.notice' must be an object`, `${at}.notice`);
    checkText(source, `${at}.notice.title`, notice.title);
    checkDate(source, `${at}.notice.issued`, notice.issued);
    if (notice.ref !== undefined) checkText(source, `${at}.notice.ref`, notice.ref);
    if (!Array.isArray(entry.holidays) || entry.holidays.length === 0) {
      invalid(source, `'${at}.holidays' must be a non-empty array`, `${at}.holidays`);
    }
    entry.holidays.forEach((h: unknown, i: number) => {
      const hk = `${at}.holidays.${i}`;
      if (!isObject(h)) invalid(source, `'${hk}' must be an object`, hk);
      checkText(source, `${hk}.zh`, h.zh);
      checkText(source, `${hk}.en`, h.en);
      const from = checkDate(source, `${hk}.from`, h.from);
      const to = checkDate(source, `${hk}.to`, h.to);
      if (to < from || to - from > 30)
        invalid(source, `'${hk}' must run from 'from' to 'to', at most 31 days`, hk);
      if (Math.abs(yearOfDay(from) - Number(year)) > 1)
        invalid(source, `'${hk}.from' is far from ${year}`, hk);
      if (!Array.isArray(h.workdays)) invalid(source, `'${hk}.workdays' must be an array`, `${hk}.workdays`);
      h.workdays.forEach((w: unknown, j: number) => {
        const day = checkDate(source, `${hk}.workdays.${j}`, w);
        const wd = weekday(day);
        if (wd !== 0 && wd !== 6) {
          invalid(
            source,
            `'${hk}.workdays.${j}' (${String(w)}) is not a Saturday or Sunday`,
            `${hk}.workdays.${j}`,
          );
        }
      });
    });
  }
  return raw as unknown as CalendarData;
}

export class HolidayCalendar {
  private readonly marks = new Map<number, Mark>();
  private readonly notices = new Map<number, HolidayNotice>();
  /** Every covered day: 1 business, 0 not (the hot path's one look-up). */
  private readonly business = new Map<number, 0 | 1>();
  private readonly firstDay: number;
  private readonly lastDay: number;
  private readonly yearList: number[];

  /** Build from one or more data sets; a later set's year replaces an earlier set's same year. */
  constructor(...sets: CalendarData[]) {
    const years = new Map<number, CalendarYear>();
    for (const set of sets) for (const [y, entry] of Object.entries(set.years)) years.set(Number(y), entry);
    this.yearList = [...years.keys()].sort((a, b) => a - b);
    for (const y of this.yearList) {
      const entry = years.get(y)!;
      this.notices.set(y, entry.notice);
      for (const h of entry.holidays) {
        const name = { zh: h.zh, en: h.en };
        for (let d = dayNumber(h.from); d <= dayNumber(h.to); d++) this.marks.set(d, { holiday: true, name });
        for (const w of h.workdays) this.marks.set(dayNumber(w), { holiday: false, name });
      }
    }
    for (const y of this.yearList) {
      for (let d = dayNumber(`${y}-01-01`); d <= dayNumber(`${y}-12-31`); d++) {
        const mark = this.marks.get(d);
        const wd = weekday(d);
        this.business.set(d, mark ? (mark.holiday ? 0 : 1) : wd === 0 || wd === 6 ? 0 : 1);
      }
    }
    this.firstDay = this.yearList.length ? dayNumber(`${this.yearList[0]}-01-01`) : Number.NaN;
    this.lastDay = this.yearList.length ? dayNumber(`${this.yearList.at(-1)}-12-31`) : Number.NaN;
  }

  /** First and last covered date and the covered years; null when the calendar is empty. */
  coverage(): CalendarCoverage | null {
    if (this.yearList.length === 0) return null;
    return { first: civilDate(this.firstDay), last: civilDate(this.lastDay), years: [...this.yearList] };
  }

  /** The notice a covered year comes from. */
  noticeOf(year: number): HolidayNotice | undefined {
    return this.notices.get(year);
  }

  /** Whether the day's year is covered. */
  coversNum(day: number): boolean {
    return this.notices.has(yearOfDay(day));
  }

  private unknown(date: CivilDate): CalendarUnknown {
    return { known: false, reason: 'calendar unknown', date, coverage: this.coverage() };
  }

  private day(date: CivilDate | number): number {
    const d = typeof date === 'number' ? date : dayNumber(date);
    if (!Number.isInteger(d)) {
      throw new PosError('SETTLE_CALENDAR_INVALID', `not a date YYYY-MM-DD: ${String(date)}`, {
        key: 'date',
      });
    }
    return d;
  }

  /** What kind of day it is and why; CalendarUnknown outside the covered years. */
  dayInfo(date: CivilDate | number): DayInfo | CalendarUnknown {
    const d = this.day(date);
    const notice = this.notices.get(yearOfDay(d));
    if (!notice) return this.unknown(civilDate(d));
    const mark = this.marks.get(d);
    const base = { known: true as const, date: civilDate(d), notice };
    if (mark?.holiday) return { ...base, kind: 'holiday', business: false, holiday: mark.name };
    if (mark) return { ...base, kind: 'adjusted-workday', business: true, holiday: mark.name };
    const wd = weekday(d);
    return wd === 0 || wd === 6
      ? { ...base, kind: 'weekend', business: false }
      : { ...base, kind: 'workday', business: true };
  }

  /** 1 business day, 0 not, -1 calendar unknown (hot path). */
  businessNum(day: number): 1 | 0 | -1 {
    return this.business.get(day) ?? -1;
  }

  /** The first business day strictly after `day`, or -1 when the calendar runs out before it. */
  nextBusinessNum(day: number): number {
    for (let d = day + 1; ; d++) {
      const b = this.businessNum(d);
      if (b === 1) return d;
      if (b === -1) return -1;
    }
  }

  /** The holiday name of a day inside a holiday period (hot path; undefined otherwise). */
  holidayNum(day: number): HolidayName | undefined {
    const mark = this.marks.get(day);
    return mark?.holiday && this.business.has(day) ? mark.name : undefined;
  }

  isBusinessDay(date: CivilDate | number): boolean | CalendarUnknown {
    const b = this.businessNum(this.day(date));
    return b === -1 ? this.unknown(civilDate(this.day(date))) : b === 1;
  }

  /** The first business day strictly after `date`. */
  nextBusinessDay(date: CivilDate | number): CivilDate | CalendarUnknown {
    const d = this.day(date);
    const n = this.nextBusinessNum(d);
    if (n !== -1) return civilDate(n);
    // The first date the calendar cannot answer for.
    let u = d + 1;
    while (this.businessNum(u) !== -1) u++;
    return this.unknown(civilDate(u));
  }

  /** The holiday a date belongs to; null on a day that is not a public holiday. */
  holidayOf(date: CivilDate | number): HolidayName | null | CalendarUnknown {
    const info = this.dayInfo(date);
    if (!info.known) return info;
    return info.kind === 'holiday' ? info.holiday! : null;
  }
}

/** The data shipped in the repository (./cn-holidays.json). */
export const BUNDLED_CALENDAR_DATA: CalendarData = parseCalendarData(bundledData, 'cn-holidays.json');

let bundled: HolidayCalendar | undefined;

/** The calendar from the bundled data alone. */
export function bundledCalendar(): HolidayCalendar {
  bundled ??= new HolidayCalendar(BUNDLED_CALENDAR_DATA);
  return bundled;
}
