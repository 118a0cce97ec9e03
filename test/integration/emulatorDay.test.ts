/**
 * npm start's day, as a test: the outcome of every scene, ledger/journal agreement, and no card
 * data in the clear in the journal, its WAL and the log afterwards (issue 5, data at rest).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEmulatorDay } from '../../src/cli/emulatorDay.js';
import { TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';

describe("the emulator's day", () => {
  it('runs the whole day, the host and the terminal agree, and no card data is left in the clear', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'posterm-day-')), 'day');
    let out = '';
    const summary = await runEmulatorDay({ dir, write: (s) => (out += s) });
    expect(summary).toMatchObject({
      transactions: 13,
      approvedOnline: 7,
      approvedOffline: 2,
      declined: 3,
      failed: 1,
      reversed: 1,
      advicesForwarded: 2,
      ledgerAgrees: true,
      settlement: 'uploaded',
    });
    expect(out).toContain('余额不足');
    expect(out).toContain('queue now empty');
    expect(out).toMatch(/batch upload: \d+ entries/);

    // The profile holds the TMK, the journal the card data: private files in a private folder.
    const mode = (f: string) => statSync(join(dir, f)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('profile.json')).toBe(0o600);
    expect(mode('journal.db')).toBe(0o600);
    expect(mode('journal.key')).toBe(0o600);

    const files = readdirSync(dir).map((f) => join(dir, f));
    expect(files.some((f) => f.endsWith('runtime.log'))).toBe(true);
    const secrets = Object.values(TEST_CARDS).flatMap((c) => [c.pan, testCardTrack2(c)]);
    expect(scanFilesForCardData(files, secrets)).toEqual([]);
    // The day's output shows masked cards only.
    expect(out).toMatch(/621234\*{6}0012/);
    for (const s of secrets) expect(out).not.toContain(s);

    // Control: the same scan does find a track written as packed BCD.
    const planted = join(dir, 'planted.bin');
    writeFileSync(
      planted,
      Buffer.concat([randomBytes(37), Buffer.from(`${secrets[1]}0`, 'hex'), randomBytes(11)]),
    );
    expect(scanFilesForCardData([planted], secrets).length).toBeGreaterThan(0);
  });
});
