/**
 * ISO 8601 UTC text of an instant, as Date#toISOString writes it for years 0000 to 9999,
 * several times faster (a report writes ten per transaction): the date part is made once per day,
 * the rest from tables. Civil date from the day number by Howard Hinnant's algorithm.
 */
const DAY_MS = 86_400_000;

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** 'YYYY-MM-DDT' of each day met, kept while there are few (a report's sales fall on few days). */
let days = new Map<number, string>();

function dayPrefix(day: number): string {
  let p = days.get(day);
  if (p === undefined) {
    if (days.size >= 4096) days = new Map();
    p = `${civil(day)}T`;
    days.set(day, p);
  }
  return p;
}

function civil(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${TWO[m]}-${TWO[d]}`;
}

const FIRST = -62_167_219_200_000;
const LAST = 253_402_300_799_999;

export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < FIRST || ms > LAST) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  return `${dayPrefix(day)}${TWO[h]}:${TWO[mi]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`;
}

/** The ASCII codes of 00..99, two by two. */
const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[2 * i] = 48 + Math.floor(i / 10);
  DIGITS2[2 * i + 1] = 48 + (i % 10);
}

/** The two ASCII digits of 0..99 at b[p]. */
function put2(b: Uint8Array, p: number, n: number): void {
  b[p] = DIGITS2[2 * n];
  b[p + 1] = DIGITS2[2 * n + 1];
}

/** dayPrefix's bytes (the writers copy them instead of reading a string's characters). */
let dayBytes = new Map<number, Uint8Array>();

function dayPrefixBytes(day: number): Uint8Array {
  let p = dayBytes.get(day);
  if (p === undefined) {
    if (dayBytes.size >= 4096) dayBytes = new Map();
    p = Uint8Array.from(dayPrefix(day), (c) => c.charCodeAt(0));
    dayBytes.set(day, p);
  }
  return p;
}

/**
 * Writes isoTime(ms)'s 24 ASCII bytes at b[pos] (the JSON report writes its rows as bytes, with
 * no string per time); false, and nothing written, when isoTime would not give 24 characters.
 */
export function writeIsoTime(b: Uint8Array, pos: number, ms: number): boolean {
  if (!Number.isInteger(ms) || ms < FIRST || ms > LAST) return false;
  const day = Math.floor(ms / DAY_MS);
  const prefix = dayPrefixBytes(day);
  for (let i = 0; i < 11; i++) b[pos + i] = prefix[i];
  // Under a day's ms from here: int32 arithmetic.
  let rest = ms - day * DAY_MS;
  const h = (rest / 3_600_000) | 0;
  rest -= h * 3_600_000;
  const mi = (rest / 60_000) | 0;
  rest -= mi * 60_000;
  const s = (rest / 1000) | 0;
  const msr = rest - s * 1000;
  put2(b, pos + 11, h);
  b[pos + 13] = 58; // :
  put2(b, pos + 14, mi);
  b[pos + 16] = 58;
  put2(b, pos + 17, s);
  b[pos + 19] = 46; // .
  const tens = (msr / 10) | 0;
  put2(b, pos + 20, tens);
  b[pos + 22] = 48 + msr - tens * 10;
  b[pos + 23] = 90; // Z
  return true;
}

/**
 * Writes 'MM-DD hh:mm' of a wall-clock instant (isoTime(ms)'s characters 5 to 9 and 11 to 15,
 * with a space between: the table's time column) as 11 ASCII bytes at b[pos]; false, and nothing
 * written, when isoTime would not give its usual 24 characters.
 */
export function writeMonthDayMinute(b: Uint8Array, pos: number, ms: number): boolean {
  if (!Number.isInteger(ms) || ms < FIRST || ms > LAST) return false;
  const day = Math.floor(ms / DAY_MS);
  const prefix = dayPrefixBytes(day);
  for (let i = 0; i < 5; i++) b[pos + i] = prefix[5 + i];
  b[pos + 5] = 32;
  const rest = ms - day * DAY_MS;
  const h = (rest / 3_600_000) | 0;
  put2(b, pos + 6, h);
  b[pos + 8] = 58; // :
  put2(b, pos + 9, ((rest - h * 3_600_000) / 60_000) | 0);
  return true;
}
