/**
 * The journal for standalone diagnostics: opened at most once, through the normal open (it takes
 * the journal's exclusive lock, which only succeeds when no runtime holds it), never created
 * (no journal file: nothing is opened and no key is made), closed at the end of the run.
 */
import { statSync } from 'node:fs';
import { isPosError, type PosError } from '../errors.js';
import { Journal } from '../journal/Journal.js';
import { loadKeyFile } from '../journal/loadKeyFile.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import { explainLocked } from '../runtime/journalPidFile.js';

export type JournalOpening = { journal: Journal } | { missing: true } | { error: PosError };

export class JournalAccess {
  private opening?: JournalOpening;

  constructor(private readonly profile: TerminalProfile) {}

  get path(): string {
    return this.profile.journal.path;
  }

  /** True once the journal was opened by this process. */
  get opened(): boolean {
    return this.opening !== undefined && 'journal' in this.opening;
  }

  open(): JournalOpening {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  /** The open journal, or undefined (missing, or it would not open). */
  journal(): Journal | undefined {
    const o = this.open();
    return 'journal' in o ? o.journal : undefined;
  }

  close(): void {
    if (this.opening && 'journal' in this.opening) this.opening.journal.close();
  }

  private doOpen(): JournalOpening {
    const { path, keyFile } = this.profile.journal;
    try {
      if (statSync(path).size === 0) return { missing: true };
    } catch {
      return { missing: true };
    }
    try {
      // the journal exists: a missing key file is refused, never made
      const key = loadKeyFile(keyFile, { journal: { path, exists: true } });
      return {
        journal: Journal.open({ path, key, reversalAttemptLimit: this.profile.reversal.maxAttempts }),
      };
    } catch (e) {
      const err = explainLocked(e, path);
      if (isPosError(err)) return { error: err };
      throw e;
    }
  }
}
