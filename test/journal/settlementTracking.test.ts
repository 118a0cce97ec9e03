/** Journal migration 5: settlement observations (append only), inquiries, the tracked list. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

function approved(rrn: string, amountMinor = 1000) {
  const t = fx!.journal.begin({
    kind: 'purchase',
    amountMinor,
    card: { pan: PAN_A },
    fields: purchaseFields,
  });
  fx!.journal.markSent(t.id);
  return fx!.journal.recordAnswer(t.id, { responseCode: '00', rrn, authCode: 'A1B2C3' });
}

const record = (rrn: string, status: string) =>
  `${rrn}${status}T1${'20260302090000'}${' '.repeat(14)}${status === 'A' ? '20260302090000' : ' '.repeat(14)}00`;

function obs(rrn: string, status: string, learntAt: number) {
  return {
    rrn,
    learntAt,
    status,
    mode: 'T1',
    expectedArrival: '20260302090000',
    clearedAt: null,
    arrivedAt: status === 'A' ? '20260302090000' : null,
    delayReason: '00',
    record: record(rrn, status),
  };
}

describe('settlement tracking in the journal', () => {
  it('appends observations as history; the tracked list drops arrived and declined sales, and those past the window', () => {
    fx = tempJournal();
    const j = fx.journal;
    const a = approved('000000000001');
    const b = approved('000000000002');
    const declined = j.begin({ kind: 'purchase', amountMinor: 5, fields: purchaseFields });
    j.markSent(declined.id);
    j.recordAnswer(declined.id, { responseCode: '51', rrn: '000000000003' });
    expect(j.trackedSettlements(0).map((t) => t.rrn)).toEqual(['000000000001', '000000000002']);
    const t0 = fx.clock.now();
    const inq = j.settlementInquiryAttempt('000010', [
      { txnId: a.id, rrn: '000000000001' },
      { txnId: b.id, rrn: '000000000002' },
    ]);
    expect(j.trackedSettlements(0).map((t) => t.askedAt)).toEqual([t0, t0]);
    expect(j.settlementInquiriesSince(t0)).toEqual([t0]);
    j.settlementInquiryResult(inq, 'ok', [
      { txnId: a.id, ...obs('000000000001', 'C', t0) },
      { txnId: b.id, ...obs('000000000002', 'P', t0) },
    ]);
    fx.clock.advance(3_600_000);
    const inq2 = j.settlementInquiryAttempt('000011', [{ txnId: a.id, rrn: '000000000001' }]);
    j.settlementInquiryResult(inq2, 'ok', [{ txnId: a.id, ...obs('000000000001', 'A', fx.clock.now()) }]);
    expect(j.settlementObservations(a.id).map((o) => o.status)).toEqual(['C', 'A']);
    expect(j.settlementObservations(a.id)[1]).toMatchObject({ record: record('000000000001', 'A') });
    // arrived: no longer tracked, still listed with includeArrived
    expect(j.trackedSettlements(0).map((t) => t.rrn)).toEqual(['000000000002']);
    expect(j.trackedSettlements(0, true).map((t) => t.latest?.status)).toEqual(['A', 'P']);
    // the window of days
    expect(j.trackedSettlements(fx.clock.now())).toEqual([]);
    // survives a reopen
    fx.reopen();
    expect(fx.journal.settlementObservations(a.id)).toHaveLength(2);
    expect(fx.journal.trackedSettlements(0)[0]).toMatchObject({ txnId: b.id, maskedPan: '621234******1232' });
  });

  it('refuses 0 or more than 8 transactions per inquiry and an unknown inquiry; keeps no PAN', () => {
    fx = tempJournal();
    const a = approved('000000000001');
    expect(codeOf(() => fx!.journal.settlementInquiryAttempt('000001', []))).toBe('JOURNAL_BAD_INPUT');
    const nine = Array.from({ length: 9 }, () => ({ txnId: a.id, rrn: '000000000001' }));
    expect(codeOf(() => fx!.journal.settlementInquiryAttempt('000001', nine))).toBe('JOURNAL_BAD_INPUT');
    expect(codeOf(() => fx!.journal.settlementInquiryResult(99, 'ok'))).toBe('JOURNAL_NOT_FOUND');
    const id = fx.journal.settlementInquiryAttempt('000002', [{ txnId: a.id, rrn: '000000000001' }]);
    fx.journal.settlementInquiryResult(id, 'ok', [{ txnId: a.id, ...obs('000000000001', 'P', 1) }]);
    fx.journal.purge();
    fx.journal.close();
    const bytes = readFileSync(fx.path).toString('latin1');
    expect(bytes).not.toContain(PAN_A);
    fx.reopen();
  });
});
