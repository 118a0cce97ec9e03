/** Control-socket methods of a running runtime. */
import type { ControlHandler } from '../control/ControlServer.js';
import { PosError } from '../errors.js';
import type { Journal } from '../journal/Journal.js';
import type { SaleMode } from '../txn/types.js';
import type { Runtime } from './Runtime.js';

function num(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new PosError('CONTROL_BAD_REQUEST', `'${key}' must be a number`, { key });
  return v;
}

function str(v: unknown, key: string): string {
  if (typeof v !== 'string' || v === '')
    throw new PosError('CONTROL_BAD_REQUEST', `'${key}' must be a string`, { key });
  return v;
}

const MODES: readonly SaleMode[] = ['prefer-online', 'require-online', 'force-offline'];

export function runtimeHandlers(rt: Runtime): Record<string, ControlHandler> {
  return {
    sale: async (p) => {
      const mode = p.mode === undefined || p.mode === null ? undefined : (p.mode as SaleMode);
      if (mode !== undefined && !MODES.includes(mode))
        throw new PosError('CONTROL_BAD_REQUEST', 'unknown sale mode', { key: 'mode' });
      return rt.engine.sale({ amountMinor: num(p.amountMinor, 'amountMinor'), mode });
    },
    void: async (p) => rt.engine.voidSale({ rrn: str(p.rrn, 'rrn') }),
    refund: async (p) =>
      rt.engine.refund({ rrn: str(p.rrn, 'rrn'), amountMinor: num(p.amountMinor, 'amountMinor') }),
    inquiry: async () => rt.engine.inquiry(),
    'queue.list': async (p) => rt.queue(p.all === true),
    'queue.forward': async () => rt.forwarder.forwardAll(),
    settle: async () => rt.settle(),
    status: async () => rt.status(),
  };
}

/** Pending reversals and advices, masked, oldest first; with `all`, finished advices too. */
export function queueRows(journal: Journal, all: boolean, now: number) {
  const age = (wallMs: number) => Math.max(0, Math.round((now - wallMs) / 1000));
  const reversals = journal.pendingReversals().map((r) => ({
    type: 'reversal' as const,
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
  }));
  const advices = journal
    .listQueue()
    .filter((a) => all || a.state === 'pending' || a.state === 'sent' || a.state === 'refused')
    .map((a) => ({
      type: 'advice' as const,
      id: a.id,
      state: a.state === 'refused' ? 'refused-after-the-fact' : a.state,
      stan: a.stan,
      amountMinor: a.amountMinor,
      maskedPan: a.maskedPan,
      ageS: age(a.created.wallMs),
      attempts: a.attempts,
      lastResult: a.lastResult,
    }));
  return [...reversals, ...advices];
}
