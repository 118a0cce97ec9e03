/**
 * Host local time (the profile's time zone, default Asia/Shanghai) for the settlement rules: the
 * local day and time of an instant, the instant of a local day and time, and the host's
 * 'YYYYMMDDhhmmss' strings. Pure; zone offsets are cached per hour so a timeline costs a few map
 * look-ups.
 */
import { PosError } from '../../errors.js';
import { isKnownTimeZone, zoneOffsetMs } from '../../timeZone.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The number the ASCII digits s[from..to) write, NaN if any is not a digit (cheaper than slices). */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, years 0 to 9999, months 1 to
 * 12): what Date.UTC gives without its call; a day past the month's end runs on into the next.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export class HostZone {
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone = 'Asia/Shanghai') {
    if (!isKnownTimeZone(timeZone)) {
      throw new PosError('SETTLE_CONTRACT_INVALID', `unknown time zone '${timeZone}'`, { key: 'timeZone' });
    }
  }

  /** The hour (and its offset) asked last: instant() asks twice, mostly for the same hour. */
  private lastHour = Number.NaN;
  private lastOffset = 0;
  /** Local time minus UTC at an instant, ms (cached per hour). */
  offsetMs(utcMs: number): number {
    const hour = Math.floor(utcMs / HOUR_MS);
    if (hour === this.lastHour) return this.lastOffset;
    let off = this.cache.get(hour);
    if (off === undefined) {
      off = zoneOffsetMs(this.timeZone, hour * HOUR_MS);
      this.cache.set(hour, off);
    }
    this.lastHour = hour;
    this.lastOffset = off;
    return off;
  }

  /** Local wall-clock ms (as if UTC) of an instant. */
  local(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  /** Local day number (days since 1970-01-01) of an instant. */
  dayOf(utcMs: number): number {
    return Math.floor(this.local(utcMs) / DAY_MS);
  }

  /** Ms since local midnight of an instant. */
  timeOfDayMs(utcMs: number): number {
    const l = this.local(utcMs);
    return l - Math.floor(l / DAY_MS) * DAY_MS;
  }

  /** The instant of a local day and time of day (ms since midnight). */
  instant(day: number, timeOfDayMs: number): number {
    const wall = day * DAY_MS + timeOfDayMs;
    const guess = wall - this.offsetMs(wall);
    return wall - this.offsetMs(guess);
  }

  /** The instant of a host time 'YYYYMMDDhhmmss'. */
  parseHostTime(s: string): number {
    let wall = Number.NaN;
    if (s.length === 14) {
      const y = digits(s, 0, 4);
      const m = digits(s, 4, 6);
      const time = digits(s, 8, 10) * HOUR_MS + digits(s, 10, 12) * 60_000 + digits(s, 12, 14) * 1000;
      // Date.UTC's own arithmetic for the usual case (it reads years 0 to 99 as 1900 + y).
      if (y >= 100 && m >= 1 && m <= 12) wall = daysFromCivil(y, m, digits(s, 6, 8)) * DAY_MS + time;
      else wall = Date.UTC(y, m - 1, digits(s, 6, 8)) + time;
    }
    if (Number.isNaN(wall)) {
      // Not 14 ASCII digits: as Number() reads each part.
      wall = Date.UTC(
        Number(s.slice(0, 4)),
        Number(s.slice(4, 6)) - 1,
        Number(s.slice(6, 8)),
        Number(s.slice(8, 10)),
        Number(s.slice(10, 12)),
        Number(s.slice(12, 14)),
      );
    }
    const day = Math.floor(wall / DAY_MS);
    return this.instant(day, wall - day * DAY_MS);
  }

  /** 'YYYY-MM-DD hh:mm:ss' host time of an instant. */
  format(utcMs: number): string {
    return new Date(this.local(utcMs)).toISOString().slice(0, 19).replace('T', ' ');
  }
}
