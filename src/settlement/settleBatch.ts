/**
 * Batch settlement (0500/0510) and batch upload (0320/0330, host-cup-pos.md section 5).
 * Everything the terminal owes the host is forwarded first (section 7: reversals and advices
 * finish before a settlement); if anything is still pending the settlement is refused.
 * Balanced: the batch closes and the next batch opens. Unbalanced (2): the terminal uploads every
 * transaction field 48 counts, 8 per 0320, then the end message (60.3 = 202, total count); the
 * batch then closes. Each step is committed before the next message goes (0500 attempt, upload
 * due, entries acknowledged), so an interrupted settlement resumes where it stopped: 0500 again
 * while no 0510 was recorded, else the rest of the upload and the end message.
 */
import { isPosError, type PosErrorCode } from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import {
  batchUploadEndRequestToMessage,
  batchUploadRequestToMessage,
  MAX_BATCH_UPLOAD_ENTRIES,
  parseBatchUploadResponse,
  parseSettlementResponse,
  ReconciliationCode,
  settlementRequestToMessage,
} from '../iso8583/views/cupPos.js';
import type { Journal } from '../journal/Journal.js';
import type { BatchTotals } from '../journal/types.js';
import type { Logger } from '../log.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { ForwardReport } from '../txn/Forwarder.js';
import type { Lane } from '../txn/Lane.js';
import type { HostPort } from '../txn/ports.js';

export interface SettlementResult {
  /** balanced: closed on the 0510; uploaded: closed after a batch upload. */
  outcome: 'balanced' | 'uploaded' | 'unbalanced' | 'refused' | 'failed';
  /** The batch this settlement addressed (60.2 of its messages). */
  batch: string;
  /** The batch now open (changes when the settled batch closes). */
  openBatch: string;
  totals: BatchTotals;
  /** The host's reconciliation code: 1 balanced, 2 unbalanced, 3 error. */
  reconciliation?: string;
  responseCode?: string;
  forwarded: ForwardReport;
  /** Batch upload: entries acknowledged by the host (all of them once the batch closed). */
  uploaded?: { entries: number; messages: number };
  textEn: string;
  textZh: string;
  reason?: { code: PosErrorCode; message: string };
  /** Older batches settled first, in the same call (see Settler). */
  earlier?: SettlementResult[];
}

/** Counts in settlement field 48 are n3. */
export const MAX_FIELD48_COUNT = 999;

export interface SettleDeps {
  profile: TerminalProfile;
  journal: Journal;
  host: HostPort;
  lane: Lane;
  forwarder: { forwardAll(): Promise<ForwardReport> };
  log: Logger;
}

/** Settles `batch` (default: the open batch) under its own number. */
export async function settleBatch(d: SettleDeps, batch?: string): Promise<SettlementResult> {
  const { journal, profile } = d;
  const forwarded = await d.forwarder.forwardAll();
  batch ??= journal.currentBatch();
  const totals = journal.totals(batch);
  const base = { batch, openBatch: journal.currentBatch(), totals, forwarded };
  const owed =
    journal.pendingReversals().length +
    journal.listQueue('pending').length +
    journal.listQueue('sent').length;
  if (owed > 0) {
    return {
      ...base,
      outcome: 'refused',
      textEn: `${owed} reversal(s) or advice(s) still to send: forward them first`,
      textZh: '有未上送的冲正或离线交易,请先上送',
      reason: { code: 'SETTLE_QUEUE_NOT_EMPTY', message: `${owed} item(s) still owed to the host` },
    };
  }
  const state = journal.batchState(batch);
  if (state === 'closed') {
    return {
      ...base,
      outcome: 'refused',
      textEn: `batch ${batch} is already settled`,
      textZh: '该批次已结算',
      reason: { code: 'SETTLE_BATCH_CLOSED', message: `batch ${batch} is closed` },
    };
  }
  if (state === 'uploading') {
    d.log.info({ batch }, 'resuming the batch upload');
    return upload(d, base);
  }
  if (totals.debitCount > MAX_FIELD48_COUNT || totals.creditCount > MAX_FIELD48_COUNT) {
    return {
      ...base,
      outcome: 'failed',
      textEn: `more than ${MAX_FIELD48_COUNT} sales or refunds in one batch: field 48 cannot carry them`,
      textZh: '批次交易笔数超过999,无法结算',
      reason: { code: 'SETTLE_BATCH_TOO_LARGE', message: 'batch counts exceed n3' },
    };
  }
  const msg = settlementRequestToMessage({
    stan: journal.nextStan(),
    terminalId: profile.terminalId,
    merchantId: profile.merchantId,
    batch,
    operatorId: profile.operatorId,
    currency: profile.currency,
    totals: {
      debitTotalMinor: totals.debitAmountMinor,
      debitCount: totals.debitCount,
      creditTotalMinor: totals.creditAmountMinor,
      creditCount: totals.creditCount,
      reconciliation: ReconciliationCode.Terminal,
    },
  });
  journal.settlementAttempt(batch);
  const sent = await send(d, msg, batch, 'settlement');
  if ('failure' in sent) {
    return {
      ...base,
      outcome: 'failed',
      // HOST_BAD_MAC: an answer that does not verify (an A0 included) decides nothing
      textEn:
        sent.failure.code === 'HOST_BAD_MAC'
          ? 'settlement answer failed the MAC check'
          : 'settlement not answered',
      textZh: sent.failure.code === 'HOST_BAD_MAC' ? '结算应答MAC校验失败' : '结算无应答',
      reason: sent.failure,
    };
  }
  const resp = parseSettlementResponse(sent.message);
  const reconciliation = resp.totals?.reconciliation;
  if (resp.responseCode !== '00' || reconciliation === undefined) {
    return {
      ...base,
      outcome: 'failed',
      responseCode: resp.responseCode,
      textEn: `settlement declined (${resp.responseCode})`,
      textZh: `结算失败 (${resp.responseCode})`,
      reason: { code: 'SETTLE_DECLINED', message: `host answered ${resp.responseCode}` },
    };
  }
  if (reconciliation === ReconciliationCode.Balanced) {
    const openBatch = journal.closeBatch(batch);
    d.log.info({ batch, openBatch, totals }, 'batch settled, balanced');
    return {
      ...base,
      openBatch,
      outcome: 'balanced',
      reconciliation,
      responseCode: '00',
      textEn: 'settled, balanced',
      textZh: '结算成功,对账平',
    };
  }
  if (reconciliation === ReconciliationCode.Unbalanced) {
    const entries = journal.uploadEntries(batch).length;
    journal.uploadDue(batch, reconciliation, entries);
    d.log.warn({ batch, reconciliation, entries }, 'settlement unbalanced: batch upload');
    return upload(d, { ...base, reconciliation, responseCode: resp.responseCode });
  }
  d.log.warn({ batch, reconciliation }, 'settlement: host reports an error');
  return {
    ...base,
    outcome: 'unbalanced',
    reconciliation,
    responseCode: resp.responseCode,
    textEn: `the host could not reconcile the batch (code ${reconciliation}), batch left open`,
    textZh: '主机对账出错,批次未关闭',
    reason: { code: 'SETTLE_HOST_ERROR', message: `reconciliation code ${reconciliation}` },
  };
}

type Base = Pick<
  SettlementResult,
  'batch' | 'openBatch' | 'totals' | 'forwarded' | 'reconciliation' | 'responseCode'
>;

/**
 * Batch upload: the entries not yet acknowledged, 8 per 0320, each acknowledgement committed;
 * then the end message with the batch's total count. 0330 00 to the end message closes the batch.
 */
async function upload(d: SettleDeps, base: Base): Promise<SettlementResult> {
  const { journal, profile } = d;
  const { batch } = base;
  const ids = { terminalId: profile.terminalId, merchantId: profile.merchantId, batch };
  const entries = journal.uploadEntries(batch);
  const fail = (
    code: PosErrorCode,
    message: string,
    en: string,
    zh: string,
    done: number,
    messages: number,
  ) => ({
    ...base,
    outcome: 'unbalanced' as const,
    uploaded: { entries: done, messages },
    textEn: `batch upload stopped: ${en}; settle again to resume`,
    textZh: `批上送中断: ${zh},请重新结算`,
    reason: { code, message },
  });
  let done = entries.filter((e) => e.uploaded).length;
  let messages = 0;
  /** One 0320 and its 0330: the result to return when the upload stops there. */
  const step = async (msg: IsoMessage, what: string, which: string) => {
    const sent = await send(d, msg, batch, what);
    if ('failure' in sent)
      return fail(sent.failure.code, sent.failure.message, 'no answer', '无应答', done, messages);
    const rc = parseBatchUploadResponse(sent.message).responseCode;
    if (rc === '00') return undefined;
    return fail(
      'SETTLE_UPLOAD_DECLINED',
      `host answered ${rc}${which}`,
      `declined (${rc})`,
      `被拒 (${rc})`,
      done,
      messages,
    );
  };
  const missing = entries.filter((e) => e.pan === null).length;
  if (missing > 0) {
    return fail(
      'SETTLE_UPLOAD_NO_CARD',
      `${missing} transaction(s) of the batch have no stored card number`,
      'card numbers missing',
      '缺少卡号',
      done,
      messages,
    );
  }
  const todo = entries.filter((e) => !e.uploaded);
  for (let i = 0; i < todo.length; i += MAX_BATCH_UPLOAD_ENTRIES) {
    const chunk = todo.slice(i, i + MAX_BATCH_UPLOAD_ENTRIES);
    const msg = batchUploadRequestToMessage({
      ...ids,
      stan: journal.nextStan(),
      entries: chunk.map((e) => ({ stan: e.stan, amountMinor: e.amountMinor, pan: e.pan as string })),
    });
    const stopped = await step(msg, 'batch upload', '');
    if (stopped) return stopped;
    journal.markUploaded(chunk.map((e) => e.txnId));
    done += chunk.length;
    messages++;
  }
  const end = batchUploadEndRequestToMessage({
    ...ids,
    stan: journal.nextStan(),
    totalCount: entries.length,
  });
  const stopped = await step(end, 'batch upload end', ' to the end');
  if (stopped) return stopped;
  const openBatch = journal.closeBatch(batch);
  d.log.info({ batch, openBatch, entries: entries.length, messages }, 'batch uploaded and closed');
  return {
    ...base,
    openBatch,
    outcome: 'uploaded',
    uploaded: { entries: entries.length, messages },
    textEn: `totals differed: ${entries.length} transaction(s) uploaded, batch closed`,
    textZh: `对账不平,已批上送${entries.length}笔,批次已结`,
  };
}

/** One request through the lane; a coded failure instead of a throw when the host does not answer. */
async function send(
  d: SettleDeps,
  msg: IsoMessage,
  batch: string,
  what: string,
): Promise<{ message: IsoMessage } | { failure: { code: PosErrorCode; message: string } }> {
  try {
    const answer = await d.lane.run(() => d.host.send(msg));
    return { message: answer.message };
  } catch (e) {
    if (!isPosError(e)) throw e;
    const badMac = e.code === 'HOST_BAD_MAC';
    d.log.warn(
      { code: e.code, batch },
      badMac ? `${what} answer failed the MAC check` : `${what} not answered`,
    );
    return { failure: { code: e.code, message: e.message } };
  }
}
