/**
 * The result of a request that was committed: from the host's answer (recorded, or held in
 * memory when the journal cannot write it), or from the way the exchange failed.
 */
import { isProtocolFailure, isSecurityFailure } from '../errors.js';
import { responseCodeText } from '../iso8583/views/cupPos.js';
import { checkAnswer } from '../journal/records.js';
import { REVERSIBLE_KINDS, type TxnRecord } from '../journal/types.js';
import { maskPan } from '../mask.js';
import { hostFailureText } from './hostFailureText.js';
import type { CardRead } from './ports.js';
import type { Online } from './sendOnline.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import type { TxnRecorder } from './TxnRecorder.js';
import type { TxnKind, TxnResult } from './types.js';

export function finishTxn(
  d: TxnEngineDeps,
  recorder: TxnRecorder,
  rec: TxnRecord,
  online: Online,
  card: CardRead,
  inHand: number,
  cardMs: number,
): TxnResult {
  const base = {
    id: rec.id,
    kind: rec.kind as TxnKind,
    amountMinor: rec.amountMinor || undefined,
    stan: rec.stan,
    batch: rec.batch,
    maskedPan: maskPan(card.pan),
    entryInterface: card.entryInterface,
  };
  if (online.kind === 'unrecorded') {
    return {
      ...base,
      outcome: 'failed',
      textEn: 'storage is full: the journal cannot record the request, nothing was sent',
      textZh: '存储空间不足,交易未发送',
      reason: { code: online.error.code, message: online.error.message },
      timings: { cardMs, totalMs: d.clock.monotonic() - inHand },
    };
  }
  if (online.kind !== 'answer') {
    const pending =
      d.journal.get(rec.id)?.state === 'reversal-pending' ||
      d.forwarder.held.list().some((h) => h.txnId === rec.id && h.reversal);
    if (pending) d.forwarder.kick(0);
    const timeout = online.kind === 'no-answer' && online.reason === '98';
    const notSent = online.kind === 'not-sent' ? hostFailureText(online.error) : undefined;
    // a key, TLS or protocol failure before sending: declined, and the text says what to fix
    const refused =
      online.kind === 'not-sent' && (isSecurityFailure(online.error) || isProtocolFailure(online.error));
    return {
      ...base,
      outcome: refused ? 'declined' : 'failed',
      textEn: notSent ? notSent.en : timeout ? 'no answer from the host' : 'host answer failed the MAC check',
      textZh: notSent ? notSent.zh : timeout ? '主机无应答' : '应答MAC校验失败',
      reason: { code: online.error.code, message: online.error.message },
      reversalPending: pending && online.kind === 'no-answer' ? { reason: online.reason } : undefined,
      timings: { cardMs, totalMs: d.clock.monotonic() - inHand },
    };
  }
  const { resp, hostMs } = online;
  const beforeCommit = d.clock.monotonic();
  const answer = { responseCode: resp.responseCode, rrn: resp.rrn, authCode: resp.authCode };
  checkAnswer(answer); // a malformed answer is refused as before, never held
  const approved = resp.responseCode === '00';
  // The journal cannot record the answer: an approval of a reversible request is reversed; a
  // decline or a refund / inquiry answer is kept as it is (written when the journal can).
  const reverse = approved && REVERSIBLE_KINDS.includes(rec.kind);
  const unrecorded = recorder.record(
    rec,
    reverse ? { op: 'reverse', answer } : { op: 'answer', answer },
    () => d.journal.recordAnswer(rec.id, answer),
  );
  const end = d.clock.monotonic();
  if (unrecorded && reverse) {
    return {
      ...base,
      outcome: 'failed',
      responseCode: resp.responseCode,
      textEn: 'storage is full: the host approved but the journal cannot record it; it will be reversed',
      textZh: '存储空间不足,无法记录交易结果,交易将被冲正',
      reason: { code: unrecorded.code, message: unrecorded.message },
      reversalPending: { reason: '06' },
      timings: { cardMs, hostMs, totalMs: end - inHand },
    };
  }
  const text = responseCodeText(resp.responseCode);
  const balance = (resp as { balance?: string }).balance ?? online.message.fields[54];
  return {
    ...base,
    outcome: approved ? 'approved' : 'declined',
    reason: unrecorded
      ? { code: unrecorded.code, message: 'the journal cannot record the answer yet: kept in memory' }
      : undefined,
    approval: 'online',
    responseCode: resp.responseCode,
    textEn: text.en,
    textZh: text.zh,
    rrn: resp.rrn,
    authCode: resp.authCode,
    balance: rec.kind === 'inquiry' ? balance : undefined,
    timings: {
      cardMs,
      hostMs,
      prepareMs: Math.max(0, beforeCommit - inHand - hostMs),
      commitMs: end - beforeCommit,
      totalMs: end - inHand,
    },
  };
}
