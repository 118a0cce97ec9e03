/**
 * A sale approved by the terminal under the profile's offline limits: one commit records it and
 * queues its 0220 advice (60.1 = 30, the terminal's approval code in 38); the forwarder sends it
 * when the host is back. Over a limit: declined locally, with the reason.
 */
import type { Clock } from '../clock.js';
import { offlineSaleAdviceRequestToMessage } from '../iso8583/views/cupPos.js';
import type { Journal } from '../journal/Journal.js';
import { maskPan } from '../mask.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import type { Forwarder } from './Forwarder.js';
import { localResult } from './localResult.js';
import { localParts } from './localTime.js';
import { decideOffline, offlineApprovalCode } from './OfflinePolicy.js';
import type { CardRead } from './ports.js';
import { splitForJournal, viewCard } from './requestFields.js';
import type { TxnResult } from './types.js';

export interface OfflineDeps {
  journal: Journal;
  profile: TerminalProfile;
  clock: Clock;
  forwarder: Pick<Forwarder, 'kick'>;
}

export function approveOffline(
  d: OfflineDeps,
  sale: { card: CardRead; amountMinor: number; inHand: number; cardMs: number; tillId?: string },
): TxnResult {
  const { journal, profile, clock } = d;
  const { card, amountMinor, inHand, cardMs } = sale;
  const decision = decideOffline(profile.offline, journal.offlineTotals(), amountMinor, card.entryInterface);
  if (!decision.allowed) {
    return {
      ...localResult('purchase', 'declined', decision.refusal!, decision.en, decision.zh, { amountMinor }),
      maskedPan: maskPan(card.pan),
      entryInterface: card.entryInterface,
    };
  }
  const { stan, codeNumber } = journal.nextOfflineIds();
  const authCode = offlineApprovalCode(codeNumber);
  const t = localParts(clock.now(), profile.timeZone);
  const { track2: _track2, ...chipCard } = viewCard(card);
  const msg = offlineSaleAdviceRequestToMessage({
    terminalId: profile.terminalId,
    merchantId: profile.merchantId,
    currency: profile.currency,
    ...chipCard,
    stan,
    batch: journal.currentBatch(),
    amountMinor,
    localTime: t.hhmmss,
    localDate: t.mmdd,
    offlineAuthCode: authCode,
  });
  const { fields, card: stored } = splitForJournal(msg);
  const { txn } = journal.enqueueAdvice({
    amountMinor,
    currency: profile.currency,
    entryMode: msg.fields[22],
    authCode,
    stan,
    card: stored!,
    fields,
    tillId: sale.tillId,
  });
  d.forwarder.kick(0);
  return {
    id: txn.id,
    kind: 'offline-sale',
    outcome: 'approved',
    approval: 'offline',
    responseCode: '00',
    textEn: 'approved offline',
    textZh: '离线批准',
    amountMinor,
    stan,
    batch: txn.batch,
    authCode,
    maskedPan: maskPan(card.pan),
    entryInterface: card.entryInterface,
    timings: { cardMs, totalMs: clock.monotonic() - inHand },
  };
}
