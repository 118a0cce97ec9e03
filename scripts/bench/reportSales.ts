/**
 * The synthetic input of the settlement report bench (issue 11): a month of T1 sales, a tenth
 * offline, a twentieth in open batches, up to 3 host answers each with every reason. Shared by
 * `bench:report` and the profiling runs described in docs/benchmarks.md.
 */
import type { SettlementObservationRecord, TrackedTxn } from '../../src/journal/types.js';
import { seededRandom } from '../../src/seededRandom.js';
import type { ReportTxnInput } from '../../src/settlement/report/buildSettlementReport.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const AS_OF = Date.parse('2026-03-31T12:00:00+08:00');
const REASONS = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09'];

/** A month of T1 sales, a tenth offline, a twentieth in open batches, up to 3 host answers each. */
export function salesOf(count: number): ReportTxnInput[] {
  const hostTime = (ms: number) => new Date(ms + 8 * HOUR).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const rnd = seededRandom(11);
  const int = (n: number) => Math.floor(rnd() * n);
  const txns: ReportTxnInput[] = [];
  for (let i = 0; i < count; i++) {
    const auth = AS_OF - 30 * DAY + int(30 * DAY);
    const offline = int(10) === 0;
    const txn: TrackedTxn = {
      txnId: i + 1,
      rrn: String(100000000000 + i),
      kind: offline ? 'offline-sale' : 'purchase',
      approvalMode: offline ? 'offline' : 'online',
      amountMinor: 100 + int(500_000),
      maskedPan: `621234******${String(i % 10_000).padStart(4, '0')}`,
      batch: String(1 + Math.floor((auth - (AS_OF - 30 * DAY)) / DAY)).padStart(6, '0'),
      authorisedAt: auth,
    };
    if (offline) txn.queuedOffline = { from: auth, forwardedAt: auth + int(20 * HOUR) };
    if (int(20) !== 0) txn.batchSettledAt = auth + int(30 * HOUR);
    const observations: SettlementObservationRecord[] = [];
    for (let k = int(4); k > 0; k--) {
      const status = 'PCAAHF'[int(6)];
      const learnt = auth + int(6 * DAY);
      if (learnt > AS_OF) continue;
      observations.push({
        id: observations.length + 1,
        txnId: i + 1,
        rrn: txn.rrn,
        learntAt: learnt,
        status,
        mode: 'T1',
        expectedArrival: hostTime(auth + DAY + int(4 * DAY)),
        clearedAt: status === 'P' ? null : hostTime(auth + int(DAY)),
        arrivedAt: status === 'A' ? hostTime(Math.min(learnt, auth + DAY + int(3 * DAY))) : null,
        delayReason: int(2) === 0 ? '00' : REASONS[int(REASONS.length)],
        record: '',
      });
    }
    observations.sort((a, b) => a.learntAt - b.learntAt);
    txns.push({ txn, observations });
  }
  // As the journal gives them: by id, and ids are given as sales are made (the builder checks
  // the order and sorts only input that is out of it).
  txns.sort((a, b) => a.txn.authorisedAt - b.txn.authorisedAt);
  txns.forEach((t, i) => {
    t.txn.txnId = i + 1;
    for (const o of t.observations) o.txnId = i + 1;
  });
  return txns;
}
