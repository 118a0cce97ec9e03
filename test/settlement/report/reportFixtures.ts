/**
 * A settlement week on one T1 terminal with a sale for every delay cause (and on time, in
 * transit, overdue, held, failed, unknown to the host), as the journal would hand them to the
 * report builder. Host times are Asia/Shanghai (UTC+8). One sale carries a whole PAN where the
 * journal keeps a masked one, to prove every output masks it anyway.
 */
import type { SettlementObservationRecord, TrackedTxn } from '../../../src/journal/types.js';
import { bundledCalendar } from '../../../src/settlement/calendar/HolidayCalendar.js';
import type { ReportInput, ReportTxnInput } from '../../../src/settlement/report/buildSettlementReport.js';

/** '2026-03-02 10:00' host time -> ms. */
export const at = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
/** '2026-03-02 10:00' -> '20260302100000' (a host record's own time). */
const host = (s: string) => `${s.replace(/[- :]/g, '')}00`;

/** A whole test PAN that must never appear in an output. */
export const FULL_PAN = '6212345678901234';
export const TERMINAL_ID = '12345678';
export const MERCHANT_ID = '898310000000001';

let nextId = 1;

interface SaleSpec {
  at: string;
  amount: number;
  batch: string;
  settled?: string;
  offline?: { forwarded?: string };
  pan?: string;
  obs?: {
    learnt: string;
    status: string;
    reason?: string;
    expected?: string;
    arrived?: string;
    mode?: string;
  }[];
}

function sale(spec: SaleSpec): ReportTxnInput {
  const txnId = nextId++;
  const rrn = String(900000000000 + txnId);
  const txn: TrackedTxn = {
    txnId,
    rrn,
    kind: spec.offline ? 'offline-sale' : 'purchase',
    approvalMode: spec.offline ? 'offline' : 'online',
    amountMinor: spec.amount,
    maskedPan: spec.pan ?? `621234******${String(txnId).padStart(4, '0')}`,
    batch: spec.batch,
    authorisedAt: at(spec.at),
  };
  if (spec.offline)
    txn.queuedOffline = {
      from: at(spec.at),
      ...(spec.offline.forwarded ? { forwardedAt: at(spec.offline.forwarded) } : {}),
    };
  if (spec.settled) txn.batchSettledAt = at(spec.settled);
  const observations: SettlementObservationRecord[] = (spec.obs ?? []).map((o, i) => ({
    id: txnId * 10 + i,
    txnId,
    rrn,
    learntAt: at(o.learnt),
    status: o.status,
    mode: o.mode ?? 'T1',
    expectedArrival: o.expected ? host(o.expected) : null,
    clearedAt: null,
    arrivedAt: o.arrived ? host(o.arrived) : null,
    delayReason: o.reason ?? '00',
    record: '-'.repeat(59),
  }));
  return { txn, observations };
}

const A = (t: string, reason = '00') => ({ learnt: t, status: 'A', reason, arrived: t });

/** Every case, keyed by what it shows. */
export function weekSales() {
  nextId = 1;
  return {
    onTime: sale({
      at: '2026-03-02 10:00',
      amount: 12_34,
      batch: '000001',
      settled: '2026-03-02 20:00',
      obs: [A('2026-03-03 09:00')],
      pan: FULL_PAN,
    }),
    afterCutOff: sale({
      at: '2026-03-02 23:30',
      amount: 200_00,
      batch: '000002',
      settled: '2026-03-02 23:40',
      obs: [A('2026-03-04 09:00', '01')],
    }),
    offline: sale({
      at: '2026-03-03 10:00',
      amount: 45_00,
      batch: '000003',
      settled: '2026-03-04 02:00',
      offline: { forwarded: '2026-03-04 01:00' },
      obs: [A('2026-03-05 09:00', '09')],
    }),
    batchLate: sale({
      at: '2026-03-03 11:00',
      amount: 88_80,
      batch: '000003',
      settled: '2026-03-04 00:30',
      obs: [A('2026-03-05 09:00', '09')],
    }),
    weekend: sale({
      at: '2026-03-06 10:00',
      amount: 1_000_00,
      batch: '000004',
      settled: '2026-03-06 20:00',
      obs: [A('2026-03-09 09:00', '02')],
    }),
    d0Limit: sale({
      at: '2026-03-02 11:00',
      amount: 50_000_00,
      batch: '000001',
      settled: '2026-03-02 20:00',
      obs: [
        { learnt: '2026-03-02 23:30', status: 'C', reason: '03', expected: '2026-03-04 09:00' },
        A('2026-03-04 09:00', '03'),
      ],
    }),
    account: sale({
      at: '2026-03-02 12:00',
      amount: 300_00,
      batch: '000001',
      settled: '2026-03-02 20:00',
      obs: [
        { learnt: '2026-03-02 23:30', status: 'C', reason: '04', expected: '2026-03-04 09:00' },
        A('2026-03-04 09:00', '04'),
      ],
    }),
    maintenance: sale({
      at: '2026-03-02 13:00',
      amount: 66_66,
      batch: '000001',
      settled: '2026-03-02 20:00',
      obs: [
        { learnt: '2026-03-03 08:00', status: 'C', reason: '06', expected: '2026-03-03 15:00' },
        A('2026-03-03 15:00', '06'),
      ],
    }),
    slow: sale({
      at: '2026-03-02 14:00',
      amount: 9_99,
      batch: '000001',
      settled: '2026-03-02 20:00',
      obs: [A('2026-03-03 13:00')],
    }),
    held: sale({
      at: '2026-03-09 10:00',
      amount: 60_000_00,
      batch: '000005',
      settled: '2026-03-09 20:00',
      obs: [{ learnt: '2026-03-09 23:30', status: 'H', reason: '05' }],
    }),
    failed: sale({
      at: '2026-03-09 11:00',
      amount: 520_00,
      batch: '000005',
      settled: '2026-03-09 20:00',
      obs: [{ learnt: '2026-03-10 09:30', status: 'F', reason: '07' }],
    }),
    unknown: sale({
      at: '2026-03-10 10:00',
      amount: 77_00,
      batch: '000006',
      settled: '2026-03-10 20:00',
      obs: [{ learnt: '2026-03-10 12:00', status: 'X' }],
    }),
    delaySwitch: sale({
      at: '2026-03-10 11:00',
      amount: 150_00,
      batch: '000006',
      settled: '2026-03-10 20:00',
      obs: [{ learnt: '2026-03-10 23:30', status: 'C', reason: '08', expected: '2026-03-12 09:00' }],
    }),
    estimated: sale({ at: '2026-03-11 09:00', amount: 35_50, batch: '000007' }),
    overdue: sale({
      at: '2026-03-09 15:00',
      amount: 18_00,
      batch: '000005',
      settled: '2026-03-09 20:00',
      obs: [{ learnt: '2026-03-09 23:30', status: 'C', expected: '2026-03-10 09:00' }],
    }),
  };
}

export const AS_OF = at('2026-03-11 12:00');

export function reportInput(txns: readonly ReportTxnInput[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    asOf: AS_OF,
    terminalId: TERMINAL_ID,
    merchantId: MERCHANT_ID,
    calendarVersion: '2025-11-04',
    contract: { mode: 'T1' },
    calendar: bundledCalendar(),
    txns,
    ...extra,
  };
}

export function weekInput(extra: Partial<ReportInput> = {}): ReportInput {
  return reportInput(Object.values(weekSales()), extra);
}

/** A sale past the calendar's last year: its arrival cannot be dated (no delay, an undated stage). */
export function beyondInput(): ReportInput {
  return reportInput(
    [
      {
        observations: [],
        txn: {
          ...weekSales().estimated.txn,
          authorisedAt: Date.parse('2026-12-31T10:00:00+08:00'),
          batchSettledAt: Date.parse('2026-12-31T20:00:00+08:00'),
        },
      },
    ],
    { asOf: Date.parse('2027-01-01T12:00:00+08:00') },
  );
}
