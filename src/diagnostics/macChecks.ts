/**
 * `host.mac`: a MAC checked on a real answer. Network management messages (sign-on, echo)
 * carry no MAC (host-cup-pos.md section 3), so the check sends a balance inquiry (0200, no money
 * moves) with a card the technician presents (`posterm diag --card`): standalone through diag's
 * own session (HostProbe.macCheck), beside a running runtime through its `inquiry` call, which
 * verifies the answer's MAC as it does for every financial answer.
 */
import type { PostermClient } from '../control/PostermClient.js';
import { PosError } from '../errors.js';
import type { CardReadResult } from '../txn/ports.js';
import { causeFailure } from './causeFailure.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { HostProbe } from './HostProbe.js';
import type { ReaderProbe } from './ReaderProbe.js';
import { FROM_RUNTIME } from './runtimeFactChecks.js';

export const NEEDS_CARD =
  'needs a card: run posterm diag --card and present one (a balance inquiry; no money moves)';

/** Called before the card is asked for, with how long the reader waits (the CLI prompts). */
export type OnCardWait = (timeoutS: number) => void;

function noCard(r: Exclude<CardReadResult, { outcome: 'card' }>): CheckOutcome {
  const evidence = { cardRead: r.outcome, reason: r.reason };
  if (r.outcome === 'unavailable') return { result: 'fail', evidence, hint: 'reader.noAnswer' };
  return { result: 'warn', evidence, hint: 'host.noCard' };
}

export async function standaloneMacCheck(
  reader: ReaderProbe,
  host: HostProbe,
  timeoutS: number,
  onCardWait?: OnCardWait,
): Promise<CheckOutcome> {
  onCardWait?.(timeoutS);
  const r = await reader.readCard(timeoutS);
  if (r.outcome !== 'card') return noCard(r);
  return host.macCheck(r.card);
}

export async function runtimeMacCheck(
  client: PostermClient,
  timeoutS: number,
  onCardWait?: OnCardWait,
): Promise<CheckOutcome> {
  onCardWait?.(timeoutS);
  const res = await client.inquiry({}, { timeoutMs: (timeoutS + 60) * 1000 });
  const evidence = {
    source: FROM_RUNTIME,
    mti: '0200',
    maskedPan: res.maskedPan ?? null,
    outcome: res.outcome,
    responseCode: res.responseCode ?? null,
    ...(res.reason ? { code: res.reason.code } : {}),
  };
  const code = res.reason?.code;
  if (code === 'READER_NO_CARD' || code === 'READER_CANCELLED' || code === 'READER_DECLINED')
    return { result: 'warn', evidence, hint: 'host.noCard' };
  if (code === 'READER_UNAVAILABLE') return { result: 'fail', evidence, hint: 'reader.unavailable' };
  if (code) {
    const e = new PosError(code, res.reason?.message ?? code);
    return causeFailure(e, {
      ...evidence,
      mac: code === 'HOST_BAD_MAC' ? 'missing or wrong' : 'not checked',
    });
  }
  if (res.responseCode === 'A0') return { result: 'fail', evidence, hint: 'host.macRejected' };
  return pass({ ...evidence, mac: 'verified by the runtime' });
}
