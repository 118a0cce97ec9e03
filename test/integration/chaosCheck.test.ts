/** The chaos run's end check finds each kind of disagreement (synthetic journal and ledger). */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/emulator/hostLedger.js';
import type { TxnRecord } from '../../src/journal/types.js';
import { type ChaosCheckInput, checkChaos, type SaleRecord } from './chaosCheck.js';

const B = '000001';

function txn(
  stan: string,
  amountMinor: number,
  state: TxnRecord['state'],
  kind: TxnRecord['kind'] = 'purchase',
): TxnRecord {
  return {
    id: Number(stan),
    kind,
    state,
    approvalMode: kind === 'offline-sale' ? 'offline' : 'online',
    amountMinor,
    currency: '156',
    stan,
    batch: B,
    rrn: state === 'approved' ? `RRN${stan}` : null,
    authCode: null,
    responseCode: null,
    maskedPan: '621234******1232',
    entryMode: null,
    original: null,
    attempts: 1,
    lastResult: null,
    reversal: null,
    voided: false,
    hasCardData: false,
    times: { created: { wallMs: 0, monoMs: 0 } },
  };
}

function entry(stan: string, amount: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    terminalId: '12345678',
    merchantId: '123456789012345',
    kind: 'purchase',
    stan,
    batch: B,
    amount,
    rrn: `RRN${stan}`,
    authCode: '123456',
    responseCode: '00',
    reversed: false,
    voided: false,
    advice: false,
    approvalMode: 'online',
    maskedPan: '621234******1232',
    at: 0,
    ...over,
  };
}

const sale = (n: number, amountMinor: number, outcome: SaleRecord['outcome'], stan?: string): SaleRecord => ({
  n,
  amountMinor,
  mode: outcome === 'approved-offline' ? 'force-offline' : 'prefer-online',
  outcome,
  stan,
  batch: stan ? B : undefined,
  rrn: stan && outcome === 'approved-online' ? `RRN${stan}` : undefined,
});

/**
 * A consistent world: online approval, offline approval, a timeout reversed, a death reversed,
 * a vanished till whose sale was approved, one whose sale was reversed, one that never began,
 * an approval the disk could not record (reversed), a sale refused while the disk was full.
 */
function clean(): ChaosCheckInput {
  return {
    sales: [
      sale(1, 100, 'approved-online', '000001'),
      sale(2, 200, 'approved-offline', '000002'),
      { ...sale(3, 300, 'failed', '000003'), reversalPending: true, code: 'HOST_TIMEOUT' },
      sale(4, 400, 'died'),
      sale(5, 500, 'vanished'),
      sale(6, 600, 'vanished'),
      sale(7, 700, 'vanished'),
      { ...sale(8, 800, 'failed', '000008'), reversalPending: true, code: 'JOURNAL_DISK_FULL' },
      { ...sale(9, 900, 'failed'), code: 'JOURNAL_DISK_FULL' },
    ],
    txns: [
      txn('000001', 100, 'approved'),
      txn('000002', 200, 'approved', 'offline-sale'),
      txn('000003', 300, 'reversed'),
      txn('000004', 400, 'reversed'),
      txn('000005', 500, 'approved'),
      txn('000006', 600, 'reversed'),
      txn('000008', 800, 'reversed'),
    ],
    pendingReversals: 0,
    queuedAdvices: 0,
    ledger: [
      entry('000001', 100),
      entry('000002', 200, { kind: 'advice', advice: true, approvalMode: 'offline' }),
      entry('000003', 300, { reversed: true }),
      entry('000005', 500),
      entry('000006', 600, { reversed: true }),
      entry('000008', 800, { reversed: true }),
    ],
  };
}

describe('chaos end check', () => {
  it('a consistent world passes with its counts', () => {
    expect(checkChaos(clean())).toEqual({
      sales: 9,
      approved_online: 1,
      approved_offline: 1,
      declined: 0,
      failed: 3,
      died: 1,
      vanished: 3,
      reversed: 4,
      lost: 0,
      duplicated: 0,
      orphaned: 0,
      pending: 0,
      failed_codes: { HOST_TIMEOUT: 1, JOURNAL_DISK_FULL: 2 },
      died_then: { reversed: 1 },
      vanished_then: { approved: 1, none: 1, reversed: 1 },
      problems: [],
    });
  });

  it('lost: an approval the host does not hold', () => {
    const w = clean();
    w.ledger = w.ledger.filter((e) => e.stan !== '000002');
    const r = checkChaos(w);
    expect(r.lost).toBe(2); // the till's approval and the journal's
    expect(r.problems.join('\n')).toMatch(/sale #2 .*not charged/);
  });

  it('lost: an approval reversed on the host', () => {
    const w = clean();
    w.ledger[0].reversed = true;
    expect(checkChaos(w).lost).toBeGreaterThanOrEqual(1);
  });

  it('duplicated: a batch/STAN twice, or one sale charged under two STANs', () => {
    const w = clean();
    w.ledger.push(entry('000001', 100));
    expect(checkChaos(w).duplicated).toBeGreaterThanOrEqual(1);
    const v = clean();
    v.ledger.push(entry('000009', 100));
    const r = checkChaos(v);
    expect(r.duplicated).toBe(1);
    expect(r.orphaned).toBe(1); // the second charge is unknown to the journal
  });

  it('orphaned: a timeout the host still holds as approved', () => {
    const w = clean();
    w.ledger[2].reversed = false;
    const r = checkChaos(w);
    expect(r.orphaned).toBe(1);
    expect(r.problems.join('\n')).toMatch(/told failed/);
  });

  it('orphaned: a sale that died on the terminal but stays charged on the host', () => {
    const w = clean();
    w.ledger.push(entry('000004', 400));
    expect(checkChaos(w).orphaned).toBe(1);
  });

  it('vanished: approved in the journal but not charged on the host is lost', () => {
    const w = clean();
    w.ledger = w.ledger.filter((e) => e.stan !== '000005');
    const r = checkChaos(w);
    expect(r.lost).toBe(1);
    expect(r.problems).toContain(
      'sale #5 (500) (vanished) approved in the journal (STAN 000005), not charged',
    );
  });

  it('vanished: reversed in the journal but still charged on the host is orphaned', () => {
    const w = clean();
    w.ledger.find((e) => e.stan === '000006')!.reversed = false;
    const r = checkChaos(w);
    expect(r.orphaned).toBe(1);
    expect(r.problems).toContain(
      'sale #6 (600) (vanished) charged on the host (STAN 000006), not approved in the journal',
    );
  });

  it('vanished: a sale never begun on the terminal yet charged on the host is orphaned', () => {
    const w = clean();
    w.ledger.push(entry('000007', 700));
    const r = checkChaos(w);
    expect(r.orphaned).toBe(1);
    expect(r.problems.join('\n')).toMatch(/sale #7 \(700\) \(vanished\) charged on the host/);
  });

  it('vanished: an online try that never left, then an offline approval, is one sale charged once', () => {
    const w = clean();
    w.sales.push(sale(10, 1000, 'vanished'));
    w.txns.push(txn('000010', 1000, 'aborted'), txn('000011', 1000, 'approved', 'offline-sale'));
    w.ledger.push(entry('000011', 1000, { kind: 'advice', advice: true, approvalMode: 'offline' }));
    const r = checkChaos(w);
    expect(r.problems).toEqual([]);
    expect(r.vanished_then).toEqual({ approved: 2, none: 1, reversed: 1 });
  });

  it('vanished: two approvals in the journal for one sale is a problem', () => {
    const w = clean();
    w.txns.push(txn('000012', 500, 'approved', 'offline-sale'));
    const r = checkChaos(w);
    expect(r.problems).toContain('sale #5 (500) (vanished) approved 2 times in the journal');
    expect(r.lost).toBe(1); // the second approval is not on the host
  });

  it('vanished or died: a transaction left unfinished is a problem', () => {
    const w = clean();
    w.txns.find((t) => t.stan === '000006')!.state = 'sent';
    w.txns.find((t) => t.stan === '000004')!.state = 'reversal-pending';
    const r = checkChaos(w);
    expect(r.problems).toContain('sale #6 (600) (vanished) left STAN 000006 sent');
    expect(r.problems).toContain('sale #4 (400) (died) left STAN 000004 reversal-pending');
    expect(r.vanished_then).toEqual({ approved: 1, none: 1, sent: 1 });
  });

  it('JOURNAL_DISK_FULL: a failed sale the host still holds as approved is orphaned', () => {
    const w = clean();
    w.ledger.find((e) => e.stan === '000008')!.reversed = false;
    const r = checkChaos(w);
    expect(r.orphaned).toBe(1);
    expect(r.problems.join('\n')).toMatch(/sale #8 \(800\) told failed \(JOURNAL_DISK_FULL\)/);
  });

  it('pending: reversals, advices or transactions still open', () => {
    const w = clean();
    w.pendingReversals = 1;
    w.queuedAdvices = 2;
    w.txns.push(txn('000011', 1100, 'sent'));
    const r = checkChaos(w);
    expect(r.pending).toBe(4);
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('a hung runtime is a problem', () => {
    const w = clean();
    w.sales.push({ ...sale(10, 1000, 'hung'), code: 'CONTROL_TIMEOUT' });
    expect(checkChaos(w).problems).toEqual(['sale #10 (1000): hung (CONTROL_TIMEOUT)']);
  });
});
