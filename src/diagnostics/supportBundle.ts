/**
 * `posterm diag --bundle FILE`: a support bundle, tar.gz, for the technician to send to support:
 *   diag.json      the diag report
 *   profile.json   the profile as loaded, keys.tmk removed (file paths kept)
 *   versions.json  posterm, node, the OS
 *   journal.json   journal statistics: counts per state (no card data, no amounts per card)
 *   log.txt        the last 500 lines of the log file, when one is named
 *   manifest.json  what is in it, each member's SHA-256, what redaction did
 * Every member goes through the Redactor (the TMK and the journal key removed in hex and base64,
 * track data removed, PAN-like digit runs masked). The bundle id is the first 8 hex digits of
 * the SHA-256 of the file: the technician reads it out to support.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { PostermClient } from '../control/PostermClient.js';
import { isPosError, PosError } from '../errors.js';
import { loadProfile, profileTmk, type TerminalProfile } from '../profile/loadProfile.js';
import type { DiagReport } from './DiagResult.js';
import { JournalAccess } from './JournalAccess.js';
import { Redactor } from './redact.js';
import { type TarMember, tarGz } from './tarGz.js';

/** Lines of the log file kept in a bundle. */
export const BUNDLE_LOG_LINES = 500;
/** At most this much of the log's end is read to find them. */
const LOG_TAIL_BYTES = 4 * 1024 * 1024;

export interface SupportBundleOptions {
  file: string;
  /** the profile name or file diag was given */
  profile: string;
  report: DiagReport;
  logFile?: string;
  /** wall ms (default Date.now) */
  now?: () => number;
}

export interface SupportBundle {
  file: string;
  /** first 8 hex of the SHA-256 of the bundle file */
  id: string;
  sha256: string;
  bytes: number;
  members: string[];
}

function tryLoad(name: string): TerminalProfile | undefined {
  try {
    return loadProfile(name);
  } catch {
    return undefined;
  }
}

/** The keys this terminal holds, to remove wherever they might appear. */
function knownSecrets(p: TerminalProfile | undefined): Buffer[] {
  if (!p) return [];
  const out: Buffer[] = [];
  try {
    out.push(profileTmk(p));
  } catch {
    // no usable TMK: nothing to look for
  }
  try {
    const hex = readFileSync(p.journal.keyFile, 'utf8').trim();
    if (/^[0-9a-fA-F]{64}$/.test(hex)) out.push(Buffer.from(hex, 'hex'));
  } catch {
    // no key file
  }
  return out;
}

function profileWithoutKeys(p: TerminalProfile): Record<string, unknown> {
  const copy = structuredClone(p) as unknown as Record<string, unknown> & { keys: Record<string, unknown> };
  const removed: string[] = [];
  if (copy.keys.tmk !== undefined) {
    delete copy.keys.tmk;
    removed.push('keys.tmk');
  }
  return { ...copy, _removed: removed };
}

function versions(): Record<string, unknown> {
  let posterm = 'unknown';
  try {
    posterm = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    // not beside its package.json
  }
  let osRelease: string | null = null;
  try {
    osRelease = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    // not Linux, or no os-release
  }
  return {
    posterm,
    node: process.version,
    os: { type: os.type(), release: os.release(), arch: os.arch(), distribution: osRelease },
  };
}

function countBy<T>(rows: readonly T[], key: (r: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
}

/** Counts only: transactions per state and kind, advices per state, reversals, open batches. */
async function journalStats(
  p: TerminalProfile | undefined,
  report: DiagReport,
): Promise<Record<string, unknown>> {
  if (!p) return { available: false, reason: 'the profile did not load' };
  if (report.mode === 'running-runtime' && p.control.socket) {
    try {
      const c = await PostermClient.connect(p.control.socket, {
        connectTimeoutMs: 3000,
        timeoutMs: 3000,
        software: 'posterm-diag-bundle',
      });
      try {
        const [status, queue] = [await c.status(), await c.queueList({ all: true })];
        return {
          available: true,
          source: 'from the running runtime (its journal is not opened a second time)',
          queue: countBy(queue, (r) => `${r.type}:${r.state}`),
          reversalsOverLimit: queue.filter((r) => r.overLimit).length,
          journal: status.journal,
        };
      } finally {
        await c.close().catch(() => {});
      }
    } catch (e) {
      return { available: false, reason: isPosError(e) ? e.code : 'the runtime did not answer' };
    }
  }
  const access = new JournalAccess(p);
  try {
    const o = access.open();
    if ('missing' in o) return { available: false, reason: 'no journal yet' };
    if ('error' in o) return { available: false, reason: o.error.code };
    const j = o.journal;
    const txns = j.listTransactions({ limit: 100_000 });
    return {
      available: true,
      source: 'journal opened read by diag',
      transactions: txns.length,
      transactionsByState: countBy(txns, (t) => t.state),
      transactionsByKind: countBy(txns, (t) => t.kind),
      advicesByState: countBy(j.listQueue(), (a) => a.state),
      pendingReversals: j.pendingReversals().length,
      currentBatch: j.currentBatch(),
      unsettledBatches: j.unsettledBatches().length,
    };
  } finally {
    access.close();
  }
}

/** The last `lines` lines of a text file (reads at most its last 4 MiB). */
export function tailLines(file: string, lines = BUNDLE_LOG_LINES): string[] {
  const size = statSync(file).size;
  const len = Math.min(size, LOG_TAIL_BYTES);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  const all = buf.toString('utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  if (len < size) all.shift(); // a partial first line
  return all.slice(-lines);
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export async function writeSupportBundle(o: SupportBundleOptions): Promise<SupportBundle> {
  const now = o.now ?? Date.now;
  const profile = tryLoad(o.profile);
  const redactor = new Redactor(knownSecrets(profile));
  const members: TarMember[] = [];
  const mtimeS = Math.floor(now() / 1000);
  const add = (name: string, text: string) => members.push({ name, data: text, mtimeS });

  add('diag.json', json(redactor.value(o.report)));
  if (profile) add('profile.json', json(redactor.value(profileWithoutKeys(profile))));
  add('versions.json', json(versions()));
  add('journal.json', json(redactor.value(await journalStats(profile, o.report))));
  let log: Record<string, unknown> = { file: null };
  if (o.logFile) {
    try {
      const lines = tailLines(o.logFile).map((l) => redactor.text(l));
      add('log.txt', lines.length ? `${lines.join('\n')}\n` : '');
      log = { file: redactor.text(o.logFile), lines: lines.length, lastLinesKept: BUNDLE_LOG_LINES };
    } catch (e) {
      log = { file: redactor.text(o.logFile), error: (e as NodeJS.ErrnoException).code ?? 'unreadable' };
    }
  }
  const manifest = {
    bundle: 'posterm support bundle 1',
    createdAt: new Date(now()).toISOString(),
    profile: profile?.name ?? o.profile,
    log,
    redaction: {
      what: 'TMK and journal key removed (hex, base64); track data removed; PAN-like digit runs (13-19) masked to first 6 / last 4; hex runs of 32+ digits removed; key fields dropped',
      counts: { ...redactor.counts },
    },
    members: members.map((m) => ({
      name: m.name,
      bytes: Buffer.byteLength(m.data),
      sha256: createHash('sha256').update(m.data).digest('hex'),
    })),
  };
  add('manifest.json', json(manifest));
  const bytes = tarGz(members);
  try {
    writeFileSync(o.file, bytes, { mode: 0o600 });
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new PosError('DIAG_BUNDLE_FAILED', `cannot write the support bundle ${o.file}: ${errno}`, {
      file: o.file,
      errno,
    });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    file: o.file,
    id: sha256.slice(0, 8),
    sha256,
    bytes: bytes.length,
    members: members.map((m) => m.name),
  };
}
