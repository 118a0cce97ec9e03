/**
 * The clock: the terminal's system time against the host's (fields 12/13 of a sign-on or echo
 * answer, read in the host time zone of the profile), and what the system says of its own
 * synchronisation (NTP, where `timedatectl` reports it) and time zone. Fields 12/13 carry no
 * year and whole seconds only: the year is the one that puts the host time nearest the
 * system's, and the offset is exact to about a second plus the round trip.
 */
import { execFile } from 'node:child_process';
import { type CheckOutcome, pass } from './DiagResult.js';

/** Above this many seconds between the system and the host clock, `clock.host` warns. */
export const CLOCK_WARN_S = 60;
/** Above this many seconds (5 minutes), `clock.host` fails. */
export const CLOCK_FAIL_S = 300;

/** Fields 12 (hhmmss) and 13 (MMDD) of a host answer, with when it was asked and received. */
export interface HostAnswerTime {
  mti: string;
  /** field 12, hhmmss (host local) */
  time?: string;
  /** field 13, MMDD (host local) */
  date?: string;
  /** system wall time (ms) the request left */
  sentAtMs: number;
  /** system wall time (ms) the answer arrived */
  receivedAtMs: number;
}

interface WallParts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

function partsIn(ms: number, timeZone: string): WallParts {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
  return {
    y: get('year'),
    mo: get('month'),
    d: get('day'),
    h: get('hour'),
    mi: get('minute'),
    s: get('second'),
  };
}

/** The zone's offset from UTC (ms) at this instant. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (ms) fields 12 (hhmmss) and 13 (MMDD) name in `timeZone`, in the year that puts it
 * nearest `nearMs`; undefined when the fields are not a valid date and time. Pure.
 */
export function hostTimeFromFields(
  hhmmss: string,
  mmdd: string,
  nearMs: number,
  timeZone: string,
): number | undefined {
  if (!/^\d{6}$/.test(hhmmss) || !/^\d{4}$/.test(mmdd)) return undefined;
  const [h, mi, s] = [0, 2, 4].map((i) => Number(hhmmss.slice(i, i + 2)));
  const [mo, d] = [0, 2].map((i) => Number(mmdd.slice(i, i + 2)));
  if (h > 23 || mi > 59 || s > 59 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const year = partsIn(nearMs, timeZone).y;
  let best: number | undefined;
  for (const y of [year - 1, year, year + 1]) {
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(wall);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) continue; // 29 Feb of another year
    let at = wall - zoneOffsetMs(wall, timeZone);
    at = wall - zoneOffsetMs(at, timeZone);
    if (best === undefined || Math.abs(at - nearMs) < Math.abs(best - nearMs)) best = at;
  }
  return best;
}

function badZone(timeZone: string): CheckOutcome | undefined {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return undefined;
  } catch {
    return { result: 'fail', evidence: { key: 'timeZone', timeZone }, hint: 'profile.invalid' };
  }
}

/**
 * `clock.host`: the host's time (read in the profile's time zone) minus the system's at the
 * middle of the exchange. Positive: the terminal's clock is behind. Warn over CLOCK_WARN_S,
 * fail over CLOCK_FAIL_S.
 */
export function judgeClockOffset(a: HostAnswerTime | undefined, hostTimeZone: string): CheckOutcome {
  const bad = badZone(hostTimeZone);
  if (bad) return bad;
  if (!a || a.time === undefined || a.date === undefined) {
    return {
      result: 'warn',
      evidence: { answer: a?.mti ?? null, field12: a?.time ?? null, field13: a?.date ?? null },
      hint: 'clock.noHostTime',
    };
  }
  const midMs = Math.round((a.sentAtMs + a.receivedAtMs) / 2);
  const hostMs = hostTimeFromFields(a.time, a.date, midMs, hostTimeZone);
  const base = { answer: a.mti, field12: a.time, field13: a.date, hostTimeZone };
  if (hostMs === undefined) return { result: 'warn', evidence: base, hint: 'clock.noHostTime' };
  const offsetS = Math.round((hostMs - midMs) / 1000);
  const evidence = {
    ...base,
    systemTime: new Date(midMs).toISOString(),
    hostTime: new Date(hostMs).toISOString(),
    offsetS,
    roundTripMs: a.receivedAtMs - a.sentAtMs,
    warnOverS: CLOCK_WARN_S,
    failOverS: CLOCK_FAIL_S,
  };
  if (Math.abs(offsetS) > CLOCK_FAIL_S) return { result: 'fail', evidence, hint: 'clock.wrong' };
  if (Math.abs(offsetS) > CLOCK_WARN_S) return { result: 'warn', evidence, hint: 'clock.drift' };
  return pass(evidence);
}

export type NtpState = 'yes' | 'no' | 'unknown';

/** `timedatectl show -p NTPSynchronized --value`: yes / no, or unknown when there is no answer. */
export function ntpSynchronized(): Promise<NtpState> {
  return new Promise((resolve) => {
    try {
      execFile(
        'timedatectl',
        ['show', '-p', 'NTPSynchronized', '--value'],
        { timeout: 3000 },
        (err, stdout) => {
          const v = String(stdout ?? '').trim();
          resolve(err ? 'unknown' : v === 'yes' ? 'yes' : v === 'no' ? 'no' : 'unknown');
        },
      );
    } catch {
      resolve('unknown');
    }
  });
}

/**
 * `clock.sync`: NTP synchronisation as the system reports it (not synchronised warns; unknown
 * never fails), the system time zone and the profile's host time zone.
 */
export async function checkClockSync(
  hostTimeZone: string,
  ntp: () => Promise<NtpState> = ntpSynchronized,
  now: () => number = Date.now,
): Promise<CheckOutcome> {
  const bad = badZone(hostTimeZone);
  if (bad) return bad;
  const state = await ntp();
  const systemTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const t = now();
  const evidence = {
    ntpSynchronized: state,
    ...(state === 'unknown' ? { ntpSource: 'timedatectl did not answer' } : {}),
    systemTime: new Date(t).toISOString(),
    systemTimeZone,
    systemUtcOffsetMin: Math.round(zoneOffsetMs(t, systemTimeZone) / 60_000),
    hostTimeZone,
    hostUtcOffsetMin: Math.round(zoneOffsetMs(t, hostTimeZone) / 60_000),
  };
  if (state === 'no') return { result: 'warn', evidence, hint: 'clock.ntpOff' };
  return pass(evidence);
}
