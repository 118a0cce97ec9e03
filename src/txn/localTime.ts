/** Wall-clock parts in the profile's time zone (fields 12/13 are the terminal's local time). */
import { zoneOffsetMs } from '../timeZone.js';

const two = (n: number) => String(n).padStart(2, '0');

export function localParts(ms: number, timeZone: string): { mmdd: string; hhmmss: string; yymmdd: string } {
  const d = new Date(ms + zoneOffsetMs(timeZone, ms));
  const mmdd = two(d.getUTCMonth() + 1) + two(d.getUTCDate());
  return {
    mmdd,
    hhmmss: two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()),
    yymmdd: two(d.getUTCFullYear() % 100) + mmdd,
  };
}
