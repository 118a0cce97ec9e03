/**
 * The host simulator's settlement engine (issue 10 section 1): every shipped scenario replayed on
 * a ManualClock gives the records its file expects; determinism from the seed; the 951 inquiry
 * through the real simulator answers the engine's records byte for byte; field 15 follows the
 * engine's settlement day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HostLedger, type LedgerEntry } from '../../src/emulator/hostLedger.js';
import { type HostSettlementStatus, hostTimestamp } from '../../src/emulator/hostRules.js';
import {
  loadScenario,
  parseScenario,
  SCENARIO_NAMES,
  type SettlementScenario,
} from '../../src/emulator/hostScenario.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { formatStatusRecord } from '../../src/emulator/hostStatusRecord.js';
import { SettlementEngine } from '../../src/emulator/SettlementEngine.js';
import { isPosError } from '../../src/errors.js';
import {
  parseSettlementStatusRecord,
  parseSettlementStatusRecords,
} from '../../src/iso8583/views/cupPosStatusRecord.js';
import { FakeTerminal, MID, purchase, TID, TMK } from './hostSimHelpers.js';

/** 'YYYY-MM-DD hh:mm' -> 'YYYYMMDDhhmmss'. */
const stamp = (s: string) => s.replace(/\D/g, '').padEnd(14, '0');

interface Observed {
  /** Sale and expectation index in the file. */
  key: [number, number];
  label: string;
  at: string;
  record: HostSettlementStatus;
}

/**
 * Replay a scenario: sales enter the ledger at their time (an offline one at its forwarding
 * time), batches settle at theirs, and at each expectation's time the engine is asked.
 */
function replay(sc: SettlementScenario, seed?: number): { observed: Observed[]; engine: SettlementEngine } {
  const ledger = new HostLedger();
  const settings = seed === undefined ? sc : { ...sc, seed };
  const engine = new SettlementEngine({ ledger, settings });
  const clock = new ManualClock(engine.hostTime(sc.start));
  type Ev = { t: number; order: number; run: () => void };
  const events: Ev[] = [];
  const rrns: string[] = [];
  sc.sales.forEach((s, i) => {
    const rrn = `9${String(i + 1).padStart(11, '0')}`;
    rrns.push(rrn);
    const received = engine.hostTime(s.forwardedAt ?? s.at);
    const entry: LedgerEntry = {
      terminalId: TID,
      merchantId: s.merchant,
      kind: s.forwardedAt ? 'advice' : 'purchase',
      stan: String(i + 1).padStart(6, '0'),
      batch: s.batch ?? '000001',
      amount: s.amount,
      rrn,
      authCode: '123456',
      responseCode: '00',
      reversed: false,
      voided: false,
      advice: s.forwardedAt !== undefined,
      approvalMode: s.forwardedAt ? 'offline' : 'online',
      maskedPan: '625809*********0123',
      at: engine.hostTime(s.at),
      receivedAt: received,
    };
    events.push({ t: received, order: 0, run: () => ledger.add(entry) });
  });
  for (const b of sc.batches) {
    const t = engine.hostTime(b.settledAt);
    events.push({ t, order: 1, run: () => ledger.markSettled(TID, b.batch, t) });
  }
  const observed: Observed[] = [];
  sc.sales.forEach((s, i) => {
    s.expect.forEach((e, j) => {
      events.push({
        t: engine.hostTime(e.at),
        order: 2,
        run: () =>
          observed.push({
            key: [i, j],
            label: s.label,
            at: e.at,
            record: engine.status(rrns[i], clock.now()),
          }),
      });
    });
  });
  events.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const ev of events) {
    expect(ev.t).toBeGreaterThanOrEqual(clock.now());
    clock.advance(ev.t - clock.now());
    ev.run();
  }
  observed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  return { observed, engine };
}

describe('every shipped scenario gives the records its file expects', () => {
  it('ships one scenario per cause plus a normal week', () => {
    expect([...SCENARIO_NAMES].sort()).toEqual(
      [
        'account-class',
        'after-cut-off',
        'd0-limit',
        'delayed-settlement',
        'holiday',
        'maintenance',
        'normal-week',
        'risk-hold',
        'transfer-failure',
        'terminal-late',
        'every-cause',
      ].sort(),
    );
  });

  it.each(SCENARIO_NAMES)('%s', (name) => {
    const sc = loadScenario(name);
    const { observed } = replay(sc);
    const expected = sc.sales.flatMap((s) => s.expect.map((e) => ({ label: s.label, e })));
    expect(observed).toHaveLength(expected.length);
    observed.forEach((o, i) => {
      const { e } = expected[i];
      const r = o.record;
      const where = `${o.label} at ${o.at}`;
      expect(r.status, where).toBe(e.status);
      expect(r.delayReason, where).toBe(e.reason);
      if (e.mode) expect(r.mode, where).toBe(e.mode);
      if (e.expectedArrival) expect(hostTimestamp(r.expectedArrival!), where).toBe(stamp(e.expectedArrival));
      if (e.clearedAt) expect(hostTimestamp(r.clearedAt!), where).toBe(stamp(e.clearedAt));
      if (e.arrivedAt) expect(hostTimestamp(r.arrivedAt!), where).toBe(stamp(e.arrivedAt));
      if (r.status !== 'A') expect(r.arrivedAt, where).toBeUndefined();
    });
  });

  it('covers every host reason 01..08 and the statuses P, C, H, F, A', () => {
    const reasons = new Set<string>();
    const statuses = new Set<string>();
    for (const name of SCENARIO_NAMES) {
      for (const s of loadScenario(name).sales)
        for (const e of s.expect) {
          reasons.add(e.reason);
          statuses.add(e.status);
        }
    }
    for (const r of ['00', '01', '02', '03', '04', '05', '06', '07', '08']) expect(reasons).toContain(r);
    for (const s of ['P', 'C', 'H', 'F', 'A']) expect(statuses).toContain(s);
  });
});

describe('the engine model', () => {
  it('a T1 sale Friday 23:30 before Qingming: 01 then 02, arrival Tuesday 7 April 09:00, delays add up', () => {
    const ledger = new HostLedger();
    const engine = new SettlementEngine({ ledger });
    const at = engine.hostTime('2026-04-03 23:30');
    ledger.add({
      terminalId: TID,
      merchantId: MID,
      kind: 'purchase',
      stan: '000001',
      batch: '000001',
      amount: 100,
      rrn: '000000000001',
      authCode: '000001',
      responseCode: '00',
      reversed: false,
      voided: false,
      advice: false,
      approvalMode: 'online',
      maskedPan: '',
      at,
    });
    ledger.markSettled(TID, '000001', engine.hostTime('2026-04-04 10:00'));
    const plan = engine.plan(ledger.findByRrn('000000000001')!, engine.hostTime('2026-04-08 00:00'));
    expect(hostTimestamp(plan.ideal)).toBe('20260404090000');
    expect(hostTimestamp(plan.arrival)).toBe('20260407090000');
    expect(hostTimestamp(plan.clearedAt)).toBe('20260404230000');
    expect(plan.delays.map((d) => [d.reason, hostTimestamp(d.from), hostTimestamp(d.to)])).toEqual([
      ['01', '20260404090000', '20260405090000'],
      ['02', '20260405090000', '20260407090000'],
    ]);
    // the segments are contiguous from the ideal arrival to the arrival
    expect(plan.delays[0].from).toBe(plan.ideal);
    expect(plan.delays.at(-1)!.to).toBe(plan.arrival);
    expect(plan.phases.map((p) => p.status)).toEqual(['P', 'C', 'A']);
    expect(engine.settlementDate(MID, at)).toBe('0404');
    expect(engine.settlementDate(MID, engine.hostTime('2026-04-03 22:59'))).toBe('0403');
  });

  it('same seed, same records; the seed decides which transfers fail', () => {
    const sc = loadScenario('transfer-failure');
    const a = replay(sc).observed;
    const b = replay(sc).observed;
    expect(a).toEqual(b);
    // The rate-0.5 merchant, asked at the same instant under several seeds.
    const outcomes = (seed: number) => {
      const { engine } = replay(sc, seed);
      const asOf = engine.hostTime('2026-03-12 09:30');
      return [3, 4, 5, 6, 7, 8]
        .map((i) => engine.status(`9${String(i).padStart(11, '0')}`, asOf).status)
        .join('');
    };
    expect(outcomes(8)).toBe(outcomes(8));
    const seen = new Set([1, 2, 3, 4, 5, 6, 7, 8].map(outcomes));
    expect(seen.size).toBeGreaterThan(1);
    for (const o of seen) expect(o).toMatch(/^[FA]{6}$/);
  });

  it('an unknown RRN answers X with blank times', () => {
    const engine = new SettlementEngine({ ledger: new HostLedger() });
    const r = engine.status('123456789012', Date.UTC(2026, 2, 11));
    expect(r).toEqual({ rrn: '123456789012', status: 'X', mode: 'T1', delayReason: '00' });
    expect(formatStatusRecord(r)).toBe(`123456789012XT1${' '.repeat(42)}00`);
  });

  it('beyond the calendar is a coded error, never a guess', () => {
    const ledger = new HostLedger();
    const engine = new SettlementEngine({ ledger });
    const at = engine.hostTime('2026-12-31 10:00');
    ledger.add({
      terminalId: TID,
      merchantId: MID,
      kind: 'purchase',
      stan: '000001',
      batch: '000001',
      amount: 100,
      rrn: '000000000001',
      authCode: '000001',
      responseCode: '00',
      reversed: false,
      voided: false,
      advice: false,
      approvalMode: 'online',
      maskedPan: '',
      at,
    });
    let err: unknown;
    try {
      engine.status('000000000001', at);
    } catch (e) {
      err = e;
    }
    expect(isPosError(err) && err.code).toBe('EMU_CALENDAR_UNKNOWN');
  });

  it('a bad scenario is EMU_SCENARIO_INVALID naming the key', () => {
    const sc = JSON.parse(JSON.stringify(loadScenario('normal-week')));
    sc.merchants['898310000000001'].mode = 'T2';
    expect(() => parseScenario(sc, 'x.json')).toThrow(/merchants\.898310000000001\.mode/);
    expect(() => loadScenario('no-such')).toThrow(expect.objectContaining({ code: 'EMU_SCENARIO_INVALID' }));
  });
});

describe('the 951 inquiry through the real simulator', () => {
  let sim: HostSim | undefined;
  let term: FakeTerminal | undefined;
  afterEach(async () => {
    term?.close();
    await sim?.close();
  });

  it('answers the engine records byte for byte, in the order asked, X for an unknown RRN; 15 follows the engine', async () => {
    const holiday = loadScenario('holiday');
    // the simulator's test terminal's merchant gets the scenario's contract
    const scenario = { ...holiday, merchants: { [MID]: holiday.merchants!['898310000000001'] } };
    const probe = new SettlementEngine({ ledger: new HostLedger() });
    const clock = new ManualClock(probe.hostTime('2026-04-03 23:30'));
    sim = await startHostSim({ tmk: TMK, clock, scenario });
    term = await FakeTerminal.connect(sim.port);
    await term.signOn();
    const s1 = await term.request(purchase(term.nextStan(), 18800), term.mak);
    expect(s1.msg.fields[39]).toBe('00');
    expect(s1.msg.fields[13]).toBe('0403');
    expect(s1.msg.fields[15]).toBe('0404'); // after the 23:00 cut-off: Saturday's clearing
    clock.advance(10.5 * 3600_000); // Saturday 10:00
    const s2 = await term.request(purchase(term.nextStan(), 2500), term.mak);
    expect(s2.msg.fields[15]).toBe('0404');
    const settle = await term.request(
      {
        mti: '0500',
        fields: {
          11: term.nextStan(),
          41: TID,
          42: MID,
          48: `${'21300'.padStart(12, '0')}002${'0'.padStart(12, '0')}000` + '0',
          49: '156',
          60: '00000001201',
        },
      },
      term.mak,
    );
    expect(settle.msg.fields[48].at(-1)).toBe('1');
    clock.advance(24 * 3600_000); // Sunday 10:00
    const rrn1 = s1.msg.fields[37];
    const rrn2 = s2.msg.fields[37];
    const asked = [rrn2, '000000000000', rrn1];
    const answer = await term.request({
      mti: '0800',
      fields: {
        11: term.nextStan(),
        41: TID,
        42: MID,
        60: '00000001951',
        62: Buffer.from(asked.join(''), 'latin1').toString('hex').toUpperCase(),
      },
    });
    expect(answer.msg.fields[39]).toBe('00');
    const text = Buffer.from(answer.msg.fields[62], 'hex').toString('latin1');
    expect(text).toHaveLength(3 * 59);
    const now = clock.now();
    expect(text).toBe(asked.map((r) => formatStatusRecord(sim!.settlement.status(r, now, TID))).join(''));
    const recs = parseSettlementStatusRecords(text);
    expect(recs.map((r) => r.rrn)).toEqual(asked);
    expect(recs[0]).toEqual({
      rrn: rrn2,
      status: 'C',
      settlementMode: 'T1',
      expectedArrival: '20260407090000',
      clearedAt: '20260404230000',
      delayReason: '02',
    });
    expect(parseSettlementStatusRecord(text.slice(59, 118))).toEqual({
      rrn: '000000000000',
      status: 'X',
      settlementMode: 'T1',
      delayReason: '00',
    });
    expect(recs[2]).toMatchObject({
      rrn: rrn1,
      status: 'C',
      expectedArrival: '20260407090000',
      delayReason: '02',
    });
    expect(recs[2].arrivedAt).toBeUndefined();
  });
});
