/**
 * What `settlement status` and `settlement timeline` show, from journal records: the row's stage,
 * arrival, delay and main cause (the longest segment), and the timeline's stages, segments and
 * observations as ISO instants. Expected values worked out by hand from docs/settlement.md.
 */
import { describe, expect, it } from 'vitest';
import type { SettlementObservationRecord, TrackedTxn } from '../../src/journal/types.js';
import { bundledCalendar, HolidayCalendar } from '../../src/settlement/calendar/HolidayCalendar.js';
import { settlementStatusOf, settlementTimelineOf } from '../../src/settlement/settlementReports.js';
import { DELAY_CAUSES } from '../../src/settlement/timeline/delayCauses.js';
import { sh } from './timeline/scenario.js';

const cal = bundledCalendar();
const HOUR = 3_600_000;
const iso = (s: string) => new Date(sh(s)).toISOString();

function txn(over: Partial<TrackedTxn> = {}): TrackedTxn {
  return {
    txnId: 1,
    rrn: '000000000001',
    kind: 'purchase',
    approvalMode: 'online',
    amountMinor: 1234,
    maskedPan: '621234******1232',
    batch: '000001',
    authorisedAt: sh('2025-03-14 10:00'),
    batchSettledAt: sh('2025-03-14 20:00'),
    ...over,
  };
}

function ob(learnt: string, over: Partial<SettlementObservationRecord>): SettlementObservationRecord {
  return {
    id: 1,
    txnId: 1,
    rrn: '000000000001',
    learntAt: sh(learnt),
    status: 'C',
    mode: 'T1',
    expectedArrival: null,
    clearedAt: null,
    arrivedAt: null,
    delayReason: '00',
    record: '',
    ...over,
  };
}

/** Friday's sale, cleared, expected Monday 12:00 for a bank maintenance (06). */
const friday = {
  txn: txn({ askedAt: sh('2025-03-14 23:30') }),
  observations: [
    ob('2025-03-14 23:30', {
      expectedArrival: '20250317120000',
      clearedAt: '20250314230000',
      delayReason: '06',
    }),
  ],
};

describe('settlementTimelineOf', () => {
  it("Friday's sale: the weekend (48 h) then the host's maintenance (3 h); times as ISO instants", () => {
    const asOf = sh('2025-03-15 12:00');
    const out = settlementTimelineOf(friday.txn, friday.observations, { mode: 'T1' }, cal, asOf);
    expect(out.timeZone).toBe('Asia/Shanghai');
    expect(out.asOf).toBe(iso('2025-03-15 12:00'));
    expect(out.contractMode).toBe('T1');
    expect(out.ideal).toBe(iso('2025-03-15 09:00'));
    expect(out.row).toEqual({
      txnId: 1,
      rrn: '000000000001',
      approval: 'online',
      maskedPan: '621234******1232',
      amountMinor: 1234,
      authorisedAt: iso('2025-03-14 10:00'),
      mode: 'T1',
      hostStatus: 'C',
      stage: 'expected',
      expectedArrival: iso('2025-03-17 12:00'),
      delayMs: 51 * HOUR,
      mainCause: {
        cause: 'non-business-day',
        text: DELAY_CAUSES['non-business-day'].text,
        remedy: DELAY_CAUSES['non-business-day'].remedy,
      },
      lastAskedAt: iso('2025-03-14 23:30'),
      observations: 1,
    });
    expect(out.stages).toEqual([
      { stage: 'authorised', at: iso('2025-03-14 10:00'), source: 'terminal' },
      { stage: 'batch-settled', at: iso('2025-03-14 20:00'), source: 'terminal' },
      { stage: 'cleared', at: iso('2025-03-14 23:00'), source: 'host', learntAt: iso('2025-03-14 23:30') },
      {
        stage: 'expected-arrival',
        at: iso('2025-03-17 12:00'),
        source: 'host',
        learntAt: iso('2025-03-14 23:30'),
      },
    ]);
    expect(out.segments).toEqual([
      {
        from: iso('2025-03-15 09:00'),
        to: iso('2025-03-17 09:00'),
        ms: 48 * HOUR,
        cause: 'non-business-day',
        basis: 'contract',
        text: DELAY_CAUSES['non-business-day'].text,
        remedy: DELAY_CAUSES['non-business-day'].remedy,
        daysFirst: '2025-03-15',
        daysLast: '2025-03-16',
      },
      {
        from: iso('2025-03-17 09:00'),
        to: iso('2025-03-17 12:00'),
        ms: 3 * HOUR,
        cause: 'bank-maintenance',
        basis: 'host',
        text: DELAY_CAUSES['bank-maintenance'].text,
        remedy: DELAY_CAUSES['bank-maintenance'].remedy,
        hostReason: '06',
        hostStatus: 'C',
      },
    ]);
    expect(out.observations).toEqual([
      {
        learntAt: iso('2025-03-14 23:30'),
        status: 'C',
        mode: 'T1',
        expectedArrival: '20250317120000',
        clearedAt: '20250314230000',
        delayReason: '06',
      },
    ]);
    expect('calendarCoverageEnds' in out || 'calendarFirstUnknown' in out).toBe(false);
  });

  it('an offline sale over a holiday, arrived: outage, holiday name, arrival; the contract zone named', () => {
    // offline on 30 Sep 2025 10:00, forwarded 30 Sep 23:30 (after the cut-off: settlement day 1 Oct)
    const t = txn({
      approvalMode: 'offline',
      authorisedAt: sh('2025-09-30 10:00'),
      queuedOffline: { from: sh('2025-09-30 10:00'), forwardedAt: sh('2025-09-30 23:30') },
      batchSettledAt: sh('2025-09-30 23:40'),
    });
    const obs = [ob('2025-10-09 10:00', { status: 'A', arrivedAt: '20251009090000' })];
    const out = settlementTimelineOf(
      t,
      obs,
      { mode: 'T1', timeZone: 'Asia/Hong_Kong' },
      cal,
      sh('2025-10-10 00:00'),
    );
    expect(out.timeZone).toBe('Asia/Hong_Kong');
    expect(out.row).toMatchObject({
      stage: 'arrived',
      arrivedAt: iso('2025-10-09 09:00'),
      delayMs: 8 * 24 * HOUR,
    });
    expect('expectedArrival' in out.row).toBe(false);
    expect('lastAskedAt' in out.row).toBe(false);
    expect(out.stages.map((s) => s.stage)).toEqual([
      'authorised',
      'queued-offline',
      'forwarded',
      'batch-settled',
      'cleared',
      'arrived',
    ]);
    expect(out.stages.at(-1)).toEqual({
      stage: 'arrived',
      at: iso('2025-10-09 09:00'),
      source: 'host',
      learntAt: iso('2025-10-09 10:00'),
    });
    // ideal 1 Oct 09:00; offline to 2 Oct 09:00; holiday 2 to 8 Oct (1 Oct is the settlement day)
    expect(out.segments.map((s) => [s.cause, s.from, s.to, s.ms])).toEqual([
      ['terminal-offline', iso('2025-10-01 09:00'), iso('2025-10-02 09:00'), 24 * HOUR],
      ['non-business-day', iso('2025-10-02 09:00'), iso('2025-10-09 09:00'), 7 * 24 * HOUR],
    ]);
    expect(out.segments[0]).toMatchObject({
      outageFrom: iso('2025-09-30 10:00'),
      outageTo: iso('2025-09-30 23:30'),
    });
    expect(out.segments[1]).toMatchObject({
      holiday: { zh: '国庆节、中秋节', en: 'National Day and Mid-Autumn Festival' },
      daysFirst: '2025-10-02',
      daysLast: '2025-10-08',
    });
    expect(out.row.mainCause?.cause).toBe('non-business-day');
    expect(out.observations[0]).toEqual({
      learntAt: iso('2025-10-09 10:00'),
      status: 'A',
      mode: 'T1',
      arrivedAt: '20251009090000',
      delayReason: '00',
    });
  });

  it('still queued offline: the outage has no end', () => {
    const { batchSettledAt: _, ...open } = txn({
      approvalMode: 'offline',
      authorisedAt: sh('2025-03-11 10:00'),
      queuedOffline: { from: sh('2025-03-11 09:00') },
    });
    const t: TrackedTxn = open;
    const out = settlementTimelineOf(t, [], { mode: 'T1' }, cal, sh('2025-03-12 12:00'));
    expect(out.segments[0]).toMatchObject({ cause: 'terminal-offline', outageFrom: iso('2025-03-11 09:00') });
    expect('outageTo' in out.segments[0]).toBe(false);
    // the host does not have it yet: the model's arrival from now, estimated
    expect(out.row.stage).toBe('expected');
  });

  it('beyond the calendar: stage calendar-unknown, no delay, the coverage named', () => {
    const t = txn({ authorisedAt: sh('2026-12-31 10:00'), batchSettledAt: sh('2026-12-31 20:00') });
    const out = settlementTimelineOf(t, [], { mode: 'T1' }, cal, sh('2026-12-31 21:00'));
    expect(out.row.stage).toBe('calendar-unknown');
    expect('delayMs' in out.row || 'mainCause' in out.row || 'expectedArrival' in out.row).toBe(false);
    expect(out.calendarCoverageEnds).toBe('2026-12-31');
    expect(out.calendarFirstUnknown).toBe('2027-01-01');
    expect(out.stages.at(-1)).toEqual({
      stage: 'expected-arrival',
      source: 'estimated',
      calendarUnknown: true,
    });
    expect(out.segments).toEqual([]);
    const none = settlementTimelineOf(t, [], { mode: 'T1' }, new HolidayCalendar(), sh('2026-12-31 21:00'));
    expect(none.calendarFirstUnknown).toBe('2027-01-01');
    expect('calendarCoverageEnds' in none).toBe(false);
  });

  it('an A record without its arrival time is not arrived; a segment without host reason has no such key', () => {
    const obs = [ob('2025-03-12 10:00', { status: 'A', expectedArrival: '20250312150000' })];
    const out = settlementTimelineOf(txn(), obs, { mode: 'T1' }, cal, sh('2025-03-15 10:00'));
    expect(out.row.stage).not.toBe('arrived');
    expect(out.stages.map((s) => s.stage)).not.toContain('arrived');
    expect('hostReason' in out.segments[0] || 'hostStatus' in out.segments[0]).toBe(false);
  });
});

describe('settlementStatusOf', () => {
  it('one row per tracked sale in order: expected, overdue (the expected time kept), arrived', () => {
    const overdue = {
      txn: txn({
        txnId: 2,
        rrn: '000000000002',
        authorisedAt: sh('2025-03-11 10:00'),
        batchSettledAt: sh('2025-03-11 20:00'),
      }),
      observations: [ob('2025-03-11 21:00', { status: 'P', expectedArrival: '20250312090000' })],
    };
    const arrived = {
      txn: txn({
        txnId: 3,
        rrn: '000000000003',
        authorisedAt: sh('2025-03-11 10:00'),
        batchSettledAt: sh('2025-03-11 20:00'),
      }),
      observations: [ob('2025-03-12 10:00', { status: 'A', arrivedAt: '20250312093000' })],
    };
    const none = { txn: txn({ txnId: 4, rrn: '000000000004' }), observations: [] };
    const out = settlementStatusOf(
      [friday, overdue, arrived, none],
      { mode: 'T1' },
      cal,
      sh('2025-03-12 12:00'),
    );
    expect(out.timeZone).toBe('Asia/Shanghai');
    expect(out.asOf).toBe(iso('2025-03-12 12:00'));
    expect(out.rows.map((r) => r.txnId)).toEqual([1, 2, 3, 4]);
    expect(out.rows[1]).toMatchObject({
      stage: 'overdue',
      hostStatus: 'P',
      expectedArrival: iso('2025-03-12 09:00'),
      delayMs: 3 * HOUR,
      mainCause: { cause: 'processing-beyond-norm' },
    });
    expect(out.rows[2]).toMatchObject({
      stage: 'arrived',
      arrivedAt: iso('2025-03-12 09:30'),
      delayMs: 30 * 60_000,
    });
    expect(out.rows[3]).toMatchObject({ stage: 'expected', observations: 0 });
    expect('hostStatus' in out.rows[3]).toBe(false);
  });
});
