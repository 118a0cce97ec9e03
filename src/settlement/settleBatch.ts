/**
 * Batch settlement (0500/0510, host-cup-pos.md section 5). Everything the terminal owes the
 * host is forwarded first (section 7: reversals and advices finish before a settlement); if
 * anything is still pending the settlement is refused. Balanced: the batch closes and the next
 * batch number is taken. Unbalanced: the host wants a batch upload (0320), which needs the full
 * PANs the journal no longer keeps after authorisation; the batch stays open and the result
 * says so.
 */
import { isPosError } from '../errors.js';
import {
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
  outcome: 'balanced' | 'unbalanced' | 'refused' | 'failed';
  batch: string;
  /** The batch now open (changes only when balanced). */
  openBatch: string;
  totals: BatchTotals;
  /** The host's reconciliation code: 1 balanced, 2 unbalanced, 3 error. */
  reconciliation?: string;
  responseCode?: string;
  forwarded: ForwardReport;
  textEn: string;
  textZh: string;
  reason?: { code: string; message: string };
}

export interface SettleDeps {
  profile: TerminalProfile;
  journal: Journal;
  host: HostPort;
  lane: Lane;
  forwarder: { forwardAll(): Promise<ForwardReport> };
  log: Logger;
}

export async function settleBatch(d: SettleDeps): Promise<SettlementResult> {
  const { journal, profile } = d;
  const forwarded = await d.forwarder.forwardAll();
  const batch = journal.currentBatch();
  const totals = journal.totals(batch);
  const base = { batch, openBatch: batch, totals, forwarded };
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
  let answer: Awaited<ReturnType<HostPort['send']>>;
  try {
    answer = await d.lane.run(() => d.host.send(msg));
  } catch (e) {
    if (!isPosError(e)) throw e;
    // HOST_BAD_MAC: an answer that does not verify (an A0 included) decides nothing
    const badMac = e.code === 'HOST_BAD_MAC';
    d.log.warn(
      { code: e.code, batch },
      badMac ? 'settlement answer failed the MAC check' : 'settlement not answered',
    );
    return {
      ...base,
      outcome: 'failed',
      textEn: badMac ? 'settlement answer failed the MAC check' : 'settlement not answered',
      textZh: badMac ? '结算应答MAC校验失败' : '结算无应答',
      reason: { code: e.code, message: e.message },
    };
  }
  const resp = parseSettlementResponse(answer.message);
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
    const openBatch = journal.closeBatch();
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
  d.log.warn({ batch, reconciliation }, 'settlement unbalanced');
  return {
    ...base,
    outcome: 'unbalanced',
    reconciliation,
    responseCode: resp.responseCode,
    textEn: 'totals differ from the host: batch upload needed (not supported yet), batch left open',
    textZh: '对账不平,需批上送(暂不支持),批次未关闭',
    reason: {
      code: reconciliation === '3' ? 'SETTLE_HOST_ERROR' : 'SETTLE_UNBALANCED',
      message: `reconciliation code ${reconciliation}`,
    },
  };
}
