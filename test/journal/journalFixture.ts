import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { isPosError } from '../../src/errors.js';
import { Journal, type JournalOptions } from '../../src/journal/index.js';

/** A journal in its own temp dir, with a manual clock; `cleanup()` closes and removes it. */
export function tempJournal(opts: Partial<JournalOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-journal-'));
  const path = join(dir, 'journal.db');
  const key = opts.key ?? randomBytes(32);
  const clock = new ManualClock();
  const open = () => Journal.open({ path, key, clock, ...opts });
  const fx = {
    dir,
    path,
    key,
    clock,
    journal: open(),
    /** close and open again (same file, same key) */
    reopen(): Journal {
      fx.journal.close();
      fx.journal = open();
      return fx.journal;
    },
    cleanup(): void {
      fx.journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fx;
}

/** Test card data (test PANs, Luhn-valid). */
export const PAN_A = '6212345678901232';
export const PAN_B = '6258091234567890123';
export const TRACK_A = `${PAN_A}=30122011234567890`;
export const ICC = '9F2608A1B2C3D4E5F607089F2701809F101307010103A00000010A010000000000ABCDEF12';

export const purchaseFields = {
  3: '000000',
  4: '000000001000',
  22: '051',
  25: '00',
  41: '12345678',
  49: '156',
};

/** The code of the PosError fn throws (or a marker when it throws something else). */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isPosError(e) ? e.code : `not a PosError: ${String(e)}`;
  }
  return undefined;
}
