/**
 * The online exchange of one committed request: send it (marked sent in the journal right
 * before its bytes leave), and classify a failure: not sent (the request is abandoned), not
 * recorded (the bytes were kept from leaving), or no answer (98) / an answer that cannot be
 * trusted (A0): a reversible request becomes a pending reversal.
 */
import {
  isHostDown,
  isHostFailure,
  isJournalWriteFailure,
  isProtocolFailure,
  isUnauthenticatedAnswer,
  type PosError,
} from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { FinancialResponse } from '../iso8583/views/cupPos.js';
import type { TxnRecord } from '../journal/types.js';
import { crashPoint } from './crashPoints.js';

import type { TxnContext } from './TxnContext.js';
import type { TxnEngineDeps } from './TxnEngineDeps.js';
import type { TxnRecorder } from './TxnRecorder.js';

export type Online =
  | { kind: 'answer'; resp: FinancialResponse; message: IsoMessage; hostMs: number }
  | { kind: 'not-sent'; error: PosError }
  /** markSent could not be committed: the bytes were kept from leaving */
  | { kind: 'unrecorded'; error: PosError }
  | { kind: 'no-answer'; error: PosError; reason: '98' | 'A0' };

export function sendOnline(
  d: TxnEngineDeps,
  recorder: TxnRecorder,
  rec: TxnRecord,
  msg: IsoMessage,
  parse: (m: IsoMessage) => FinancialResponse,
  ctx: TxnContext = {},
): Promise<Online> {
  return d.lane.run(async () => {
    let written = false;
    let markFailed: PosError | undefined;
    try {
      const ans = await d.host.send(msg, {
        onWritten: () => {
          try {
            d.journal.markSent(rec.id);
          } catch (e) {
            // Journal before wire: the throw keeps the bytes from leaving (HostPort contract).
            if (isJournalWriteFailure(e)) markFailed = e;
            throw e;
          }
          written = true;
          crashPoint('after-commit');
          ctx.onStep?.('sent', rec.id);
        },
      });
      crashPoint('after-answer');
      return { kind: 'answer', resp: parse(ans.message), message: ans.message, hostMs: ans.hostMs };
    } catch (e) {
      if (markFailed) {
        recorder.record(rec, { op: 'abort' }, () => d.journal.abort(rec.id));
        return { kind: 'unrecorded', error: markFailed };
      }
      if (!isHostFailure(e)) throw e;
      if (!written) {
        recorder.record(rec, { op: 'abort' }, () => d.journal.abort(rec.id));
        if (isHostDown(e)) d.log.warn({ code: e.code }, 'host unreachable: request not sent');
        else d.log.error({ code: e.code, reason: e.message }, 'request not sent: host link failure');
        return { kind: 'not-sent', error: e };
      }
      // An answer that failed authentication or could not be understood: A0; none: 98.
      const reason = isUnauthenticatedAnswer(e) || isProtocolFailure(e) ? 'A0' : '98';
      recorder.record(rec, { op: 'no-answer', reason }, () => d.journal.recordNoAnswer(rec.id, reason));
      return { kind: 'no-answer', error: e, reason };
    }
  });
}
