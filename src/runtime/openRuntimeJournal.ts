/**
 * The runtime's journal, opened before anything else touches shared state: the directory (0700
 * when created), the key (made only together with a new journal), the lock (one runtime per
 * journal), then checks that the file is sound and the key is the one its records were sealed
 * with. Every refusal names the file and says what to do.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../clock.js';
import { isPosError, PosError } from '../errors.js';
import { Journal } from '../journal/Journal.js';
import { armJournalFaults } from '../journal/journalFaults.js';
import { journalCorrupt } from '../journal/journalFiles.js';
import { loadKeyFile } from '../journal/loadKeyFile.js';
import type { Logger } from '../log.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import { explainLocked, removePidFile, writePidFile } from './journalPidFile.js';

export function openRuntimeJournal(profile: TerminalProfile, clock: Clock, log: Logger): Journal {
  const { path, keyFile } = profile.journal;
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      log.warn({ dir, mode: mode.toString(8) }, 'journal directory is open to others; its files are 0600');
    }
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new PosError('JOURNAL_DIR', `cannot create the journal directory ${dir}: ${errno}`, {
      key: 'journal.path',
      file: dir,
      errno,
    });
  }
  const exists = fileHasData(path);
  const key = loadKeyFile(keyFile, { journal: { path, exists } });
  let journal: Journal;
  try {
    journal = Journal.open({ path, key, clock, reversalAttemptLimit: profile.reversal.maxAttempts });
  } catch (e) {
    throw explainLocked(e, path);
  }
  writePidFile(path);
  const ps = journal.pageSize;
  if (ps.outcome === 'converted')
    log.info({ from: ps.from, pageSize: ps.pageSize }, 'journal rebuilt at a smaller page size');
  if (ps.outcome === 'kept') {
    log.warn(
      { pageSize: ps.pageSize, reason: ps.reason },
      'journal keeps its larger page size: each sale writes more bytes to the flash',
    );
  }
  try {
    const quick = journal.quickCheck();
    if (!quick.ok) throw journalCorrupt(path, { check: quick.messages.slice(0, 3) });
    if (journal.keyCheck().status === 'mismatch') {
      throw new PosError(
        'JOURNAL_KEY_MISMATCH',
        `key file ${keyFile} does not open the card data in journal ${path}: restore the journal's key file from backup (the journal cannot be read without it)`,
        { file: keyFile, journal: path },
      );
    }
    armJournalFaults(journal, log); // test-only (POSTERM_JOURNAL_FAULTS); inert when unset
    return journal;
  } catch (e) {
    journal.close();
    removePidFile(path);
    if (isPosError(e, 'JOURNAL_DB_CORRUPT')) throw journalCorrupt(path, e.context, e);
    throw e;
  }
}

function fileHasData(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
