/**
 * The clock check: fields 12/13 read in the host time zone (year rollover, a zone with summer
 * time), the 60 s / 5 min thresholds, NTP as the system reports it, and a real host simulator
 * whose clock is shifted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import {
  CLOCK_FAIL_S,
  CLOCK_WARN_S,
  checkClockSync,
  hostTimeFromFields,
  judgeClockOffset,
} from '../../src/diagnostics/clockChecks.js';
import { diagnose } from '../../src/diagnostics/diagnose.js';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { diagTerminal, expectCheck } from './diagKit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Fields 12/13 as a host in Shanghai (UTC+8) would write them for this instant. */
function shanghaiFields(ms: number): { time: string; date: string } {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    time: p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()),
    date: p(d.getUTCMonth() + 1) + p(d.getUTCDate()),
  };
}

describe('clock: host time from fields 12/13', () => {
  it('reads the fields in the host zone and picks the year nearest the system time (New Year)', () => {
    // host says 31 Dec 23:59:59 Shanghai; the system already thinks it is 1 Jan (UTC+8) 00:00:10
    const near = Date.parse('2026-12-31T16:00:10Z');
    expect(hostTimeFromFields('235959', '1231', near, 'Asia/Shanghai')).toBe(
      Date.parse('2026-12-31T15:59:59Z'),
    );
    // and the other way round: host already in January, system still in December
    const dec = Date.parse('2026-12-31T15:59:50Z');
    expect(hostTimeFromFields('000005', '0101', dec, 'Asia/Shanghai')).toBe(
      Date.parse('2026-12-31T16:00:05Z'),
    );
  });

  it('applies summer time of a zone that has it, and refuses fields that are no date or time', () => {
    const july = Date.parse('2026-07-01T10:00:00Z');
    expect(hostTimeFromFields('120000', '0701', july, 'Europe/Berlin')).toBe(july);
    const jan = Date.parse('2026-01-15T11:00:00Z');
    expect(hostTimeFromFields('120000', '0115', jan, 'Europe/Berlin')).toBe(jan);
    expect(hostTimeFromFields('246000', '0101', jan, 'Asia/Shanghai')).toBeUndefined();
    expect(hostTimeFromFields('120000', '1301', jan, 'Asia/Shanghai')).toBeUndefined();
    expect(hostTimeFromFields('12000', '0101', jan, 'Asia/Shanghai')).toBeUndefined();
  });

  it('passes within 60 s, warns over 60 s, fails over 5 minutes (sign as host minus system)', () => {
    const at = Date.parse('2026-11-30T07:00:00Z');
    const judge = (shiftS: number) =>
      judgeClockOffset(
        { mti: '0830', ...shanghaiFields(at + shiftS * 1000), sentAtMs: at - 20, receivedAtMs: at + 20 },
        'Asia/Shanghai',
      );
    expect([CLOCK_WARN_S, CLOCK_FAIL_S]).toEqual([60, 300]);
    expect(judge(60)).toMatchObject({ result: 'pass', evidence: { offsetS: 60, roundTripMs: 40 } });
    expect(judge(-61)).toMatchObject({ result: 'warn', hint: 'clock.drift', evidence: { offsetS: -61 } });
    expect(judge(300)).toMatchObject({ result: 'warn', hint: 'clock.drift' });
    expect(judge(301)).toMatchObject({ result: 'fail', hint: 'clock.wrong', evidence: { offsetS: 301 } });
    expect(judgeClockOffset({ mti: '0830', sentAtMs: at, receivedAtMs: at }, 'Asia/Shanghai')).toMatchObject({
      result: 'warn',
      hint: 'clock.noHostTime',
    });
    expect(judgeClockOffset(undefined, 'Mars/Olympus')).toMatchObject({
      result: 'fail',
      hint: 'profile.invalid',
    });
  });

  it('NTP: not synchronised warns, unknown (no timedatectl answer) passes, with the time zones', async () => {
    const no = await checkClockSync('Asia/Shanghai', async () => 'no');
    expect(no).toMatchObject({ result: 'warn', hint: 'clock.ntpOff', evidence: { ntpSynchronized: 'no' } });
    const unknown = await checkClockSync('Asia/Shanghai', async () => 'unknown');
    expect(unknown).toMatchObject({
      result: 'pass',
      evidence: { ntpSynchronized: 'unknown', hostTimeZone: 'Asia/Shanghai', hostUtcOffsetMin: 480 },
    });
    expect(typeof unknown.evidence.systemTimeZone).toBe('string');
    expect((await checkClockSync('Asia/Shanghai', async () => 'yes')).result).toBe('pass');
  });
});

describe('clock: against a host simulator on a shifted clock', () => {
  async function diagWithHostShift(shiftMs: number) {
    const t0 = diagTerminal();
    const sim = await startHostSim({
      tmk: profileTmk(t0.profile),
      port: 0,
      clock: { ...systemClock, now: () => Date.now() + shiftMs },
    });
    cleanups.push(() => sim.close());
    const t = diagTerminal((raw) => {
      raw.host.primary.port = sim.port;
    });
    return diagnose({ profile: t.file, ntp: async () => 'yes' });
  }

  it('a host 10 minutes ahead fails clock.host with the clock hint (exit 2)', async () => {
    const r = await diagWithHostShift(10 * 60_000);
    const x = expectCheck(r, 'clock.host', 'fail', 'clock.wrong');
    expect(x.evidence.offsetS).toBeGreaterThanOrEqual(598);
    expect(x.evidence.offsetS).toBeLessThanOrEqual(602);
    expect(x.evidence).toMatchObject({ hostTimeZone: 'Asia/Shanghai', failOverS: 300 });
    expect(x.hint?.zh).toContain('5 分钟');
    expect(r.exitCode).toBe(2);
  });

  it('a host 90 s behind warns; a host on time passes', async () => {
    const late = await diagWithHostShift(-90_000);
    const w = expectCheck(late, 'clock.host', 'warn', 'clock.drift');
    expect(Math.abs((w.evidence.offsetS as number) + 90)).toBeLessThanOrEqual(2);
    const ok = await diagWithHostShift(0);
    expect(Math.abs(expectCheck(ok, 'clock.host', 'pass').evidence.offsetS as number)).toBeLessThanOrEqual(2);
    expectCheck(ok, 'clock.sync', 'pass');
  });

  it('no host answer: clock.host is skipped naming the host checks; clock.sync still runs', async () => {
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'acquirer.invalid', port: 5800 };
    });
    const r = await diagnose({ profile: t.file, ntp: async () => 'unknown' });
    expect(expectCheck(r, 'clock.host', 'skipped').skippedBecause).toMatch(/host\.signon .*host\.echo/);
    expect(expectCheck(r, 'clock.sync', 'pass').evidence.ntpSynchronized).toBe('unknown');
  });
});
