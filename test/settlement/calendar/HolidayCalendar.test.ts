import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import {
  BUNDLED_CALENDAR_DATA,
  bundledCalendar,
  HolidayCalendar,
  isCalendarUnknown,
  parseCalendarData,
} from '../../../src/settlement/calendar/HolidayCalendar.js';
import { loadCalendar } from '../../../src/settlement/calendar/loadCalendar.js';

const cal = bundledCalendar();

describe('HolidayCalendar: 2025 Spring Festival', () => {
  it('28 Jan (除夕) to 4 Feb are holidays named 春节, Sunday 26 Jan and Saturday 8 Feb are working days', () => {
    for (const d of ['2025-01-28', '2025-01-31', '2025-02-01', '2025-02-04']) {
      expect(cal.isBusinessDay(d)).toBe(false);
      expect(cal.holidayOf(d)).toEqual({ zh: '春节', en: 'Spring Festival' });
    }
    expect(cal.isBusinessDay('2025-01-26')).toBe(true);
    expect(cal.dayInfo('2025-01-26')).toMatchObject({ kind: 'adjusted-workday', holiday: { zh: '春节' } });
    expect(cal.isBusinessDay('2025-02-08')).toBe(true);
    expect(cal.holidayOf('2025-02-08')).toBeNull();
    expect(cal.isBusinessDay('2025-01-27')).toBe(true); // Monday before 除夕
    expect(cal.isBusinessDay('2025-02-09')).toBe(false); // the Sunday after is an ordinary rest day
  });

  it('next business day: from Monday 27 Jan is Wednesday 5 Feb; from Friday 7 Feb is Saturday 8 Feb', () => {
    expect(cal.nextBusinessDay('2025-01-27')).toBe('2025-02-05');
    expect(cal.nextBusinessDay('2025-02-07')).toBe('2025-02-08');
    expect(cal.nextBusinessDay('2025-01-25')).toBe('2025-01-26'); // Saturday -> the adjusted Sunday
  });
});

describe('HolidayCalendar: 2025 National Day and Mid-Autumn', () => {
  it('1 to 8 Oct are holidays, Sunday 28 Sep and Saturday 11 Oct are working days', () => {
    for (let day = 1; day <= 8; day++) {
      const d = `2025-10-0${day}`;
      expect(cal.isBusinessDay(d)).toBe(false);
      expect(cal.holidayOf(d)).toMatchObject({ zh: '国庆节、中秋节' });
    }
    expect(cal.isBusinessDay('2025-09-28')).toBe(true);
    expect(cal.isBusinessDay('2025-10-11')).toBe(true);
    expect(cal.isBusinessDay('2025-10-12')).toBe(false);
    expect(cal.nextBusinessDay('2025-09-30')).toBe('2025-10-09');
    expect(cal.nextBusinessDay('2025-10-10')).toBe('2025-10-11');
  });

  it('an ordinary weekend is a rest day without a holiday name; a weekday a working day', () => {
    expect(cal.dayInfo('2025-03-08')).toMatchObject({ known: true, kind: 'weekend', business: false });
    expect(cal.holidayOf('2025-03-08')).toBeNull();
    expect(cal.dayInfo('2025-03-10')).toMatchObject({ kind: 'workday', business: true });
    expect(cal.dayInfo('2025-03-10')).toMatchObject({ notice: { ref: '国办发明电〔2024〕12号' } });
  });
});

describe('HolidayCalendar: beyond coverage', () => {
  const cov = cal.coverage()!;
  const after = `${cov.years.at(-1)! + 1}-03-02`;

  it('says calendar unknown, never guesses', () => {
    for (const answer of [
      cal.isBusinessDay(after),
      cal.holidayOf(after),
      cal.dayInfo(after),
      cal.nextBusinessDay(after),
    ]) {
      expect(isCalendarUnknown(answer)).toBe(true);
      expect(answer).toMatchObject({ reason: 'calendar unknown', coverage: cov });
    }
    expect(isCalendarUnknown(cal.isBusinessDay(`${cov.years[0] - 1}-06-01`))).toBe(true);
  });

  it('next business day across the end of coverage names the first unknown date', () => {
    const lastYear = cov.years.at(-1)!;
    expect(cov.last).toBe(`${lastYear}-12-31`);
    const r = cal.nextBusinessDay(`${lastYear}-12-31`);
    expect(r).toMatchObject({ known: false, date: `${lastYear + 1}-01-01` });
  });

  it('refuses something that is not a date', () => {
    expect(() => cal.isBusinessDay('2025-02-30')).toThrow(/not a date/);
  });
});

describe('calendar data and the override folder', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const year2099 = {
    schema: 1,
    version: 'test',
    years: {
      '2099': {
        notice: { title: 'test notice', issued: '2098-11-01' },
        holidays: [
          { zh: '测试节', en: 'Test Day', from: '2099-03-02', to: '2099-03-04', workdays: ['2099-03-07'] },
        ],
      },
    },
  };

  it('a folder adds a year; the bundled years stay', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-cal-'));
    writeFileSync(join(dir, '2099.json'), JSON.stringify(year2099));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const c = loadCalendar(dir);
    expect(c.coverage()!.years).toEqual([...bundledCalendar().coverage()!.years, 2099]);
    expect(c.holidayOf('2099-03-03')).toEqual({ zh: '测试节', en: 'Test Day' });
    expect(c.isBusinessDay('2099-03-07')).toBe(true); // a Saturday made a working day
    expect(c.nextBusinessDay('2099-03-01')).toBe('2099-03-05');
    expect(isCalendarUnknown(c.isBusinessDay('2098-06-01'))).toBe(true); // the gap year stays unknown
    expect(c.isBusinessDay('2025-10-01')).toBe(false);
  });

  it('a folder year replaces the bundled year', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-cal-'));
    const y = structuredClone(BUNDLED_CALENDAR_DATA.years['2025']);
    y.holidays = y.holidays.filter((h) => h.en !== "New Year's Day");
    writeFileSync(join(dir, 'fix.json'), JSON.stringify({ schema: 1, version: 'fix', years: { '2025': y } }));
    expect(loadCalendar(dir).isBusinessDay('2025-01-01')).toBe(true);
    expect(loadCalendar().isBusinessDay('2025-01-01')).toBe(false);
  });

  it('bad data is a coded error naming the key; a missing folder is unreadable', () => {
    const bad = structuredClone(year2099) as typeof year2099;
    bad.years['2099'].holidays[0].workdays = ['2099-03-05']; // a Thursday
    try {
      new HolidayCalendar(parseCalendarData(bad, 'bad.json'));
      expect.unreachable();
    } catch (e) {
      expect(isPosError(e, 'SETTLE_CALENDAR_INVALID')).toBe(true);
      expect((e as { context: unknown }).context).toMatchObject({ key: 'years.2099.holidays.0.workdays.0' });
    }
    dir = mkdtempSync(join(tmpdir(), 'posterm-cal-'));
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => loadCalendar(dir!)).toThrow(expect.objectContaining({ code: 'SETTLE_CALENDAR_INVALID' }));
    expect(() => loadCalendar(join(dir!, 'missing'))).toThrow(
      expect.objectContaining({ code: 'SETTLE_CALENDAR_UNREADABLE' }),
    );
  });
});

describe('bundledCalendar', () => {
  it('is made on first use in a fresh module, then the same calendar every call', async () => {
    vi.resetModules(); // this file's other tests made it at collection time
    const m = await import('../../../src/settlement/calendar/HolidayCalendar.js');
    const first = m.bundledCalendar();
    expect(first).toBeInstanceOf(m.HolidayCalendar);
    expect(first.coverage()!.years).toEqual(cal.coverage()!.years);
    expect(m.bundledCalendar()).toBe(first);
  });
});
