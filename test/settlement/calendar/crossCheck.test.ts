/**
 * The bundled holiday data against an independent source, the npm package chinese-days
 * (devDependency, never imported by src/): for every date of every covered year, business day or
 * not must agree, and a day we call a holiday must be one there too.
 */
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { bundledCalendar, civilDate, dayNumber } from '../../../src/settlement/calendar/HolidayCalendar.js';

const cal = bundledCalendar();
const cov = cal.coverage()!;

describe('bundled calendar vs chinese-days', () => {
  it('covers at least 2024 to 2026', () => {
    expect(cov.years).toEqual(expect.arrayContaining([2024, 2025, 2026]));
  });

  for (const year of cov.years) {
    it(`agrees on every date of ${year}`, () => {
      const disagreements: string[] = [];
      let days = 0;
      for (let d = dayNumber(`${year}-01-01`); d <= dayNumber(`${year}-12-31`); d++) {
        const date = civilDate(d);
        const ours = cal.dayInfo(date);
        if (!ours.known) throw new Error(`${date} unknown in a covered year`);
        const theirsWork = chineseDays.isWorkday(date);
        if (ours.business !== theirsWork)
          disagreements.push(`${date}: ours ${ours.kind}, theirs workday=${theirsWork}`);
        if (ours.kind === 'holiday' && !chineseDays.isHoliday(date))
          disagreements.push(`${date}: not a holiday there`);
        days++;
      }
      expect(disagreements).toEqual([]);
      expect(days).toBe(year % 4 === 0 ? 366 : 365);
    });
  }
});
