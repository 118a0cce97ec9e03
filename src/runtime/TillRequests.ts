/**
 * The requests the till makes, by their id: idempotency (see RuntimeApi), their status, and
 * abort. In memory: the requests running now (and waiting in line); in the journal: the id with
 * its transaction (stored in the commit that begins it) and the answer once it finished.
 */
import { PosError } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { TxnRecord } from '../journal/types.js';
import type { Logger } from '../log.js';
import type { TxnContext, TxnStep } from '../txn/TxnContext.js';
import type { TxnKind, TxnResult } from '../txn/types.js';
import { answerFromJournal } from './answerFromJournal.js';
import type { AbortResponse, RuntimeEventBody, TillId, TransactionStatusResponse } from './RuntimeApi.js';

const TILL_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A checked till id (undefined stays undefined); a bad one is a PosError TXN_BAD_TILL_ID. */
export function checkTillId(tillId: unknown): TillId | undefined {
  if (tillId === undefined || tillId === null) return undefined;
  if (typeof tillId !== 'string' || !TILL_ID.test(tillId)) {
    throw new PosError('TXN_BAD_TILL_ID', 'tillId must be 1..64 characters of A-Z a-z 0-9 . _ : -', {
      key: 'tillId',
    });
  }
  return tillId;
}

/** One request as the till made it: enough to tell the same request from another. */
export interface TillCall {
  tillId?: TillId;
  kind: TxnKind;
  /** e.g. `sale:1234`, `refund:RRN:500` */
  fingerprint: string;
  amountMinor?: number;
  /** The journal row of an earlier request with this id is this same request. */
  sameAs(txn: TxnRecord): boolean;
}

type Phase = 'waiting' | 'card' | 'committed';

interface Running {
  call: TillCall;
  phase: Phase;
  controller: AbortController;
  result: Promise<TxnResult>;
}

/** Ids of finished requests kept to name the till's id in a later reversal event. */
const ID_MEMORY = 1000;

export class TillRequests {
  private readonly running = new Set<Running>();
  private readonly byTillId = new Map<TillId, Running>();
  private readonly tillIdOfTxn = new Map<number, TillId>();

  constructor(
    private readonly journal: Journal,
    private readonly log: Logger,
    private readonly emit: (e: RuntimeEventBody) => void,
  ) {}

  /**
   * Runs the request once per till id. Synchronous up to `start` (the check and the
   * registration cannot interleave with another request with the same id).
   */
  run(call: TillCall, start: (ctx: TxnContext) => Promise<TxnResult>): Promise<TxnResult> {
    const { tillId } = call;
    if (tillId !== undefined) {
      const same = this.byTillId.get(tillId);
      if (same) {
        if (same.call.fingerprint !== call.fingerprint) throw reused(tillId);
        return same.result;
      }
      const earlier = this.journal.byTillId(tillId);
      if (earlier) {
        if (!call.sameAs(earlier.txn)) throw reused(tillId);
        this.log.info({ tillId, txn: earlier.txn.id }, 'repeated till request: first answer given');
        return Promise.resolve(answerFromJournal(earlier.txn, earlier.result));
      }
    }
    const controller = new AbortController();
    const r = { call, phase: 'waiting', controller } as Running;
    const onStep = (step: TxnStep, txnId?: number) => this.step(r, step, txnId);
    r.result = start({ tillId, signal: controller.signal, onStep }).then(
      (result) => this.finished(r, result),
      (e: unknown) => {
        this.forget(r);
        throw e;
      },
    );
    this.running.add(r);
    if (tillId !== undefined) this.byTillId.set(tillId, r);
    return r.result;
  }

  status(tillId: TillId): TransactionStatusResponse {
    if (this.byTillId.has(tillId)) return { tillId, state: 'in-progress' };
    const earlier = this.journal.byTillId(tillId);
    if (!earlier) return { tillId, state: 'unknown' };
    // pending / sent outside a running request cannot outlive the recovery at start; be safe
    if (earlier.txn.state === 'pending' || earlier.txn.state === 'sent')
      return { tillId, state: 'in-progress' };
    return { tillId, state: 'done', result: answerFromJournal(earlier.txn, earlier.result) };
  }

  /**
   * Aborts the named request, or without a name the one waiting for a card (else the first
   * still waiting in line). Synchronous: the engine checks the signal at its commit point.
   */
  abort(tillId?: TillId): AbortResponse {
    let target: Running | undefined;
    if (tillId !== undefined) target = this.byTillId.get(tillId);
    else {
      const all = [...this.running];
      target = all.find((r) => r.phase === 'card') ?? all.find((r) => r.phase === 'waiting') ?? all[0];
    }
    if (!target) return { outcome: 'nothing' };
    if (target.phase === 'committed') return { outcome: 'too-late' };
    target.controller.abort();
    this.log.info({ tillId: target.call.tillId, phase: target.phase }, 'request aborted by the till');
    return { outcome: 'aborted' };
  }

  /** The till's id of a transaction finished in this run (for reversal events). */
  tillIdOf(txnId: number): TillId | undefined {
    return this.tillIdOfTxn.get(txnId);
  }

  private step(r: Running, step: TxnStep, txnId?: number): void {
    const { tillId, kind, amountMinor } = r.call;
    if (step === 'card-wait') r.phase = 'card';
    if (step === 'committing' || step === 'sent') r.phase = 'committed';
    const state = step === 'started' ? 'started' : step === 'card-read' ? 'card-read' : step;
    if (state === 'started' || state === 'card-read' || state === 'sent') {
      this.emit({ type: 'transaction', tillId, id: txnId, kind, state, amountMinor });
    }
  }

  private finished(r: Running, result: TxnResult): TxnResult {
    const { tillId } = r.call;
    this.forget(r);
    if (result.id > 0 && tillId !== undefined) {
      this.tillIdOfTxn.set(result.id, tillId);
      if (this.tillIdOfTxn.size > ID_MEMORY) this.tillIdOfTxn.delete(this.tillIdOfTxn.keys().next().value!);
      try {
        // TxnResult carries no card data (a masked PAN at most): safe to keep
        this.journal.storeResult(result.id, JSON.stringify(result));
      } catch (e) {
        // the row is enough to rebuild the answer (answerFromJournal)
        this.log.warn({ code: (e as { code?: string }).code, tillId }, 'answer not stored with the request');
      }
    }
    const ev = { type: 'transaction', tillId, id: result.id || undefined, kind: result.kind } as const;
    this.emit({ ...ev, state: result.outcome, amountMinor: result.amountMinor });
    if (result.reversalPending)
      this.emit({ ...ev, state: 'reversal-pending', amountMinor: result.amountMinor });
    return result;
  }

  private forget(r: Running): void {
    this.running.delete(r);
    if (r.call.tillId !== undefined && this.byTillId.get(r.call.tillId) === r)
      this.byTillId.delete(r.call.tillId);
  }
}

function reused(tillId: TillId): PosError {
  return new PosError(
    'TXN_TILL_ID_REUSED',
    'this tillId was used for another request: use a new id for a new request',
    { key: 'tillId', tillId },
  );
}
