/**
 * Time-zone offsets for the terminal's local time (fields 12/13) and the host's (settlement).
 * China's zones have one fixed offset since 1992 (no summer time), so the default needs no ICU
 * time-zone data (loading it costs about 8 MB of memory on a terminal); any other zone is read
 * through Intl, one cached formatter per zone.
 */
const HOUR_MS = 3_600_000;
/** 1992-01-01T00:00:00Z: from here on these zones have kept one offset. */
const FIXED_SINCE_MS = 694_224_000_000;

const FIXED_OFFSET_MS: Readonly<Record<string, number>> = {
  'Asia/Shanghai': 8 * HOUR_MS,
  'Asia/Chongqing': 8 * HOUR_MS,
  'Asia/Harbin': 8 * HOUR_MS,
  'Asia/Hong_Kong': 8 * HOUR_MS,
  'Asia/Macau': 8 * HOUR_MS,
  'Asia/Taipei': 8 * HOUR_MS,
  PRC: 8 * HOUR_MS,
  'Asia/Urumqi': 6 * HOUR_MS,
  UTC: 0,
  'Etc/UTC': 0,
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // throws RangeError for an unknown zone
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is a zone Intl (or the fixed table) knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone in FIXED_OFFSET_MS) return true;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local time minus UTC at an instant, ms. Throws RangeError for an unknown zone. */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const fixed = FIXED_OFFSET_MS[timeZone];
  if (fixed !== undefined && utcMs >= FIXED_SINCE_MS) return fixed;
  const p: Record<string, number> = {};
  const at = Math.floor(utcMs / 1000) * 1000;
  for (const part of formatter(timeZone).formatToParts(at))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
}
