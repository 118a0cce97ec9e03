/**
 * The JSON-lines control methods over a RuntimeApi: typed parameter checks, then the call.
 * Names: sale, void, refund, inquiry, transactionStatus, abort, queue.list, queue.forward,
 * settle, status, events. `events` answers the kept events after `fromSeq` (a poll: the
 * JSON-lines protocol has no stream; see RuntimeApi.subscribe).
 */
import { PosError } from '../errors.js';
import type { RuntimeApi, RuntimeEvent, TillId } from '../runtime/RuntimeApi.js';
import type { SaleMode } from '../txn/types.js';
import type { ControlHandler } from './ControlServer.js';

type Params = Record<string, unknown>;

function bad(key: string, what: string): PosError {
  return new PosError('CONTROL_BAD_REQUEST', `'${key}' must be ${what}`, { key });
}

function num(p: Params, key: string): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, 'a number');
  return v;
}

function str(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw bad(key, 'a string');
  return v;
}

function optional<T>(p: Params, key: string, get: (p: Params, key: string) => T): T | undefined {
  return p[key] === undefined || p[key] === null ? undefined : get(p, key);
}

/** Passed through as given (a string); the runtime checks its form (TXN_BAD_TILL_ID). */
function tillId(p: Params): TillId | undefined {
  return optional(p, 'tillId', str);
}

const MODES: readonly SaleMode[] = ['prefer-online', 'require-online', 'force-offline'];

function mode(p: Params): SaleMode | undefined {
  const m = optional(p, 'mode', str);
  if (m !== undefined && !MODES.includes(m as SaleMode))
    throw new PosError('CONTROL_BAD_REQUEST', 'unknown sale mode', { key: 'mode' });
  return m as SaleMode | undefined;
}

/** Most events one `events` call answers. */
const EVENTS_MAX = 1000;

export function jsonMethods(api: RuntimeApi): Record<string, ControlHandler> {
  return {
    sale: (p) => api.sale({ amountMinor: num(p, 'amountMinor'), mode: mode(p), tillId: tillId(p) }),
    void: (p) => api.void({ rrn: str(p, 'rrn'), tillId: tillId(p) }),
    refund: (p) => api.refund({ rrn: str(p, 'rrn'), amountMinor: num(p, 'amountMinor'), tillId: tillId(p) }),
    inquiry: (p) => api.inquiry({ tillId: tillId(p) }),
    transactionStatus: (p) => api.transactionStatus({ tillId: str(p, 'tillId') }),
    abort: (p) => api.abort({ tillId: tillId(p) }),
    'queue.list': (p) => api.queueList({ all: p.all === true }),
    'queue.forward': () => api.queueForward(),
    settle: () => api.settle(),
    status: () => api.status(),
    events: async (p) => {
      const from = optional(p, 'fromSeq', num) ?? 0;
      const out: RuntimeEvent[] = [];
      api.subscribe(from, (e) => out.push(e)).close();
      return out.slice(0, EVENTS_MAX);
    },
  };
}
