/**
 * Settlement tracking against the real host simulator as it answers 951 today (hostRules.ts:
 * T1, P before the batch is settled, C until the next business day 09:00 after the settlement,
 * A from then on, X for what it does not know): observations appended; a restart in the middle
 * of tracking resumes from the journal without asking again or duplicating; X and a garbage
 * field 62 are coded errors and tracking goes on; the CLI commands against a running runtime.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ManualClock } from '../../src/clock.js';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { HostLink } from '../../src/host/HostLink.js';
import { HostSession } from '../../src/host/HostSession.js';
import {
  hostLinkOptionsFromProfile,
  hostSessionOptionsFromProfile,
} from '../../src/host/hostLinkOptionsFromProfile.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import {
  buildSettlementStatusRecords,
  settlementStatusInquiryResponseToMessage,
} from '../../src/iso8583/views/cupPos.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { silentLogger } from '../../src/log.js';
import { parseProfile, profileTmk } from '../../src/profile/loadProfile.js';
import { SessionHostPort } from '../../src/runtime/SessionHostPort.js';
import { SettlementTracker } from '../../src/settlement/SettlementTracker.js';
import { DAY_MS, SCHEDULE } from '../../src/settlement/trackingSchedule.js';
import { Lane } from '../../src/txn/Lane.js';
import type { HostPort } from '../../src/txn/ports.js';
import { fakeIo } from '../cli/fakeIo.js';
import { emulatorProfileRaw, startWorld, type World } from './world.js';

let w: World | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await w?.close();
  w = undefined;
});

const FULL_PAN = '6212345600000012';

/**
 * The host's clock, fixed so the test does not depend on the time of day it runs: a Tuesday
 * (a business day) at 10:00 Asia/Shanghai. The simulator clears a settled batch at its cut-off
 * (23:00), so the tests move the host past it before they ask.
 */
const HOST_MORNING = Date.parse('2026-12-01T02:00:00Z');
const PAST_CUT_OFF_MS = 14 * 60 * 60_000;

/** Three sales settled in batch 1, one in the open batch, and one the host never saw. */
async function worldWithSales(simClock: ManualClock) {
  const tmk = profileTmk(parseProfile(emulatorProfileRaw(), '.'));
  const sim = await startHostSim({ tmk, port: 0, clock: simClock });
  w = await startWorld({ sim });
  const rrns: string[] = [];
  for (const amountMinor of [1234, 2000, 3050]) {
    const r = await w.rt.sale({ amountMinor });
    expect(r.outcome).toBe('approved');
    rrns.push(r.rrn!);
  }
  expect((await w.rt.settle()).outcome).toBe('balanced');
  const open = await w.rt.sale({ amountMinor: 777 });
  rrns.push(open.rrn!);
  await w.rt.stop();
  return { rrns, tmk };
}

/** The journal and a session to the simulator, as the runtime composes them, on `clock`. */
function terminal(clock: ManualClock, host?: HostPort) {
  const profile = w!.profile;
  const journal = Journal.open({
    path: profile.journal.path,
    key: loadKeyFile(profile.journal.keyFile),
    clock,
  });
  const link = new HostLink(hostLinkOptionsFromProfile(profile, { logger: silentLogger }));
  const session = new HostSession(
    hostSessionOptionsFromProfile(profile, {
      link,
      tmk: profileTmk(profile),
      nextStan: () => journal.nextStan(),
      batch: () => journal.currentBatch(),
      echoIdleMs: 0,
    }),
  );
  const warnings: { code?: string; rrn?: string }[] = [];
  const log = { ...silentLogger, warn: (o: object) => warnings.push(o as { code?: string }) };
  const tracker = new SettlementTracker({
    journal,
    host: host ?? new SessionHostPort(session, clock),
    lane: new Lane(),
    clock,
    log,
    terminalId: profile.terminalId,
    merchantId: profile.merchantId,
    timeZone: profile.timeZone,
    config: () => ({ maxInquiriesPerHour: 12, trackDays: 7 }),
  });
  const close = async () => {
    await tracker.stop();
    session.close();
    link.close();
    journal.close();
  };
  cleanups.push(close);
  return { journal, tracker, warnings, close };
}

/** Fires the tracker's due timer and waits for the pass it started. */
async function step(clock: ManualClock, tracker: SettlementTracker, ms: number): Promise<void> {
  clock.advance(ms);
  await tracker.idle();
}

describe('settlement tracking against the host simulator', () => {
  it('asks on schedule, appends each answer, resumes after a restart without asking twice, stops at A', async () => {
    const simClock = new ManualClock(HOST_MORNING);
    const { rrns } = await worldWithSales(simClock);
    simClock.advance(PAST_CUT_OFF_MS);
    const clock = new ManualClock(Date.now());
    let t = terminal(clock);
    // a sale the host never saw (its RRN is unknown there): X
    const ghost = t.journal.begin({ kind: 'purchase', amountMinor: 500 });
    t.journal.markSent(ghost.id);
    t.journal.recordAnswer(ghost.id, { responseCode: '00', rrn: '999999999999', authCode: 'ABC123' });

    t.tracker.start();
    await step(clock, t.tracker, 0);
    expect(t.journal.settlementInquiriesSince(0)).toHaveLength(0); // FIRST_MS not over yet
    await step(clock, t.tracker, SCHEDULE.FIRST_MS);
    expect(t.journal.settlementInquiriesSince(0)).toHaveLength(1); // 5 RRNs in one 0800/951
    const byRrn = (j: Journal) =>
      new Map(j.trackedSettlements(0, true).map((x) => [x.rrn, j.settlementObservations(x.txnId)]));
    let obs = byRrn(t.journal);
    expect(rrns.map((r) => obs.get(r)?.map((o) => o.status))).toEqual([['C'], ['C'], ['C'], ['P']]);
    expect(obs.get('999999999999')?.map((o) => o.status)).toEqual(['X']);
    const c = obs.get(rrns[0])![0];
    expect(c).toMatchObject({ mode: 'T1', delayReason: '00', learntAt: clock.now() });
    expect(c.record).toHaveLength(59);
    expect(c.record.slice(0, 13)).toBe(`${rrns[0]}C`);
    expect(t.warnings).toContainEqual(
      expect.objectContaining({ code: 'SETTLE_STATUS_UNKNOWN', rrn: '999999999999' }),
    );

    // restart in the middle of tracking: the new tracker plans from the journal, asks nothing yet
    await t.close();
    t = terminal(clock);
    t.tracker.start();
    await step(clock, t.tracker, 0);
    await step(clock, t.tracker, SCHEDULE.RETRY_MS);
    expect(t.journal.settlementInquiriesSince(0)).toHaveLength(1);
    expect([...byRrn(t.journal).values()].map((o) => o.length)).toEqual([1, 1, 1, 1, 1]);

    // four days on (past the next business day 09:00 of the host): the settled sales arrived
    simClock.advance(4 * DAY_MS);
    await step(clock, t.tracker, 4 * DAY_MS);
    obs = byRrn(t.journal);
    expect(rrns.map((r) => obs.get(r)?.map((o) => o.status))).toEqual([
      ['C', 'A'],
      ['C', 'A'],
      ['C', 'A'],
      ['P', 'P'],
    ]);
    expect(obs.get(rrns[0])![1].arrivedAt).toMatch(/^\d{8}090000$/);
    // tracking of the arrived ones ends: only the open batch's sale and the unknown one are left
    expect(t.journal.trackedSettlements(0).map((x) => x.rrn)).toEqual([rrns[3], '999999999999']);
    const asked = t.journal.settlementInquiriesSince(0).length;
    await step(clock, t.tracker, SCHEDULE.RETRY_MS);
    expect(t.journal.settlementInquiriesSince(0)).toHaveLength(asked);
  });

  it('a garbage field 62 and an X: coded errors, nothing appended for the garbage, tracking goes on', async () => {
    const simClock = new ManualClock(HOST_MORNING);
    const { rrns } = await worldWithSales(simClock);
    simClock.advance(PAST_CUT_OFF_MS);
    const clock = new ManualClock(Date.now() + SCHEDULE.FIRST_MS);
    let calls = 0;
    const garbage: HostPort = {
      async send(msg: IsoMessage) {
        calls++;
        const good = settlementStatusInquiryResponseToMessage({
          stan: msg.fields[11]!,
          responseCode: '00',
          terminalId: msg.fields[41]!,
          records: [],
        });
        const text = `${buildSettlementStatusRecords([])}NOT A RECORD`;
        return {
          message: { ...good, fields: { ...good.fields, 62: Buffer.from(text).toString('hex') } },
          hostMs: 1,
        };
      },
    };
    const bad = terminal(clock, garbage);
    const r = await bad.tracker.trackNow();
    expect(calls).toBe(1);
    expect(r).toMatchObject({ asked: 4, messages: 1, observations: 0, unreachable: false });
    expect(r.errors).toEqual([{ code: 'SETTLE_INQUIRY_BAD_ANSWER' }]);
    expect(bad.warnings).toContainEqual(expect.objectContaining({ code: 'SETTLE_INQUIRY_BAD_ANSWER' }));
    expect(bad.journal.trackedSettlements(0).map((x) => x.latest)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    await bad.close();
    cleanups.pop();

    // the same journal with the real host: the sales are still tracked and now answered
    const good = terminal(clock);
    const again = await good.tracker.trackNow();
    expect(again).toMatchObject({ asked: 4, messages: 1, observations: 4, errors: [] });
    expect(good.journal.trackedSettlements(0).map((x) => x.latest?.status)).toEqual(['C', 'C', 'C', 'P']);
    expect(rrns).toHaveLength(4);
  });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo();
  const code = await main([...argv, '--socket', w!.profile.control.socket!], io);
  return { code, out: io.out(), err: io.err() };
}

describe('posterm settlement status|timeline|track against a running runtime', () => {
  it('track asks the host; status and timeline show masked cards, yuan, the zone, causes in Chinese', async () => {
    // D0 contract: the simulator pays T1 (reason 00), so there is always a delay to explain
    const simClock = new ManualClock(HOST_MORNING);
    const tmk = profileTmk(parseProfile(emulatorProfileRaw(), '.'));
    const sim = await startHostSim({ tmk, port: 0, clock: simClock });
    w = await startWorld({ sim, edit: (raw) => (raw.settlement = { mode: 'D0' }) });
    const sale = await cli('sale', '12.34', '--json');
    const rrn = JSON.parse(sale.out).rrn as string;
    expect((await cli('settle')).code).toBe(0);
    simClock.advance(PAST_CUT_OFF_MS);

    const track = await cli('settlement', 'track');
    expect(track.code).toBe(0);
    expect(track.out).toMatch(/^asked about 1 sale\(s\) in 1 message\(s\): 1 answer\(s\), 0 arrived/);

    const status = await cli('settlement', 'status');
    expect(status.out).toMatch(/times in Asia\/Shanghai \(host time\)/);
    expect(status.out).toContain(rrn);
    expect(status.out).toMatch(/621234\*{6}0012\s+12\.34\s+T1\s+expected\s+C /);
    const json = JSON.parse((await cli('settlement', 'status', '--json')).out);
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0]).toMatchObject({
      rrn,
      maskedPan: '621234******0012',
      amountMinor: 1234,
      hostStatus: 'C',
    });
    expect(json.rows[0].delayMs).toBeGreaterThan(0);

    const zh = await cli('settlement', 'timeline', rrn, '--lang', 'zh');
    expect(zh.code).toBe(0);
    expect(zh.out).toContain('结算方式 T1(约定 D0);时区 Asia/Shanghai(主机时间)');
    expect(zh.out).toMatch(/\n预计到账 {2}\d{4}-\d\d-\d\d 09:00:00 {2}延迟 /);
    expect(zh.out).toContain('延迟原因分段:');
    // the D0 contract paid as T1 with reason 00: no known cause, and what to do about it
    expect(zh.out).toContain('原因不明');
    expect(zh.out).toContain('建议: 携交易参考号(RRN)和本交易时间线联系收单机构客服');
    const en = JSON.parse((await cli('settlement', 'timeline', rrn, '--json')).out);
    const total = en.segments.reduce((n: number, g: { ms: number }) => n + g.ms, 0);
    expect(total).toBe(en.row.delayMs);

    const unknown = await cli('settlement', 'timeline', '000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/SETTLE_NOT_TRACKED/);
    for (const out of [status.out, zh.out, JSON.stringify(en), track.out])
      expect(out).not.toContain(FULL_PAN);
  });
});
