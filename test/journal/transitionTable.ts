/**
 * The journal's state machines as one table: the rows docs/journal.md shows (text columns, kept
 * equal to the doc by transitionTable.test.ts) and what each row means for the model
 * (`when`: the row applies; `apply`: the model after it). stateMachine.model.test.ts checks
 * every step of the real journal against it: a step no row allows must be refused.
 */
import type { AdviceState, ReversalReason, TxnState } from '../../src/journal/types.js';

export type ModelKind = 'purchase' | 'void' | 'refund' | 'inquiry' | 'offline-sale';

export interface ModelTxn {
  id: number;
  kind: ModelKind;
  state: TxnState;
  /** can_send: begun, its bytes never went out (markSent or abort still allowed) */
  neverSent: boolean;
  reason: ReversalReason | null;
  reversalAttempts: number;
}

export interface ModelAdvice {
  id: number;
  txnId: number;
  state: AdviceState;
}

/** A call on a transaction row; `code` is a response code (null: no answer) or a reason. */
export type TxnCall =
  | 'begin'
  | 'markSent'
  | 'abort'
  | 'recordAnswer'
  | 'recordNoAnswer'
  | 'recordTerminalAbort'
  | 'reversalAttempt'
  | 'reversalResult'
  | 'reversalNotSent'
  | 'enqueueAdvice'
  | 'adviceAnswered'
  | 'recoverAfterCrash';

export interface TxnTransition {
  /** the doc's columns */
  from: string;
  call: string;
  to: string;
  notes: string;
  action: TxnCall;
  when: (t: ModelTxn, code: string | null) => boolean;
  apply: (t: ModelTxn, code: string | null) => void;
}

const REVERSIBLE = new Set<ModelKind>(['purchase', 'void']);
const reversible = (t: ModelTxn) => REVERSIBLE.has(t.kind);
const to =
  (state: TxnState, extra: Partial<ModelTxn> = {}) =>
  (t: ModelTxn) => {
    Object.assign(t, { state, ...extra });
  };
const same = () => {};
const unsent = (t: ModelTxn) => t.neverSent && (t.state === 'pending' || t.state === 'reversal-pending');
const armedReversal = (t: ModelTxn) => t.state === 'reversal-pending' && !t.neverSent;

export const TXN_TRANSITIONS: TxnTransition[] = [
  {
    from: '—',
    call: '`begin` (purchase, void)',
    to: '`reversal-pending`, reason 06',
    notes: 'committed before the bytes go out; not listed in `pendingReversals()` until sent or recovered',
    action: 'begin',
    when: (t) => reversible(t) && t.state === 'pending',
    apply: to('reversal-pending', { reason: '06', neverSent: true }),
  },
  {
    from: '—',
    call: '`begin` (refund, inquiry)',
    to: '`pending`',
    notes: '',
    action: 'begin',
    when: (t) => (t.kind === 'refund' || t.kind === 'inquiry') && t.state === 'pending',
    apply: to('pending', { neverSent: true }),
  },
  {
    from: '`pending` / `reversal-pending` (never sent)',
    call: '`markSent`',
    to: '`sent`',
    notes: 'once, when the bytes go out; attempts + 1, `sent` time',
    action: 'markSent',
    when: unsent,
    apply: to('sent', { neverSent: false }),
  },
  {
    from: '`pending` / `reversal-pending` (never sent)',
    call: '`abort`',
    to: '`aborted`',
    notes: 'bytes never left (connection failed)',
    action: 'abort',
    when: unsent,
    apply: to('aborted', { neverSent: false, reason: null }),
  },
  {
    from: '`sent`',
    call: '`recordAnswer` 00',
    to: '`approved`',
    notes: 'no reversal needed; card data dropped',
    action: 'recordAnswer',
    when: (t, code) => t.state === 'sent' && code === '00',
    apply: to('approved', { reason: null }),
  },
  {
    from: '`sent`',
    call: '`recordAnswer` other',
    to: '`declined`',
    notes: 'no reversal needed; card data dropped',
    action: 'recordAnswer',
    when: (t, code) => t.state === 'sent' && code !== '00',
    apply: to('declined', { reason: null }),
  },
  {
    from: '`sent` (reversible)',
    call: "`recordNoAnswer('98' \\| 'A0')`",
    to: '`reversal-pending`, reason 98 / A0',
    notes: '',
    action: 'recordNoAnswer',
    when: (t) => t.state === 'sent' && reversible(t),
    apply: (t, code) => to('reversal-pending', { reason: code as ReversalReason })(t),
  },
  {
    from: '`sent` (non-reversible)',
    call: '`recordNoAnswer`',
    to: '`no-answer`',
    notes: 'outcome unknown, nothing to reverse',
    action: 'recordNoAnswer',
    when: (t) => t.state === 'sent' && !reversible(t),
    apply: to('no-answer'),
  },
  {
    from: '`sent` (reversible)',
    call: '`recordTerminalAbort(answer?)`',
    to: '`reversal-pending`, reason 06',
    notes: 'card pulled, card declined after online approval ...; answer kept',
    action: 'recordTerminalAbort',
    when: (t) => t.state === 'sent' && reversible(t),
    apply: to('reversal-pending', { reason: '06' }),
  },
  {
    from: '`reversal-pending` (sent or recovered)',
    call: '`reversalAttempt`',
    to: 'same',
    notes: 'reversal attempts + 1, `reversal_sent` time',
    action: 'reversalAttempt',
    when: armedReversal,
    apply: (t) => {
      t.reversalAttempts++;
    },
  },
  {
    from: '`reversal-pending` (after an attempt)',
    call: '`reversalResult` 00 / 25',
    to: '`reversed`',
    notes: 'card data dropped',
    action: 'reversalResult',
    when: (t, code) =>
      t.state === 'reversal-pending' && t.reversalAttempts > 0 && (code === '00' || code === '25'),
    apply: to('reversed'),
  },
  {
    from: '`reversal-pending` (after an attempt)',
    call: '`reversalResult` other / null',
    to: 'same',
    notes: 'last result = code or `no-answer`',
    action: 'reversalResult',
    when: (t, code) =>
      t.state === 'reversal-pending' && t.reversalAttempts > 0 && code !== '00' && code !== '25',
    apply: same,
  },
  {
    from: '`reversal-pending` (sent or recovered)',
    call: '`reversalNotSent(cause)`',
    to: 'same',
    notes:
      'no attempt counted; last result = `not-sent: CAUSE` (its bytes never left: sign-on, TLS or connect failed)',
    action: 'reversalNotSent',
    when: armedReversal,
    apply: same,
  },
  {
    from: '`sent` / `reversal-pending` (never sent), reversible',
    call: '`recoverAfterCrash`',
    to: '`reversal-pending`, reason kept, else 06',
    notes: 'at start-up: the bytes may have gone out',
    action: 'recoverAfterCrash',
    when: (t) => reversible(t) && (t.state === 'sent' || (t.state === 'reversal-pending' && t.neverSent)),
    apply: (t) => to('reversal-pending', { reason: t.reason ?? '06', neverSent: false })(t),
  },
  {
    from: '`pending` / `sent`, non-reversible',
    call: '`recoverAfterCrash`',
    to: '`no-answer`',
    notes: 'at start-up: outcome unknown',
    action: 'recoverAfterCrash',
    when: (t) => !reversible(t) && (t.state === 'pending' || t.state === 'sent'),
    apply: to('no-answer', { neverSent: false }),
  },
  {
    from: '—',
    call: '`enqueueAdvice`',
    to: '`offline-approved` (+ advice `pending`)',
    notes: 'one commit',
    action: 'enqueueAdvice',
    when: (t) => t.kind === 'offline-sale',
    apply: to('offline-approved'),
  },
  {
    from: '`offline-approved`',
    call: 'advice answered 00 / 94',
    to: '`approved`',
    notes: '',
    action: 'adviceAnswered',
    when: (t, code) => t.state === 'offline-approved' && (code === '00' || code === '94'),
    apply: to('approved'),
  },
  {
    from: '`offline-approved`',
    call: 'advice answered other',
    to: '`refused`',
    notes: 'refused after the fact: show the merchant',
    action: 'adviceAnswered',
    when: (t, code) => t.state === 'offline-approved' && code !== '00' && code !== '94',
    apply: to('refused'),
  },
];

export type AdviceCall = 'adviceAttempt' | 'adviceNotSent' | 'adviceResult' | 'recoverAfterCrash';

export interface AdviceTransition {
  from: string;
  call: string;
  to: string;
  notes: string;
  action: AdviceCall;
  when: (a: ModelAdvice, code: string | null) => boolean;
  /** the advice's new state; an answer also moves its transaction (rows "advice answered") */
  next: (a: ModelAdvice, code: string | null) => AdviceState;
}

export const ADVICE_TRANSITIONS: AdviceTransition[] = [
  {
    from: '`pending` / `sent`',
    call: '`adviceAttempt`',
    to: '`sent`',
    notes: 'before each send (first or retry); attempts + 1',
    action: 'adviceAttempt',
    when: (a) => a.state === 'pending' || a.state === 'sent',
    next: () => 'sent',
  },
  {
    from: '`pending`',
    call: '`adviceNotSent(cause)`',
    to: 'same',
    notes: 'no attempt counted; last result = `not-sent: CAUSE`',
    action: 'adviceNotSent',
    when: (a) => a.state === 'pending',
    next: (a) => a.state,
  },
  {
    from: '`sent`',
    call: '`adviceResult` null',
    to: '`pending`',
    notes: 'no answer: sent again later, same STAN and content',
    action: 'adviceResult',
    when: (a, code) => a.state === 'sent' && code === null,
    next: () => 'pending',
  },
  {
    from: '`sent`',
    call: '`adviceResult` 00 / 94',
    to: '`done`',
    notes: 'its transaction `approved`; card data dropped',
    action: 'adviceResult',
    when: (a, code) => a.state === 'sent' && (code === '00' || code === '94'),
    next: () => 'done',
  },
  {
    from: '`sent`',
    call: '`adviceResult` other',
    to: '`refused`',
    notes: "kept with the host's code; its transaction `refused`; card data dropped",
    action: 'adviceResult',
    when: (a, code) => a.state === 'sent' && code !== null && code !== '00' && code !== '94',
    next: () => 'refused',
  },
  {
    from: '`sent`',
    call: '`recoverAfterCrash`',
    to: '`pending`',
    notes: 'at start-up: caught in flight (94 covers a duplicate)',
    action: 'recoverAfterCrash',
    when: (a) => a.state === 'sent',
    next: () => 'pending',
  },
];

/** The table as the doc shows it (markdown rows). */
export function tableRows(
  rows: readonly { from: string; call: string; to: string; notes: string }[],
): string[] {
  return rows.map((r) => `| ${r.from} | ${r.call} | ${r.to} | ${r.notes} |`);
}
