import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import type { Journal, TxnRecord } from '../../src/journal/index.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

const FINAL = new Set(['approved', 'declined', 'aborted', 'reversed', 'no-answer']);

type Cmd =
  | { op: 'begin'; kind: 'purchase' | 'void' | 'refund' | 'inquiry' }
  | { op: 'advice' }
  | { op: 'act'; target: number; action: number; code: string | null };

const codes = fc.constantFrom('00', '05', '25', '94', '96', null);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    op: fc.constant('begin' as const),
    kind: fc.constantFrom('purchase', 'void', 'refund', 'inquiry'),
  }),
  fc.record({ op: fc.constant('advice' as const) }),
  fc.record({ op: fc.constant('act' as const), target: fc.nat(12), action: fc.nat(10), code: codes }),
);

function act(j: Journal, id: number, action: number, code: string | null): unknown {
  switch (action) {
    case 0:
      return j.markSent(id);
    case 1:
      return j.abort(id);
    case 2:
      return j.recordAnswer(id, { responseCode: code ?? '00' });
    case 3:
      return j.recordNoAnswer(id, code === null ? '98' : 'A0');
    case 4:
      return j.recordTerminalAbort(id);
    case 5:
      return j.reversalAttempt(id);
    case 6:
      return j.reversalResult(id, code);
    case 7:
      return j.adviceAttempt(id);
    case 8:
      return j.adviceResult(id, code === null ? null : { responseCode: code });
    case 9:
      return j.recoverAfterCrash();
    default:
      return j.purge();
  }
}

function checkInvariants(j: Journal) {
  const all: TxnRecord[] = j.listTransactions({ limit: 1000 });
  for (const t of all) {
    if (FINAL.has(t.state)) expect(t.hasCardData, `${t.state} keeps card data`).toBe(false);
    if (t.state === 'reversal-pending') expect(t.reversal?.reason).toMatch(/^(06|98|A0)$/);
    if (t.state === 'approved' || t.state === 'declined') expect(t.reversal).toBeNull();
  }
  expect(new Set(all.map((t) => t.stan)).size).toBe(all.length);
  const pending = new Set(all.filter((t) => t.state === 'reversal-pending').map((t) => t.id));
  for (const p of j.pendingReversals()) expect(pending.has(p.txn.id)).toBe(true);
  for (const a of j.listQueue()) {
    if (a.state === 'done' || a.state === 'refused') expect(a.hasCardData).toBe(false);
    else expect(a.hasCardData).toBe(true);
  }
  const next = j.nextToForward();
  if (j.pendingReversals().length > 0) expect(next?.type).toBe('reversal');
}

describe('state machine under random command sequences', () => {
  it('only coded errors, and the invariants hold after every step', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 1, maxLength: 25 }), (cmds) => {
        const fx = tempJournal();
        try {
          for (const c of cmds) {
            try {
              if (c.op === 'begin') {
                fx.journal.begin({
                  kind: c.kind,
                  amountMinor: 100,
                  card: { pan: PAN_A },
                  fields: purchaseFields,
                });
              } else if (c.op === 'advice') {
                fx.journal.enqueueAdvice({
                  amountMinor: 50,
                  authCode: 'OFF1',
                  card: { pan: PAN_A },
                  fields: {},
                });
              } else {
                act(fx.journal, c.target + 1, c.action, c.code);
              }
            } catch (e) {
              expect(isPosError(e) && e.code.startsWith('JOURNAL_'), String(e)).toBe(true);
            }
            checkInvariants(fx.journal);
          }
        } finally {
          fx.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
