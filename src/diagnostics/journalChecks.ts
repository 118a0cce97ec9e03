/**
 * Journal checks. The verdicts (reversals, queue, disk) are pure functions of the rows and
 * numbers, shared by both modes: standalone reads them from the journal opened here
 * (JournalAccess), the running-runtime mode from the runtime's status and queue list.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { isPosError, type PosError } from '../errors.js';
import { queueRows } from '../runtime/queueRows.js';
import type { QueueRow } from '../runtime/RuntimeApi.js';
import { type CheckOutcome, notApplicable, pass } from './DiagResult.js';
import type { HintId } from './hints.js';
import type { JournalAccess } from './JournalAccess.js';

const NO_JOURNAL = 'no journal yet (journal.integrity)';

function openHint(e: PosError): HintId {
  switch (e.code) {
    case 'JOURNAL_LOCKED':
      return 'journal.locked';
    case 'JOURNAL_CORRUPT':
    case 'JOURNAL_DB_CORRUPT':
      return 'journal.corrupt';
    case 'JOURNAL_KEY_MISSING':
      return 'profile.journalKeyMissing';
    case 'JOURNAL_KEY_FILE_MODE':
      return 'profile.keyFileMode';
    default:
      return 'journal.openFailed';
  }
}

/** `journal.integrity` (standalone): the journal opens (lock, key) and SQLite's quick_check says ok. */
export async function checkJournalIntegrity(access: JournalAccess): Promise<CheckOutcome> {
  const o = access.open();
  const file = access.path;
  if ('missing' in o) return { result: 'warn', evidence: { file, exists: false }, hint: 'journal.missing' };
  if ('error' in o) {
    return {
      result: 'fail',
      evidence: { file, code: o.error.code, message: o.error.message },
      hint: openHint(o.error),
    };
  }
  try {
    const q = o.journal.quickCheck();
    const evidence = {
      file,
      opened: 'by diag (runtime stopped; closed at the end)',
      quickCheck: q.messages.slice(0, 3),
    };
    return q.ok ? pass(evidence) : { result: 'fail', evidence, hint: 'journal.corrupt' };
  } catch (e) {
    if (!isPosError(e)) throw e;
    return { result: 'fail', evidence: { file, code: e.code, message: e.message }, hint: 'journal.corrupt' };
  }
}

/** `journal.key` (standalone): the key file opens the card data stored in the journal. */
export async function checkJournalKey(access: JournalAccess): Promise<CheckOutcome> {
  const j = access.journal();
  if (!j) return notApplicable(NO_JOURNAL);
  const k = j.keyCheck();
  const evidence = { keyCheck: k.status, recordsTried: k.checked };
  return k.status === 'mismatch' ? { result: 'fail', evidence, hint: 'journal.keyMismatch' } : pass(evidence);
}

/** Pending reversals: any past the attempt limit is a fail, any other pending one a warning. */
export function judgeReversals(rows: QueueRow[], extra: Record<string, unknown> = {}): CheckOutcome {
  const revs = rows.filter((r) => r.type === 'reversal');
  const over = revs.filter((r) => r.overLimit);
  const evidence = {
    ...extra,
    pending: revs.length,
    overLimit: over.length,
    items: revs.slice(0, 10).map((r) => ({
      stan: r.stan,
      amountMinor: r.amountMinor,
      reason: r.reason,
      attempts: r.attempts,
      ageS: r.ageS,
      lastResult: r.lastResult,
      overLimit: r.overLimit === true,
    })),
  };
  if (over.length > 0) return { result: 'fail', evidence, hint: 'journal.reversalOverLimit' };
  if (revs.length > 0) return { result: 'warn', evidence, hint: 'journal.reversalPending' };
  return pass(evidence);
}

/** Store-and-forward queue: depth, and the oldest advice's age against offline.maxAgeS (warn over it). */
export function judgeQueue(
  rows: QueueRow[],
  maxAgeS: number,
  extra: Record<string, unknown> = {},
): CheckOutcome {
  const advices = rows.filter((r) => r.type === 'advice');
  const waiting = advices.filter((r) => r.state === 'pending' || r.state === 'sent');
  const oldestAgeS = waiting.reduce<number | null>((m, r) => (m === null || r.ageS > m ? r.ageS : m), null);
  const evidence = {
    ...extra,
    depth: waiting.length,
    refusedAfterTheFact: advices.length - waiting.length,
    oldestAgeS,
    maxAgeS,
  };
  if (oldestAgeS !== null && oldestAgeS > maxAgeS)
    return { result: 'warn', evidence, hint: 'journal.queueOld' };
  return pass(evidence);
}

/** Disk: free bytes on the journal's filesystem against journal.minFreeBytes (below: sales refused). */
export function judgeDisk(
  freeBytes: number | null,
  minFreeBytes: number,
  extra: Record<string, unknown> = {},
) {
  const evidence = { ...extra, freeBytes, minFreeBytes };
  if (freeBytes !== null && freeBytes < minFreeBytes)
    return { result: 'fail', evidence, hint: 'journal.diskLow' } satisfies CheckOutcome;
  return pass(evidence);
}

export async function checkJournalReversals(access: JournalAccess, now = Date.now()): Promise<CheckOutcome> {
  const j = access.journal();
  if (!j) return notApplicable(NO_JOURNAL);
  return judgeReversals(queueRows(j, false, now));
}

export async function checkJournalQueue(
  access: JournalAccess,
  maxAgeS: number,
  now = Date.now(),
): Promise<CheckOutcome> {
  const j = access.journal();
  if (!j) return notApplicable(NO_JOURNAL);
  return judgeQueue(queueRows(j, false, now), maxAgeS);
}

/** Standalone disk check: statfs of the journal's directory (works without opening the journal). */
export async function checkJournalDisk(journalPath: string, minFreeBytes: number): Promise<CheckOutcome> {
  const dir = dirname(journalPath);
  let free: number | null;
  try {
    const st = statfsSync(dir);
    free = st.bavail * st.bsize;
  } catch {
    free = null;
  }
  return judgeDisk(free, minFreeBytes, { dir });
}

/** An open batch whose oldest counted sale is older than this warns (its money waits for it). */
export const BATCH_WARN_AGE_S = 24 * 3600;

/**
 * `journal.batch` (standalone): the open batch, its counted sales and refunds, and the age of the
 * oldest; older than 24 h warns (money for a sale is paid after its batch is settled). Older
 * unsettled batches are named too.
 */
export async function checkOpenBatch(access: JournalAccess, now = Date.now()): Promise<CheckOutcome> {
  const j = access.journal();
  if (!j) return notApplicable(NO_JOURNAL);
  const batches = j.unsettledBatches();
  const open = batches.find((b) => b.current);
  const batch = open?.batch ?? j.currentBatch();
  const counted = j
    .listTransactions({ batch, limit: 100_000 })
    .filter(
      (t) =>
        !t.voided &&
        ((['purchase', 'offline-sale'].includes(t.kind) &&
          ['approved', 'offline-approved'].includes(t.state)) ||
          (t.kind === 'refund' && t.state === 'approved')),
    );
  const oldest = counted.reduce<number | null>(
    (m, t) => (m === null || t.times.created.wallMs < m ? t.times.created.wallMs : m),
    null,
  );
  const oldestAgeS = oldest === null ? null : Math.round((now - oldest) / 1000);
  const evidence = {
    batch,
    counted: counted.length,
    oldestAt: oldest === null ? null : new Date(oldest).toISOString(),
    oldestAgeS,
    warnOverS: BATCH_WARN_AGE_S,
    olderUnsettled: batches.filter((b) => !b.current).map((b) => ({ batch: b.batch, state: b.state })),
  };
  if ((oldestAgeS !== null && oldestAgeS > BATCH_WARN_AGE_S) || evidence.olderUnsettled.length > 0)
    return { result: 'warn', evidence, hint: 'journal.batchOld' };
  return pass(evidence);
}
