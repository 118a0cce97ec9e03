import { describe, expect, it } from 'vitest';
import { HostLedger, type LedgerEntry } from '../../src/emulator/hostLedger.js';
import { decideByAmount, hostTimestamp } from '../../src/emulator/hostRules.js';
import { formatStatusRecord } from '../../src/emulator/hostStatusRecord.js';
import { SettlementEngine } from '../../src/emulator/SettlementEngine.js';

// 2026-01-07 is a Wednesday. Shanghai is UTC+8.
const WED_1000_SH = Date.UTC(2026, 0, 7, 2, 0, 0);
const THU_0900_SH = Date.UTC(2026, 0, 8, 1, 0, 0);
const FRI_2300_SH = Date.UTC(2026, 0, 9, 15, 0, 0);
const MON_0900_SH = Date.UTC(2026, 0, 12, 1, 0, 0);
const WED_2300_SH = Date.UTC(2026, 0, 7, 15, 0, 0);

function entry(over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    terminalId: 'T1',
    merchantId: 'M',
    kind: 'purchase',
    stan: '000001',
    batch: '000001',
    amount: 100,
    rrn: '100000000001',
    authCode: '123456',
    responseCode: '00',
    reversed: false,
    voided: false,
    advice: false,
    approvalMode: 'online',
    maskedPan: '625809*********0123',
    at: WED_1000_SH,
    ...over,
  };
}

describe('decisions by amount', () => {
  it.each([
    ['000000001051', '51'],
    ['000000000105', '05'],
    ['000000000154', '54'],
    ['000000000155', '55'],
    ['000000000161', '61'],
    ['000000000196', '96'],
    ['000000000113', '13'],
    ['000000000100', '00'],
    ['000000012345', '00'],
    ['000000000150', '00'],
  ])('%s -> %s', (amount, code) => {
    expect(decideByAmount(amount)).toBe(code);
  });
});

describe('host time', () => {
  it('formats in Asia/Shanghai', () => {
    expect(hostTimestamp(Date.UTC(2026, 0, 7, 16, 30, 5))).toBe('20260108003005');
  });
});

describe('settlement status rule (default engine: T1, cut-off 23:00)', () => {
  it('unknown, declined, reversed or voided -> X', () => {
    const ledger = new HostLedger();
    const engine = new SettlementEngine({ ledger });
    expect(engine.status('999999999999', WED_1000_SH).status).toBe('X');
    const overs = [
      { responseCode: '51' },
      { reversed: true },
      { voided: true },
      { kind: 'inquiry' as const },
    ];
    overs.forEach((over, i) => {
      const rrn = `10000000010${i}`;
      ledger.add(entry({ ...over, rrn, stan: `00010${i}` }));
      expect(engine.status(rrn, WED_1000_SH)).toEqual({ rrn, status: 'X', mode: 'T1', delayReason: '00' });
    });
  });

  it('P until the clearing run at the cut-off after settlement, C after it, A from the next business day 09:00', () => {
    const ledger = new HostLedger();
    const engine = new SettlementEngine({ ledger });
    const e = ledger.add(entry());
    expect(engine.status(e.rrn, WED_1000_SH)).toMatchObject({
      status: 'P',
      mode: 'T1',
      expectedArrival: THU_0900_SH,
      delayReason: '00',
    });
    const settledAt = WED_1000_SH + 3600_000;
    ledger.markSettled('T1', '000001', settledAt);
    expect(engine.status(e.rrn, settledAt + 1)).toMatchObject({ status: 'P', expectedArrival: THU_0900_SH });
    expect(engine.status(e.rrn, settledAt + 1).clearedAt).toBeUndefined();
    expect(engine.status(e.rrn, WED_2300_SH)).toMatchObject({
      status: 'C',
      clearedAt: WED_2300_SH,
      expectedArrival: THU_0900_SH,
    });
    const a = engine.status(e.rrn, THU_0900_SH);
    expect(a).toMatchObject({ status: 'A', arrivedAt: THU_0900_SH, delayReason: '00' });
    const rec = formatStatusRecord(a);
    expect(rec).toHaveLength(59);
    // RRN, status, mode, expected, cleared, arrived, reason
    expect(rec).toBe(
      '100000000001' + 'A' + 'T1' + '20260108090000' + '20260107230000' + '20260108090000' + '00',
    );
  });

  it('a batch settled late gives reason 09; an advice forwarded late too', () => {
    const ledger = new HostLedger();
    const engine = new SettlementEngine({ ledger });
    const e = ledger.add(entry());
    // Settled Friday 23:00, at the cut-off: Saturday's clearing run, paid Monday.
    ledger.markSettled('T1', '000001', FRI_2300_SH);
    expect(engine.status(e.rrn, FRI_2300_SH)).toMatchObject({
      status: 'P',
      expectedArrival: MON_0900_SH,
      delayReason: '09',
    });
    // An offline sale of Tuesday 10:00 the host got on Wednesday 10:00.
    const adv = ledger.add(
      entry({
        rrn: '100000000002',
        stan: '000002',
        batch: '000002',
        advice: true,
        kind: 'advice',
        at: WED_1000_SH - 86_400_000,
        receivedAt: WED_1000_SH,
      }),
    );
    const p = engine.status(adv.rrn, WED_1000_SH);
    expect(p).toMatchObject({ status: 'P', delayReason: '09' });
    const rec = formatStatusRecord(p);
    expect(rec.slice(29, 57)).toBe(' '.repeat(28));
    expect(rec.slice(57)).toBe('09');
  });
});

describe('ledger totals', () => {
  it('sales and advices debit, refunds credit; reversed, voided and declined do not count', () => {
    const l = new HostLedger();
    l.add(entry({ rrn: 'a', amount: 100 }));
    l.add(entry({ rrn: 'b', amount: 200, kind: 'advice', advice: true }));
    l.add(entry({ rrn: 'c', amount: 50, kind: 'refund' }));
    l.add(entry({ rrn: 'd', amount: 1000, reversed: true }));
    l.add(entry({ rrn: 'e', amount: 1000, voided: true }));
    l.add(entry({ rrn: 'f', amount: 1005, responseCode: '05' }));
    l.add(entry({ rrn: 'g', amount: 7, batch: '000002' }));
    l.add(entry({ rrn: 'h', amount: 100, kind: 'void' }));
    expect(l.totals('T1', '000001')).toEqual({
      debitAmount: 300,
      debitCount: 2,
      creditAmount: 50,
      creditCount: 1,
    });
  });
});
