/**
 * The answer to a till's request id that the journal knows: the answer stored when it finished,
 * else one rebuilt from the row (a crash came between the outcome and storing the answer, or
 * the recovery after a crash turned the request into a reversal). No card data: the row keeps
 * the masked PAN only.
 */

import type { PosErrorCode } from '../errors.js';
import { responseCodeText } from '../iso8583/views/cupPos.js';
import type { TxnRecord } from '../journal/types.js';
import type { TxnResult } from '../txn/types.js';

interface LocalText {
  code: PosErrorCode;
  en: string;
  zh: string;
}

const REVERSED: LocalText = {
  code: 'TXN_REVERSED',
  en: 'the outcome was not known: the request was reversed, nothing is charged',
  zh: '交易结果未知,已冲正,未扣款',
};
const REVERSING: LocalText = {
  code: 'TXN_REVERSAL_PENDING',
  en: 'the outcome was not known: the request is being reversed, nothing will be charged',
  zh: '交易结果未知,正在冲正,不会扣款',
};
const NO_ANSWER: LocalText = {
  code: 'TXN_NO_ANSWER',
  en: 'no answer from the host: the outcome is not known',
  zh: '主机无应答,交易结果未知',
};

export function answerFromJournal(txn: TxnRecord, stored: string | null): TxnResult {
  const first = stored ? (JSON.parse(stored) as TxnResult) : undefined;
  const reversing = txn.state === 'reversal-pending' || txn.state === 'reversed';
  const pending = txn.state === 'reversal-pending' ? { reason: txn.reversal?.reason ?? '06' } : undefined;
  if (first && !(reversing && first.outcome === 'approved')) {
    return reversing ? { ...first, reversalPending: pending } : first;
  }
  const base: TxnResult = {
    id: txn.id,
    kind: txn.kind,
    outcome: 'failed',
    textEn: '',
    textZh: '',
    amountMinor: txn.amountMinor || undefined,
    stan: txn.stan,
    batch: txn.batch,
    maskedPan: txn.maskedPan ?? undefined,
    timings: {},
  };
  const failed = (t: LocalText): TxnResult => ({
    ...base,
    textEn: t.en,
    textZh: t.zh,
    reason: { code: t.code, message: t.en },
    reversalPending: pending,
  });
  switch (txn.state) {
    case 'reversed':
      return failed(REVERSED);
    case 'reversal-pending':
      return failed(REVERSING);
    case 'no-answer':
      return failed(NO_ANSWER);
    case 'offline-approved':
    case 'refused':
      // what the till was told: approved by the terminal (a later refusal is the merchant's matter)
      return {
        ...base,
        outcome: 'approved',
        approval: 'offline',
        responseCode: '00',
        textEn: 'approved offline',
        textZh: '离线批准',
        authCode: txn.authCode ?? undefined,
      };
    default: {
      const code = txn.responseCode ?? '';
      const text = responseCodeText(code);
      return {
        ...base,
        outcome: txn.state === 'approved' ? 'approved' : 'declined',
        approval: 'online',
        responseCode: code || undefined,
        textEn: text.en,
        textZh: text.zh,
        rrn: txn.rrn ?? undefined,
        authCode: txn.authCode ?? undefined,
      };
    }
  }
}
