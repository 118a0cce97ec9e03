/**
 * Model-based test of the journal's transaction and advice state machines (fast-check
 * commands): actions drawn on rows that exist, each step, allowed or refused, checked against
 * the one transition table (transitionTable.ts, shown in docs/journal.md). Public methods only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import type { Journal } from '../../src/journal/index.js';
import type { AdviceState, TxnState } from '../../src/journal/types.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';
import {
  ADVICE_TRANSITIONS,
  type AdviceCall,
  type ModelAdvice,
  type ModelTxn,
  TXN_TRANSITIONS,
  type TxnCall,
} from './transitionTable.js';

interface Model {
  txns: ModelTxn[];
  advices: ModelAdvice[];
}
interface Real {
  journal: Journal;
}

/** What the runs reached, asserted after them. */
const seen = {
  txnStates: new Set<TxnState>(),
  adviceStates: new Set<AdviceState>(),
  txnRows: new Set<number>(),
  adviceRows: new Set<number>(),
  allowed: 0,
  refused: 0,
  /** per state: in how many runs it was reached */
  runsReaching: new Map<string, number>(),
};
let runStates = new Set<string>();

const ROW_ACTIONS: TxnCall[] = [
  'markSent',
  'abort',
  'recordAnswer',
  'recordNoAnswer',
  'recordTerminalAbort',
  'reversalAttempt',
  'reversalResult',
  'reversalNotSent',
];
const ADVICE_ACTIONS: AdviceCall[] = ['adviceAttempt', 'adviceNotSent', 'adviceResult'];

function callTxn(j: Journal, action: TxnCall, id: number, code: string | null): unknown {
  switch (action) {
    case 'markSent':
      return j.markSent(id);
    case 'abort':
      return j.abort(id);
    case 'recordAnswer':
      return j.recordAnswer(id, { responseCode: code ?? '00' });
    case 'recordNoAnswer':
      return j.recordNoAnswer(id, code === null ? '98' : 'A0');
    case 'recordTerminalAbort':
      return j.recordTerminalAbort(id, code === null ? undefined : { responseCode: code });
    case 'reversalAttempt':
      return j.reversalAttempt(id);
    case 'reversalResult':
      return j.reversalResult(id, code);
    case 'reversalNotSent':
      return j.reversalNotSent(id, 'HOST_TLS_FAILED');
    default:
      throw new Error(`not a row action: ${action}`);
  }
}

/** The argument a call gets from the drawn code, as the table sees it. */
function tableCode(action: TxnCall, code: string | null): string | null {
  if (action === 'recordAnswer') return code ?? '00';
  if (action === 'recordNoAnswer') return code === null ? '98' : 'A0';
  return code;
}

function matches<T extends { action: string; when: (x: never, c: string | null) => boolean }>(
  table: readonly T[],
  action: string,
  row: unknown,
  code: string | null,
): number[] {
  const out: number[] = [];
  table.forEach((t, i) => {
    if (t.action === action && (t.when as (x: unknown, c: string | null) => boolean)(row, code)) out.push(i);
  });
  expect(out.length, `table rows for ${action} overlap`).toBeLessThanOrEqual(1);
  return out;
}

function expectRefused(run: () => unknown, snapshot: () => unknown): void {
  const before = JSON.stringify(snapshot());
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(isPosError(error, 'JOURNAL_ILLEGAL_TRANSITION'), String(error)).toBe(true);
  expect(JSON.stringify(snapshot())).toBe(before);
  seen.refused++;
}

/** Every row of the model against the journal. */
function compare(m: Model, j: Journal): void {
  for (const t of m.txns) {
    const r = j.get(t.id)!;
    expect(r.state, `txn ${t.id}`).toBe(t.state);
    seen.txnStates.add(t.state);
    runStates.add(t.state);
    if (t.state === 'reversal-pending') {
      expect(r.reversal).toMatchObject({ reason: t.reason, attempts: t.reversalAttempts });
      expect(r.hasCardData).toBe(true);
    }
    if (['approved', 'declined', 'aborted', 'reversed', 'no-answer', 'refused'].includes(t.state)) {
      expect(r.hasCardData, `${t.state} keeps card data`).toBe(false);
    }
  }
  for (const a of m.advices) {
    const r = j.getAdvice(a.id)!;
    expect(r.state, `advice ${a.id}`).toBe(a.state);
    expect(r.hasCardData).toBe(a.state === 'pending' || a.state === 'sent');
    seen.adviceStates.add(a.state);
    runStates.add(`advice ${a.state}`);
  }
  const armed = m.txns.filter((t) => t.state === 'reversal-pending' && !t.neverSent).map((t) => t.id);
  expect(j.pendingReversals().map((p) => p.txn.id)).toEqual(armed);
  // the counts status and queue events read, against the model (not against the lists)
  const advices = (s: string) => m.advices.filter((a) => a.state === s).length;
  expect(j.owedCounts()).toEqual({
    reversals: armed.length,
    advicesPending: advices('pending'),
    advicesSent: advices('sent'),
  });
}

class BeginCmd implements fc.Command<Model, Real> {
  constructor(readonly kind: 'purchase' | 'void' | 'refund' | 'inquiry') {}
  check = () => true;
  run(m: Model, r: Real): void {
    const rec = r.journal.begin({
      kind: this.kind,
      amountMinor: 100,
      card: { pan: PAN_A },
      fields: purchaseFields,
    });
    const t: ModelTxn = {
      id: rec.id,
      kind: this.kind,
      state: 'pending',
      neverSent: true,
      reason: null,
      reversalAttempts: 0,
    };
    const [row] = matches(TXN_TRANSITIONS, 'begin', t, null);
    TXN_TRANSITIONS[row].apply(t, null);
    seen.txnRows.add(row);
    seen.allowed++;
    m.txns.push(t);
    compare(m, r.journal);
  }
  toString = () => `begin(${this.kind})`;
}

class EnqueueAdviceCmd implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    const { txn, advice } = r.journal.enqueueAdvice({
      amountMinor: 50,
      authCode: 'Y00001',
      card: { pan: PAN_A },
      fields: {},
    });
    const t: ModelTxn = {
      id: txn.id,
      kind: 'offline-sale',
      state: 'pending',
      neverSent: false,
      reason: null,
      reversalAttempts: 0,
    };
    const [row] = matches(TXN_TRANSITIONS, 'enqueueAdvice', t, null);
    TXN_TRANSITIONS[row].apply(t, null);
    seen.txnRows.add(row);
    seen.allowed++;
    m.txns.push(t);
    m.advices.push({ id: advice.id, txnId: txn.id, state: 'pending' });
    compare(m, r.journal);
  }
  toString = () => 'enqueueAdvice';
}

/** The row `pick` places from the newest. */
const pickOf = <T>(rows: T[], pick: number): T => rows[rows.length - 1 - (pick % rows.length)];

class TxnActCmd implements fc.Command<Model, Real> {
  private done = '';
  constructor(
    readonly action: number,
    readonly steer: boolean,
    readonly pick: number,
    readonly code: string | null,
  ) {}
  check = (m: Readonly<Model>) => m.txns.length > 0;
  run(m: Model, r: Real): void {
    // steered: a row the table still allows a call on, and one of those calls; else any row, any call
    const allowedOn = (x: ModelTxn) =>
      ROW_ACTIONS.filter((a) => matches(TXN_TRANSITIONS, a, x, tableCode(a, this.code)).length > 0);
    const open = this.steer ? m.txns.filter((x) => allowedOn(x).length > 0) : [];
    const t = pickOf(open.length > 0 ? open : m.txns, this.pick);
    const allowed = allowedOn(t);
    const list = this.steer && allowed.length > 0 ? allowed : ROW_ACTIONS;
    const action = list[this.action % list.length];
    const code = tableCode(action, this.code);
    this.done = `${action}(${t.id}, ${code})`;
    const [row] = matches(TXN_TRANSITIONS, action, t, code);
    if (row === undefined) {
      expectRefused(
        () => callTxn(r.journal, action, t.id, this.code),
        () => r.journal.get(t.id),
      );
    } else {
      callTxn(r.journal, action, t.id, this.code);
      TXN_TRANSITIONS[row].apply(t, code);
      seen.txnRows.add(row);
      seen.allowed++;
    }
    compare(m, r.journal);
  }
  toString = () => this.done || `txn action ${this.action}`;
}

class AdviceActCmd implements fc.Command<Model, Real> {
  private done = '';
  constructor(
    readonly action: number,
    readonly steer: boolean,
    readonly pick: number,
    readonly code: string | null,
  ) {}
  check = (m: Readonly<Model>) => m.advices.length > 0;
  run(m: Model, r: Real): void {
    const allowedOn = (x: ModelAdvice) =>
      ADVICE_ACTIONS.filter((c) => matches(ADVICE_TRANSITIONS, c, x, this.code).length > 0);
    const open = this.steer ? m.advices.filter((x) => allowedOn(x).length > 0) : [];
    const a = pickOf(open.length > 0 ? open : m.advices, this.pick);
    const allowed = allowedOn(a);
    const list = this.steer && allowed.length > 0 ? allowed : ADVICE_ACTIONS;
    const action = list[this.action % list.length];
    this.done = `${action}(${a.id}, ${this.code})`;
    const j = r.journal;
    const call = () =>
      action === 'adviceAttempt'
        ? j.adviceAttempt(a.id)
        : action === 'adviceNotSent'
          ? j.adviceNotSent(a.id, 'HOST_UNREACHABLE')
          : j.adviceResult(a.id, this.code === null ? null : { responseCode: this.code });
    const [row] = matches(ADVICE_TRANSITIONS, action, a, this.code);
    if (row === undefined) {
      expectRefused(call, () => [j.getAdvice(a.id), j.get(a.txnId)]);
    } else {
      call();
      a.state = ADVICE_TRANSITIONS[row].next(a, this.code);
      seen.adviceRows.add(row);
      seen.allowed++;
      if (action === 'adviceResult' && this.code !== null) {
        const t = m.txns.find((x) => x.id === a.txnId)!;
        const [txnRow] = matches(TXN_TRANSITIONS, 'adviceAnswered', t, this.code);
        expect(txnRow, 'an answered advice moves its transaction').toBeDefined();
        TXN_TRANSITIONS[txnRow].apply(t, this.code);
        seen.txnRows.add(txnRow);
      }
    }
    compare(m, r.journal);
  }
  toString = () => this.done || `advice action ${this.action}`;
}

class RecoverCmd implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    r.journal.recoverAfterCrash();
    for (const t of m.txns) {
      const [row] = matches(TXN_TRANSITIONS, 'recoverAfterCrash', t, null);
      if (row === undefined) continue;
      TXN_TRANSITIONS[row].apply(t, null);
      seen.txnRows.add(row);
    }
    for (const a of m.advices) {
      const [row] = matches(ADVICE_TRANSITIONS, 'recoverAfterCrash', a, null);
      if (row === undefined) continue;
      a.state = ADVICE_TRANSITIONS[row].next(a, null);
      seen.adviceRows.add(row);
    }
    seen.allowed++;
    compare(m, r.journal);
  }
  toString = () => 'recoverAfterCrash';
}

const code = fc.oneof(
  { arbitrary: fc.constant('00'), weight: 3 },
  { arbitrary: fc.constantFrom('05', '25', '94', '96', null), weight: 5 },
);
// mostly the newest row, so a row goes through its life; sometimes an older one
const pick = fc.oneof(
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.nat(2), weight: 2 },
  { arbitrary: fc.nat(), weight: 1 },
);
const steer = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
);
const act = fc.tuple(fc.nat(), steer, pick, code);
const commands = [
  fc.constantFrom('purchase', 'void', 'refund', 'inquiry').map((k) => new BeginCmd(k)),
  fc.constant(new EnqueueAdviceCmd()),
  ...[1, 2, 3, 4, 5].map(() => act.map(([a, s, p, c]) => new TxnActCmd(a, s, p, c))),
  ...[1, 2, 3].map(() => act.map(([a, s, p, c]) => new AdviceActCmd(a, s, p, c))),
  fc.constant(new RecoverCmd()),
];

const RUNS = 150;

describe('journal state machines against the transition table (model-based)', () => {
  it(`${RUNS} runs of up to 40 steps: every step allowed or refused as the table says`, () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40, size: 'max' }), (cmds) => {
        const fx = tempJournal();
        runStates = new Set();
        try {
          fc.modelRun(() => ({ model: { txns: [], advices: [] }, real: { journal: fx.journal } }), cmds);
        } finally {
          fx.cleanup();
          for (const st of runStates) seen.runsReaching.set(st, (seen.runsReaching.get(st) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS },
    );
    if (process.env.MODEL_STATS)
      console.log(
        JSON.stringify({
          ...seen,
          runsReaching: Object.fromEntries(seen.runsReaching),
          txnStates: undefined,
          adviceStates: undefined,
          txnRows: undefined,
          adviceRows: undefined,
        }),
      );
    // the runs reached every state and used every row of the table, and refused steps too
    const allTxnStates: TxnState[] = [
      'pending',
      'reversal-pending',
      'sent',
      'approved',
      'declined',
      'no-answer',
      'aborted',
      'reversed',
      'offline-approved',
      'refused',
    ];
    expect([...seen.txnStates].sort()).toEqual([...allTxnStates].sort());
    expect([...seen.adviceStates].sort()).toEqual(['done', 'pending', 'refused', 'sent']);
    expect([...seen.txnRows].sort((a, b) => a - b)).toEqual(TXN_TRANSITIONS.map((_, i) => i));
    expect([...seen.adviceRows].sort((a, b) => a - b)).toEqual(ADVICE_TRANSITIONS.map((_, i) => i));
    expect(seen.allowed).toBeGreaterThan(1000);
    expect(seen.refused).toBeGreaterThan(200);
    // not by the luck of one run: every state reached in at least 3 runs (typically 10 to 90)
    for (const st of [...allTxnStates, 'advice done', 'advice refused']) {
      expect(seen.runsReaching.get(st) ?? 0, `runs reaching ${st}`).toBeGreaterThanOrEqual(3);
    }
  });
});
