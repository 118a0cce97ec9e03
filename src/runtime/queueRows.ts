/** What the terminal owes the host as rows (masked), for `queueList`. */
import type { Journal } from '../journal/Journal.js';
import type { QueueRow } from './RuntimeApi.js';

/** Pending reversals and advices, masked, oldest first; with `all`, finished advices too. */
export function queueRows(journal: Journal, all: boolean, now: number): QueueRow[] {
  const age = (wallMs: number) => Math.max(0, Math.round((now - wallMs) / 1000));
  const reversals = journal.pendingReversals().map(
    (r): QueueRow => ({
      type: 'reversal',
      id: r.txn.id,
      state: 'reversal-pending',
      reason: r.reason,
      stan: r.txn.stan,
      amountMinor: r.txn.amountMinor,
      maskedPan: r.txn.maskedPan,
      ageS: age(r.txn.times.created.wallMs),
      attempts: r.attempts,
      lastResult: r.txn.reversal?.lastResult ?? null,
      overLimit: r.overLimit,
    }),
  );
  const advices = journal
    .listQueue()
    .filter((a) => all || a.state === 'pending' || a.state === 'sent' || a.state === 'refused')
    .map(
      (a): QueueRow => ({
        type: 'advice',
        id: a.id,
        state: a.state === 'refused' ? 'refused-after-the-fact' : a.state,
        stan: a.stan,
        amountMinor: a.amountMinor,
        maskedPan: a.maskedPan,
        ageS: age(a.created.wallMs),
        attempts: a.attempts,
        lastResult: a.lastResult,
      }),
    );
  return [...reversals, ...advices];
}
