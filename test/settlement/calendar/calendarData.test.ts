/**
 * The calendar's data checks and its small-data behaviour: every bad shape is
 * SETTLE_CALENDAR_INVALID with its message and key; the folder loader's order, files and errors;
 * day numbers and weekdays. A one-year calendar (2030) written here; weekdays checked by hand.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import {
  type CalendarData,
  civilDate,
  dayNumber,
  HolidayCalendar,
  isCalendarUnknown,
  parseCalendarData,
  weekday,
} from '../../../src/settlement/calendar/HolidayCalendar.js';
import { loadCalendar } from '../../../src/settlement/calendar/loadCalendar.js';

/** 2030: 1 Jan (Tue) to 3 Jan (Thu) "Test", Saturday 5 Jan a working day; 2030-12-31 is a Tuesday. */
const Y2030 = (): CalendarData =>
  structuredClone({
    schema: 1,
    version: 'v',
    years: {
      '2030': {
        notice: { title: 'notice 2030', issued: '2029-11-01', ref: 'ref-1' },
        holidays: [{ zh: '测', en: 'Test', from: '2030-01-01', to: '2030-01-03', workdays: ['2030-01-05'] }],
      },
    },
  });

type Json = Record<string | number, unknown>;

/** The 2030 data with one value set at `path` (and optionally a sibling of it). */
function setAt(path: readonly (string | number)[], value: unknown, sibling?: [string, unknown]): Json {
  const root = Y2030() as unknown as Json;
  let o = root;
  for (const k of path.slice(0, -1)) o = o[k] as Json;
  o[path[path.length - 1]] = value;
  if (sibling) o[sibling[0]] = sibling[1];
  return root;
}

function invalidOf(raw: unknown) {
  try {
    parseCalendarData(raw, 'x.json');
  } catch (e) {
    if (isPosError(e)) return { code: e.code, message: e.message, context: e.context };
    throw e;
  }
  return undefined;
}

describe('parseCalendarData: each bad shape names its key', () => {
  const cases: [string, (d: Json) => unknown, string, string | undefined][] = [
    ['not an object', () => [], 'not a JSON object', undefined],
    ['null', () => null, 'not a JSON object', undefined],
    ['schema', (d) => ({ ...d, schema: 2 }), "'schema' must be 1", 'schema'],
    ['version blank', (d) => ({ ...d, version: ' ' }), "'version' must be a non-empty string", 'version'],
    ['version not text', (d) => ({ ...d, version: 3 }), "'version' must be a non-empty string", 'version'],
    ['years', (d) => ({ ...d, years: [] }), "'years' must be an object", 'years'],
    [
      'year digits',
      (d) => ({ ...d, years: { '30': (d.years as Json)['2030'] } }),
      "year '30' is not four digits",
      'years.30',
    ],
    [
      'year of five digits',
      (d) => ({ ...d, years: { '20301': (d.years as Json)['2030'] } }),
      "year '20301' is not four digits",
      'years.20301',
    ],
    ['year entry', (d) => ({ ...d, years: { '2030': 'x' } }), "'years.2030' must be an object", 'years.2030'],
    [
      'notice',
      () => setAt(['years', '2030', 'notice'], null),
      "'years.2030.notice' must be an object",
      'years.2030.notice',
    ],
    [
      'title',
      () => setAt(['years', '2030', 'notice', 'title'], ''),
      "'years.2030.notice.title' must be a non-empty string",
      'years.2030.notice.title',
    ],
    [
      'issued',
      () => setAt(['years', '2030', 'notice', 'issued'], '2029-02-30'),
      "'years.2030.notice.issued' is not a date YYYY-MM-DD",
      'years.2030.notice.issued',
    ],
    [
      'ref',
      () => setAt(['years', '2030', 'notice', 'ref'], ''),
      "'years.2030.notice.ref' must be a non-empty string",
      'years.2030.notice.ref',
    ],
    [
      'holidays empty',
      () => setAt(['years', '2030', 'holidays'], []),
      "'years.2030.holidays' must be a non-empty array",
      'years.2030.holidays',
    ],
    [
      'holidays not array',
      () => setAt(['years', '2030', 'holidays'], {}),
      "'years.2030.holidays' must be a non-empty array",
      'years.2030.holidays',
    ],
    [
      'holiday entry',
      () => setAt(['years', '2030', 'holidays'], [7]),
      "'years.2030.holidays.0' must be an object",
      'years.2030.holidays.0',
    ],
    [
      'zh',
      () => setAt(['years', '2030', 'holidays', 0, 'zh'], undefined),
      "'years.2030.holidays.0.zh' must be a non-empty string",
      'years.2030.holidays.0.zh',
    ],
    [
      'en',
      () => setAt(['years', '2030', 'holidays', 0, 'en'], ''),
      "'years.2030.holidays.0.en' must be a non-empty string",
      'years.2030.holidays.0.en',
    ],
    [
      'from',
      () => setAt(['years', '2030', 'holidays', 0, 'from'], 20300101),
      "'years.2030.holidays.0.from' is not a date YYYY-MM-DD",
      'years.2030.holidays.0.from',
    ],
    [
      'to',
      () => setAt(['years', '2030', 'holidays', 0, 'to'], '2030-1-3'),
      "'years.2030.holidays.0.to' is not a date YYYY-MM-DD",
      'years.2030.holidays.0.to',
    ],
    [
      'backwards',
      () => setAt(['years', '2030', 'holidays', 0, 'to'], '2029-12-31'),
      "'years.2030.holidays.0' must run from 'from' to 'to', at most 31 days",
      'years.2030.holidays.0',
    ],
    [
      '32 days',
      () => setAt(['years', '2030', 'holidays', 0, 'to'], '2030-02-01'),
      "'years.2030.holidays.0' must run from 'from' to 'to', at most 31 days",
      'years.2030.holidays.0',
    ],
    [
      'far year',
      () => setAt(['years', '2030', 'holidays', 0, 'from'], '2032-01-01', ['to', '2032-01-02']),
      "'years.2030.holidays.0.from' is far from 2030",
      'years.2030.holidays.0',
    ],
    [
      'workdays',
      () => setAt(['years', '2030', 'holidays', 0, 'workdays'], '2030-01-05'),
      "'years.2030.holidays.0.workdays' must be an array",
      'years.2030.holidays.0.workdays',
    ],
    [
      'workday date',
      () => setAt(['years', '2030', 'holidays', 0, 'workdays'], ['2030-01-05', 'x']),
      "'years.2030.holidays.0.workdays.1' is not a date YYYY-MM-DD",
      'years.2030.holidays.0.workdays.1',
    ],
    [
      'workday on a weekday',
      () => setAt(['years', '2030', 'holidays', 0, 'workdays'], ['2030-01-04']),
      "'years.2030.holidays.0.workdays.0' (2030-01-04) is not a Saturday or Sunday",
      'years.2030.holidays.0.workdays.0',
    ],
  ];
  for (const [name, mutate, why, key] of cases) {
    it(name, () => {
      expect(invalidOf(mutate(Y2030() as unknown as Json))).toEqual({
        code: 'SETTLE_CALENDAR_INVALID',
        message: `holiday calendar x.json: ${why}`,
        context: { file: 'x.json', ...(key ? { key } : {}) },
      });
    });
  }

  it('good data passes: 31 days, a year either side, a Sunday working day, no ref', () => {
    const d = Y2030();
    d.years['2030'].holidays.push(
      { zh: '长', en: 'Long', from: '2030-07-01', to: '2030-07-31', workdays: ['2030-06-30'] },
      { zh: '前', en: 'Before', from: '2029-12-31', to: '2029-12-31', workdays: [] },
      { zh: '后', en: 'After', from: '2031-01-01', to: '2031-01-01', workdays: [] },
    );
    delete d.years['2030'].notice.ref;
    expect(invalidOf(d)).toBeUndefined();
  });
});

describe('HolidayCalendar on one year', () => {
  // built in each test, so that a mutant of the constructor is active while it runs
  let cal: HolidayCalendar;
  beforeEach(() => {
    cal = new HolidayCalendar(Y2030());
  });
  const day = (s: string) => dayNumber(s);

  it('day kinds, names, business days and the notice', () => {
    const notice = { title: 'notice 2030', issued: '2029-11-01', ref: 'ref-1' };
    expect(cal.dayInfo('2030-01-02')).toEqual({
      known: true,
      date: '2030-01-02',
      kind: 'holiday',
      business: false,
      holiday: { zh: '测', en: 'Test' },
      notice,
    });
    expect(cal.dayInfo(day('2030-01-05'))).toMatchObject({
      kind: 'adjusted-workday',
      business: true,
      holiday: { en: 'Test' },
    });
    expect(cal.dayInfo('2030-01-06')).toEqual({
      known: true,
      date: '2030-01-06',
      kind: 'weekend',
      business: false,
      notice,
    });
    expect(cal.dayInfo('2030-01-07')).toEqual({
      known: true,
      date: '2030-01-07',
      kind: 'workday',
      business: true,
      notice,
    });
    expect(cal.businessNum(day('2030-01-03'))).toBe(0);
    expect(cal.businessNum(day('2030-01-05'))).toBe(1);
    expect(cal.businessNum(day('2030-01-06'))).toBe(0);
    expect(cal.businessNum(day('2030-01-04'))).toBe(1);
    expect(cal.businessNum(day('2031-01-01'))).toBe(-1);
    expect(cal.holidayNum(day('2030-01-03'))).toEqual({ zh: '测', en: 'Test' });
    expect(cal.holidayNum(day('2030-01-05'))).toBeUndefined();
    expect(cal.holidayOf('2030-01-05')).toBeNull();
    expect(cal.holidayOf('2030-01-01')).toEqual({ zh: '测', en: 'Test' });
    expect(cal.noticeOf(2030)).toEqual(notice);
    expect(cal.noticeOf(2031)).toBeUndefined();
    expect(cal.coversNum(day('2030-12-31'))).toBe(true);
    expect(cal.businessNum(day('2030-12-31'))).toBe(1); // the last day of the year is built too
    expect(cal.coversNum(day('2031-01-01'))).toBe(false);
    expect(cal.coverage()).toEqual({ first: '2030-01-01', last: '2030-12-31', years: [2030] });
  });

  it('next business day: over the holiday to the Friday; off the end of the year is unknown', () => {
    expect(cal.nextBusinessDay('2029-12-31')).toBe('2030-01-04'); // from the last day before coverage
    expect(cal.nextBusinessDay('2029-12-30')).toMatchObject({ known: false, date: '2029-12-31' });
    expect(cal.nextBusinessNum(day('2030-01-01'))).toBe(day('2030-01-04'));
    expect(cal.nextBusinessDay('2030-01-04')).toBe('2030-01-05');
    expect(cal.nextBusinessNum(day('2030-12-30'))).toBe(day('2030-12-31'));
    expect(cal.nextBusinessNum(day('2030-12-31'))).toBe(-1);
    const u = cal.nextBusinessDay('2030-12-31');
    expect(u).toEqual({
      known: false,
      reason: 'calendar unknown',
      date: '2031-01-01',
      coverage: { first: '2030-01-01', last: '2030-12-31', years: [2030] },
    });
    expect(cal.isBusinessDay('2031-01-01')).toEqual(u);
    expect(cal.isBusinessDay('2030-01-05')).toBe(true);
    expect(cal.isBusinessDay('2030-01-06')).toBe(false);
    expect(isCalendarUnknown(cal.dayInfo('2031-06-01'))).toBe(true);
    expect(isCalendarUnknown(cal.holidayOf('2031-06-01'))).toBe(true);
  });

  it('an empty calendar covers nothing; a holiday mark outside coverage has no name', () => {
    const empty = new HolidayCalendar();
    expect(empty.coverage()).toBeNull();
    expect(empty.nextBusinessDay('2030-01-01')).toEqual({
      known: false,
      reason: 'calendar unknown',
      date: '2030-01-02',
      coverage: null,
    });
    // 2029-12-31 is marked by the 2030 notice but its year is not covered
    const d = Y2030();
    d.years['2030'].holidays[0].from = '2029-12-31';
    expect(new HolidayCalendar(d).holidayNum(day('2029-12-31'))).toBeUndefined();
    expect(new HolidayCalendar(d).holidayNum(day('2030-01-01'))).toEqual({ zh: '测', en: 'Test' });
  });

  it('isCalendarUnknown: only an object with known false', () => {
    expect(isCalendarUnknown(cal.dayInfo('2031-01-01'))).toBe(true);
    expect(isCalendarUnknown(cal.dayInfo('2030-01-01'))).toBe(false);
    for (const x of [null, undefined, 'calendar unknown', false, {}, { known: 'false' }]) {
      expect(isCalendarUnknown(x)).toBe(false);
    }
  });

  it('next business day with rest days up to the end of coverage: the first unknown date', () => {
    const d = Y2030();
    d.years['2030'].holidays.push({
      zh: '末',
      en: 'End',
      from: '2030-12-30',
      to: '2030-12-31',
      workdays: [],
    });
    expect(new HolidayCalendar(d).nextBusinessDay('2030-12-27')).toMatchObject({
      known: false,
      date: '2031-01-01',
    });
  });

  it('not a date is SETTLE_CALENDAR_INVALID', () => {
    for (const bad of ['2030-02-29', '2030-13-01', 'tomorrow', 1.5]) {
      expect(() => cal.dayInfo(bad as string)).toThrow(
        expect.objectContaining({
          code: 'SETTLE_CALENDAR_INVALID',
          message: `not a date YYYY-MM-DD: ${bad}`,
          context: { key: 'date' },
        }),
      );
    }
  });

  it('a later data set replaces an earlier one year by year; years sorted', () => {
    const other = Y2030();
    other.years = { '2029': other.years['2030'] };
    other.years['2029'].holidays[0] = {
      zh: '乙',
      en: 'B',
      from: '2029-01-01',
      to: '2029-01-01',
      workdays: [],
    };
    const replaced = Y2030();
    replaced.years['2030'].holidays[0].zh = '新';
    const c = new HolidayCalendar(Y2030(), other, replaced);
    expect(c.coverage()?.years).toEqual([2029, 2030]);
    expect(c.holidayOf('2030-01-02')).toMatchObject({ zh: '新' });
    expect(c.holidayOf('2029-01-01')).toMatchObject({ zh: '乙' });
  });
});

describe('day numbers', () => {
  it('dayNumber, civilDate and weekday, before 1970 too', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2030-01-01')).toBe(21915);
    expect(dayNumber('1969-12-28')).toBe(-4);
    for (const bad of ['2030-02-29', '2030-04-31', '2030-00-10', '30-01-01', '2030-01-01x'])
      expect(dayNumber(bad)).toBeNaN();
    expect(civilDate(21915)).toBe('2030-01-01');
    expect(civilDate(-4)).toBe('1969-12-28');
    expect(weekday(0)).toBe(4); // Thursday
    expect(weekday(21915)).toBe(2); // Tuesday
    expect(weekday(-4)).toBe(0); // Sunday
    expect(weekday(-1)).toBe(3); // Wednesday
  });
});

describe('loadCalendar: the override folder', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('files in name order: a later file replaces an earlier one; other files ignored', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-cal-'));
    const b = Y2030();
    b.years['2030'].holidays[0].zh = '后来';
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(Y2030()));
    writeFileSync(join(dir, 'c.json.txt'), '{');
    expect(loadCalendar(dir).holidayOf('2030-01-02')).toMatchObject({ zh: '后来' });
  });

  it('bad JSON names the file; an unreadable file names its path and the errno', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-cal-'));
    writeFileSync(join(dir, 'a.json'), '{');
    try {
      loadCalendar(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'SETTLE_CALENDAR_INVALID', context: { file: 'a.json' } });
      expect((e as Error).message).toMatch(/^holiday calendar a\.json: not valid JSON: /);
    }
    rmSync(join(dir, 'a.json'));
    mkdirSync(join(dir, 'd.json'));
    expect(() => loadCalendar(dir)).toThrow(
      expect.objectContaining({
        cause: expect.objectContaining({ code: 'EISDIR' }),
        code: 'SETTLE_CALENDAR_UNREADABLE',
        message: `cannot read holiday calendar ${join(dir, 'd.json')}: EISDIR`,
        context: { key: 'settlement.calendarDir', file: join(dir, 'd.json') },
      }),
    );
    expect(() => loadCalendar(join(dir, 'none'))).toThrow(
      expect.objectContaining({ message: `cannot read holiday calendar ${join(dir, 'none')}: ENOENT` }),
    );
  });
});
