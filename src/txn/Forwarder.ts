/**
 * Store-and-forward: sends what the terminal owes the host. Pending reversals first, then
 * advices oldest first; one in flight; the same STAN and content on every retry (both are
 * rebuilt from the journal); backoff while the host cannot be reached. Every attempt is
 * committed right before its bytes go out (an item that never left the terminal is no attempt),
 * every result right after.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { isHostDown, isHostFailure, isProtocolFailure, isSecurityFailure } from '../errors.js';
import { Backoff, type BackoffPolicy } from '../host/Backoff.js';
import {
  Mti,
  parseOfflineSaleAdviceResponse,
  parseReversalResponse,
  reversalRequestFromOriginal,
} from '../iso8583/views/cupPos.js';
import type { Journal } from '../journal/Journal.js';
import type { ForwardItem, TxnRecord } from '../journal/types.js';
import type { Logger } from '../log.js';
import { crashPoint } from './crashPoints.js';
import { HeldOutcomes } from './HeldOutcomes.js';
import type { Lane } from './Lane.js';
import type { HostPort } from './ports.js';
import { fromJournal } from './requestFields.js';

export interface ForwardReport {
  reversalsDone: number;
  advicesDone: number;
  refused: number;
  failed: number;
  /** Still to send after this pass. */
  remaining: number;
  /** The pass stopped because the host could not be reached. */
  unreachable: boolean;
}

type Outcome = 'done' | 'refused' | 'retry' | 'unreachable' | 'blocked';

/** What the forwarder tells its owner (the runtime's events); must not throw. */
export interface ForwarderEvents {
  /** A reversal was confirmed by the host (0410 00 / 25). */
  reversed(txn: TxnRecord): void;
  /** A pass ended (the queue depth may have changed). */
  passed(): void;
}

export class Forwarder {
  /** Outcomes the journal could not record (disk full): written, then sent, before anything else. */
  readonly held: HeldOutcomes;
  private readonly backoff: Backoff;
  private timer?: TimerHandle;
  private running?: Promise<ForwardReport>;
  private stopped = false;
  private draining = false;

  constructor(
    private readonly deps: {
      journal: Journal;
      host: HostPort;
      lane: Lane;
      clock: Clock;
      log: Logger;
      events?: ForwarderEvents;
    },
    backoff?: BackoffPolicy,
  ) {
    this.backoff = new Backoff(backoff ?? { initialMs: 2000, maxMs: 120_000, factor: 2, jitter: 0.2 });
    this.held = new HeldOutcomes(deps.log);
  }

  /** Forward everything now (one pass, until the queue is empty or the host is unreachable). */
  forwardAll(): Promise<ForwardReport> {
    this.running ??= this.deps.lane
      .run(() => this.pass(false))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Before a financial message: send the pending reversals. 'clear' when none is left,
   * 'unreachable' when the host could not be reached, 'pending' when one is still open.
   * Must be called inside the lane.
   */
  async clearReversals(): Promise<'clear' | 'pending' | 'unreachable'> {
    const r = await this.pass(true);
    if (r.unreachable) return 'unreachable';
    return this.held.reversals > 0 || this.deps.journal.pendingReversals().length > 0 ? 'pending' : 'clear';
  }

  /** Schedule a background pass soon (after a timeout, an offline sale, the link coming back). */
  kick(delayMs = 0): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.deps.clock.setTimeout(() => void this.background(), delayMs);
  }

  /** No more background passes (an explicit forwardAll still runs). */
  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** For the runtime's stop: no more passes; one under way ends after its item in flight. */
  drain(): Promise<void> {
    this.stop();
    this.draining = true;
    return (this.running ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  private async background(): Promise<void> {
    const r = await this.forwardAll().catch((e) => {
      this.deps.log.error({ code: (e as { code?: string }).code }, 'forwarding pass failed');
      return undefined;
    });
    if (!r) return this.kick(this.backoff.fail());
    if (r.remaining === 0) return this.backoff.reset();
    this.kick(r.unreachable || r.failed > 0 ? this.backoff.fail() : 0);
  }

  private async pass(reversalsOnly: boolean): Promise<ForwardReport> {
    try {
      return await this.passOnce(reversalsOnly);
    } finally {
      this.deps.events?.passed();
    }
  }

  private async passOnce(reversalsOnly: boolean): Promise<ForwardReport> {
    const report: ForwardReport = {
      reversalsDone: 0,
      advicesDone: 0,
      refused: 0,
      failed: 0,
      remaining: 0,
      unreachable: false,
    };
    // Outcomes held in memory (the journal could not write them) go first: written now if the
    // journal can write again (a held reversal then becomes a pending reversal, sent below);
    // while one is left, nothing else is journaled or sent.
    if (this.held.flush(this.deps.journal) > 0) {
      report.failed++;
      report.remaining = this.held.size + this.deps.journal.pendingReversals().length;
      return report;
    }
    const tried = new Set<string>();
    for (;;) {
      const item = this.deps.journal.nextToForward();
      if (!item || (reversalsOnly && item.type !== 'reversal')) break;
      if (this.draining && !reversalsOnly) break; // stopping: the item in flight was the last
      const key = item.type === 'reversal' ? `r${item.txn.id}` : `a${item.advice.id}`;
      if (tried.has(key)) break; // one attempt per item per pass; retries come with backoff
      tried.add(key);
      const outcome = await this.send(item);
      if (outcome === 'unreachable') {
        report.unreachable = true;
        break;
      }
      if (outcome === 'retry' || outcome === 'blocked') {
        report.failed++;
        break; // keep the order: nothing overtakes an unfinished item
      }
      if (outcome === 'refused') report.refused++;
      else if (item.type === 'reversal') report.reversalsDone++;
      else report.advicesDone++;
    }
    const j = this.deps.journal;
    report.remaining = j.pendingReversals().length + (reversalsOnly ? 0 : j.listQueue('pending').length);
    return report;
  }

  private async send(item: ForwardItem): Promise<Outcome> {
    const { journal, host, log } = this.deps;
    // The attempt is committed in onWritten, right before the bytes go to the socket (journal
    // before wire): a sign-on, TLS or connect failure before that is not an attempt.
    if (item.type === 'reversal') {
      const original = fromJournal(Mti.FinancialRequest, item.request);
      const msg = reversalRequestFromOriginal(original, item.reason);
      const sent = { written: false };
      try {
        const ans = await host.send(msg, {
          onWritten: () => {
            journal.reversalAttempt(item.txn.id);
            sent.written = true;
            crashPoint('forward-after-commit');
          },
        });
        crashPoint('forward-after-answer');
        const code = parseReversalResponse(ans.message).responseCode;
        const rec = journal.reversalResult(item.txn.id, code);
        log.info({ txn: item.txn.id, stan: item.txn.stan, reason: item.reason, code }, 'reversal answered');
        if (rec.state !== 'reversed') return 'retry';
        this.deps.events?.reversed(rec);
        return 'done';
      } catch (e) {
        return this.failed(e, sent.written, item.txn.id, {
          noAnswer: () => journal.reversalResult(item.txn.id, null),
          notSent: (cause) => journal.reversalNotSent(item.txn.id, cause),
        });
      }
    }
    const msg = fromJournal(Mti.AdviceRequest, item.request);
    const sent = { written: false };
    try {
      const ans = await host.send(msg, {
        onWritten: () => {
          journal.adviceAttempt(item.advice.id);
          sent.written = true;
          crashPoint('forward-after-commit');
        },
      });
      crashPoint('forward-after-answer');
      const resp = parseOfflineSaleAdviceResponse(ans.message);
      if (resp.responseCode === 'A0') {
        // The host could not check our MAC: keys are renewed (the session signs on), send again.
        journal.adviceResult(item.advice.id, null);
        return 'retry';
      }
      const rec = journal.adviceResult(item.advice.id, {
        responseCode: resp.responseCode,
        rrn: resp.rrn,
        authCode: resp.authCode,
      });
      log.info(
        { advice: item.advice.id, stan: item.advice.stan, code: resp.responseCode, state: rec.state },
        'advice answered',
      );
      if (rec.state === 'refused') {
        log.warn(
          { advice: item.advice.id, code: resp.responseCode },
          'host refused an offline sale after the fact',
        );
        return 'refused';
      }
      return rec.state === 'done' ? 'done' : 'retry';
    } catch (e) {
      return this.failed(e, sent.written, item.advice.id, {
        noAnswer: () => journal.adviceResult(item.advice.id, null),
        notSent: (cause) => journal.adviceNotSent(item.advice.id, cause),
      });
    }
  }

  /**
   * A failed send. Written: no answer (retry later). Not written: nothing left the terminal, no
   * attempt counted; the host being down is 'unreachable' (quiet, backoff), a key, TLS or
   * protocol failure is 'blocked' (logged at error level with its code: a technician must act;
   * backoff as well).
   */
  private failed(
    e: unknown,
    written: boolean,
    id: number,
    record: { noAnswer: () => void; notSent: (cause: string) => void },
  ): Outcome {
    if (!isHostFailure(e)) throw e;
    if (written) {
      record.noAnswer();
      this.deps.log.warn({ id, code: e.code }, 'forwarding attempt not answered');
      return 'retry';
    }
    record.notSent(e.code);
    if (isHostDown(e)) {
      this.deps.log.warn({ id, code: e.code }, 'host unreachable: forwarding later');
      return 'unreachable';
    }
    const kind = isSecurityFailure(e) ? 'key or TLS' : isProtocolFailure(e) ? 'protocol' : 'host';
    this.deps.log.error({ id, code: e.code, reason: e.message }, `forwarding blocked by a ${kind} failure`);
    return 'blocked';
  }
}
