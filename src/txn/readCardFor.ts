/** The card for one request: read from the reader, or the local result that ends the request. */
import type { PosErrorCode } from '../errors.js';
import { localResult as local } from './localResult.js';
import type { CardRead } from './ports.js';
import type { TxnContext } from './TxnContext.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import type { TxnKind, TxnResult } from './types.js';

const TEXTS: Record<string, [PosErrorCode, string, string]> = {
  'no-card': ['READER_NO_CARD', 'no card presented', '未检测到卡片'],
  declined: ['READER_DECLINED', 'declined by the card', '卡片拒绝'],
  cancelled: ['READER_CANCELLED', 'cancelled', '交易已取消'],
  failed: ['READER_FAILED', 'card read failed', '读卡失败'],
  unavailable: [
    'READER_UNAVAILABLE',
    'card reader unavailable, check its connection',
    '读卡器不可用, 请检查连接',
  ],
};

/** The result of a request aborted before it was committed (READER_CANCELLED). */
export function cancelledResult(kind: TxnKind, amountMinor: number): TxnResult {
  const [, en, zh] = TEXTS.cancelled;
  return local(kind, 'declined', 'READER_CANCELLED', en, zh, { amountMinor });
}

export async function readCardFor(
  d: Pick<TxnEngineDeps, 'reader' | 'profile'>,
  amountMinor: number,
  type: 'purchase' | 'refund' | 'inquiry',
  ctx: TxnContext = {},
): Promise<{ card: CardRead; cardMs: number } | { result: TxnResult }> {
  const kind: TxnKind = type === 'refund' ? 'refund' : type === 'inquiry' ? 'inquiry' : 'purchase';
  // aborted while it waited in line or for the reversal gate: the reader is not asked
  if (ctx.signal?.aborted) return { result: cancelledResult(kind, amountMinor) };
  ctx.onStep?.('card-wait');
  const r = await d.reader.readCard({
    amountMinor,
    type,
    timeoutS: d.profile.reader.tapTimeoutS,
    signal: ctx.signal,
  });
  if (r.outcome === 'card') return { card: r.card, cardMs: r.cardMs };
  const [code, en, zh] = TEXTS[r.outcome] ?? TEXTS.failed;
  const status = r.outcome === 'unavailable' ? 'failed' : 'declined';
  return {
    result: local(kind, status, code, en, zh, {
      amountMinor,
    }),
  };
}
