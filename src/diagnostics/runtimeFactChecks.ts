/**
 * Checks answered from a running runtime (its control socket answered): the reader, host and
 * journal facts come from its `status` and `queueList` through PostermClient. Nothing here opens
 * the serial port or the journal: the runtime holds both (the journal's lock would refuse a
 * second open anyway). Every evidence says where it came from.
 */
import type { QueueRow, RuntimeStatus } from '../runtime/RuntimeApi.js';
import type { SettlementStatusResponse } from '../settlement/settlementReports.js';
import { hintForCause } from './causeHint.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { HintId } from './hints.js';
import { judgeDisk, judgeQueue, judgeReversals } from './journalChecks.js';

export const FROM_RUNTIME = 'from the running runtime';

/** What diag asked the running runtime, once, at the start. */
export interface RuntimeFacts {
  status: RuntimeStatus;
  queue: QueueRow[];
  /** undefined when the runtime did not answer settlementStatus */
  settlement?: SettlementStatusResponse;
}

const JOURNAL_NOT_OPENED = {
  source: FROM_RUNTIME,
  journalOpened: false,
  why: 'the runtime holds the journal (its exclusive lock would refuse a second open)',
};

function readerHint(reason: string): HintId {
  if (/EACCES|EPERM|Permission denied/i.test(reason)) return 'serial.permission';
  if (/lock|EBUSY/i.test(reason)) return 'serial.busy';
  if (/ENOENT|No such file/i.test(reason)) return 'serial.missing';
  return 'reader.unavailable';
}

/** `serial.open` from the runtime: it holds the port open while the reader is connected. */
export async function runtimeSerialOpen(f: RuntimeFacts): Promise<CheckOutcome> {
  const r = f.status.reader;
  const evidence = { source: FROM_RUNTIME, portOpenedByDiag: false, state: r.state, since: r.since ?? null };
  if (r.state === 'connected') return pass(evidence);
  const reason = r.reason ?? 'unknown';
  return { result: 'fail', evidence: { ...evidence, reason }, hint: readerHint(reason) };
}

/** `reader.ping` from the runtime: the reader answered its pings (firmware: see the runtime's log). */
export async function runtimeReader(f: RuntimeFacts): Promise<CheckOutcome> {
  const r = f.status.reader;
  const evidence = { source: FROM_RUNTIME, portOpenedByDiag: false, state: r.state, since: r.since ?? null };
  if (r.state === 'connected') return pass(evidence);
  return {
    result: 'fail',
    evidence: { ...evidence, reason: r.reason ?? 'unknown' },
    hint: 'reader.unavailable',
  };
}

function hostEvidence(s: RuntimeStatus) {
  const e = s.host.lastError;
  return {
    source: FROM_RUNTIME,
    endpoint: s.host.endpoint,
    connected: s.host.connected,
    onBackup: s.host.onBackup,
    lastOkAt: s.host.lastOkAt,
    lastError: e
      ? { code: e.code, cause: e.cause, ...(e.detail ? { detail: e.detail } : {}), at: e.at }
      : null,
  };
}

/** `host.signon` from the runtime: signed on, still signing on (warn), or not (its last error's cause). */
export async function runtimeSignOn(f: RuntimeFacts): Promise<CheckOutcome> {
  const s = f.status;
  const evidence = { ...hostEvidence(s), signedOn: s.signedOn, signingOn: s.signingOn };
  if (s.signedOn) return pass(evidence);
  if (s.signingOn) return { result: 'warn', evidence, hint: 'host.signingOn' };
  const e = s.host.lastError;
  return { result: 'fail', evidence, hint: e ? hintForCause(e.cause) : 'host.notSignedOn' };
}

/**
 * `host.echo` from the runtime: no echo is sent (the runtime sends its own when idle); the
 * verdict is its last exchange: a failure after the last accepted answer fails this check.
 */
export async function runtimeHostExchange(f: RuntimeFacts): Promise<CheckOutcome> {
  const s = f.status;
  const evidence = { ...hostEvidence(s), echoSentByDiag: false };
  const e = s.host.lastError;
  const okAt = s.host.lastOkAt ? Date.parse(s.host.lastOkAt) : Number.NEGATIVE_INFINITY;
  if (e && Date.parse(e.at) >= okAt) return { result: 'fail', evidence, hint: hintForCause(e.cause) };
  return pass(evidence);
}

/** `journal.integrity` from the runtime: writable (quick_check ran when the runtime opened it). */
export async function runtimeJournalHealth(f: RuntimeFacts): Promise<CheckOutcome> {
  const j = f.status.journal;
  const evidence = {
    ...JOURNAL_NOT_OPENED,
    writable: j.writable,
    heldOutcomes: j.heldOutcomes,
    quickCheck: 'run by the runtime when it opened the journal',
  };
  return j.writable ? pass(evidence) : { result: 'fail', evidence, hint: 'journal.notWritable' };
}

/** `journal.key` from the runtime: it refuses to start with a key that does not open the journal. */
export async function runtimeJournalKey(_f: RuntimeFacts): Promise<CheckOutcome> {
  return pass({ ...JOURNAL_NOT_OPENED, keyCheck: 'checked by the runtime when it opened the journal' });
}

export async function runtimeReversals(f: RuntimeFacts): Promise<CheckOutcome> {
  return judgeReversals(f.queue, JOURNAL_NOT_OPENED);
}

export async function runtimeQueue(f: RuntimeFacts, maxAgeS: number): Promise<CheckOutcome> {
  return judgeQueue(f.queue, maxAgeS, JOURNAL_NOT_OPENED);
}

export async function runtimeDisk(f: RuntimeFacts): Promise<CheckOutcome> {
  return judgeDisk(f.status.journal.freeBytes, f.status.journal.minFreeBytes, JOURNAL_NOT_OPENED);
}
