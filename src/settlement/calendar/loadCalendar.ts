/**
 * The calendar with a profile's override folder (`settlement.calendarDir`): every `*.json` file
 * in it, in name order, has the format of the bundled cn-holidays.json; a year it holds replaces
 * the bundled year, a new year extends the coverage (a notice that arrives before a software
 * update). The only file of the calendar that touches the file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PosError } from '../../errors.js';
import {
  BUNDLED_CALENDAR_DATA,
  bundledCalendar,
  HolidayCalendar,
  parseCalendarData,
} from './HolidayCalendar.js';

function unreadable(path: string, e: unknown): never {
  throw new PosError(
    'SETTLE_CALENDAR_UNREADABLE',
    `cannot read holiday calendar ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    { key: 'settlement.calendarDir', file: path },
    { cause: e },
  );
}

/** The bundled calendar, plus the years of the override folder when one is given. */
export function loadCalendar(calendarDir?: string): HolidayCalendar {
  if (calendarDir === undefined) return bundledCalendar();
  let names: string[];
  try {
    names = readdirSync(calendarDir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch (e) {
    unreadable(calendarDir, e);
  }
  const sets = names.map((name) => {
    const file = join(calendarDir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      unreadable(file, e);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new PosError(
        'SETTLE_CALENDAR_INVALID',
        `holiday calendar ${name}: not valid JSON: ${(e as Error).message}`,
        {
          file: name,
        },
      );
    }
    return parseCalendarData(raw, name);
  });
  return new HolidayCalendar(BUNDLED_CALENDAR_DATA, ...sets);
}
