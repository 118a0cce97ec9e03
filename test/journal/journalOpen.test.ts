/**
 * Issue 8: one connection per journal (the kernel's lock, released with the connection), files
 * 0600 (new and existing), and a corrupt or truncated file refused with a code naming it.
 */
import { chmodSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../src/errors.js';
import { Journal } from '../../src/journal/Journal.js';
import { silentLogger } from '../../src/log.js';
import { parseProfile } from '../../src/profile/loadProfile.js';
import { openRuntimeJournal } from '../../src/runtime/openRuntimeJournal.js';
import { emulatorProfileRaw } from '../integration/world.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
afterEach(() => {
  fx?.cleanup();
  fx = undefined;
});

function errorOf(fn: () => unknown): PosError {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const mode = (f: string) => statSync(f).mode & 0o777;

describe('Journal.open', () => {
  it('holds the journal: a second open fails with JOURNAL_LOCKED naming the file until the first closes', () => {
    fx = tempJournal();
    const err = errorOf(() => Journal.open({ path: fx!.path, key: fx!.key }));
    expect(err.code).toBe('JOURNAL_LOCKED');
    expect(err.message).toContain(fx.path);
    fx.journal.close();
    const second = Journal.open({ path: fx.path, key: fx.key });
    expect(second.nextStan()).toMatch(/^\d{6}$/);
    second.close();
  });

  it('creates the database and its WAL 0600 and tightens files an older run left 0644', () => {
    fx = tempJournal();
    fx.journal.nextStan(); // a commit: the WAL exists
    expect(mode(fx.path)).toBe(0o600);
    expect(mode(`${fx.path}-wal`)).toBe(0o600);
    fx.journal.close();
    chmodSync(fx.path, 0o644);
    writeFileSync(`${fx.path}-wal`, ''); // an empty WAL left behind, as an older version made it
    chmodSync(`${fx.path}-wal`, 0o644);
    fx.reopen();
    expect(mode(fx.path)).toBe(0o600);
    expect(mode(`${fx.path}-wal`)).toBe(0o600);
  });

  it('refuses random bytes with JOURNAL_CORRUPT naming the file and saying nothing was deleted', () => {
    fx = tempJournal();
    const garbage = `${fx.dir}/garbage.db`;
    writeFileSync(garbage, Buffer.alloc(8192, 0x5a));
    const err = errorOf(() => Journal.open({ path: garbage, key: fx!.key }));
    expect(err.code).toBe('JOURNAL_CORRUPT');
    expect(err.message).toContain(garbage);
    expect(err.message).toContain('move it aside');
    expect(readFileSync(garbage)).toEqual(Buffer.alloc(8192, 0x5a));
  });
});

describe('openRuntimeJournal', () => {
  function profileIn(dir: string) {
    const raw = emulatorProfileRaw();
    raw.journal = { path: 'j/journal.db', keyFile: 'journal.key' };
    return parseProfile(raw, dir);
  }

  it('puts a new journal 0600 into a 0700 directory', () => {
    fx = tempJournal();
    const profile = profileIn(fx.dir);
    const journal = openRuntimeJournal(profile, fx.clock, silentLogger);
    journal.nextStan();
    expect(mode(`${fx.dir}/j`)).toBe(0o700);
    expect(mode(profile.journal.path)).toBe(0o600);
    expect(mode(`${profile.journal.path}-wal`)).toBe(0o600);
    expect(mode(profile.journal.keyFile)).toBe(0o600);
    journal.close();
  });

  it('refuses a truncated journal with JOURNAL_CORRUPT naming it', () => {
    fx = tempJournal();
    const profile = profileIn(fx.dir);
    const journal = openRuntimeJournal(profile, fx.clock, silentLogger);
    for (let i = 0; i < 40; i++) {
      journal.begin({
        kind: 'purchase',
        amountMinor: 1000 + i,
        currency: '156',
        fields: { ...purchaseFields, 48: 'x'.repeat(400) },
        card: { pan: PAN_A },
      });
    }
    journal.close(); // checkpoints the WAL into the file
    truncateSync(profile.journal.path, Math.floor(statSync(profile.journal.path).size / 2));
    const err = errorOf(() => openRuntimeJournal(profile, fx!.clock, silentLogger));
    expect(err.code).toBe('JOURNAL_CORRUPT');
    expect(err.message).toContain(profile.journal.path);
  });

  it('never makes a new key for an existing journal: JOURNAL_KEY_MISSING, and a wrong key is JOURNAL_KEY_MISMATCH', () => {
    fx = tempJournal();
    const profile = profileIn(fx.dir);
    const journal = openRuntimeJournal(profile, fx.clock, silentLogger);
    journal.begin({
      kind: 'purchase',
      amountMinor: 1000,
      currency: '156',
      fields: purchaseFields,
      card: { pan: PAN_A },
    });
    journal.close();
    const key = readFileSync(profile.journal.keyFile);
    writeFileSync(profile.journal.keyFile, `${'ab'.repeat(32)}\n`);
    const mismatch = errorOf(() => openRuntimeJournal(profile, fx!.clock, silentLogger));
    expect(mismatch.code).toBe('JOURNAL_KEY_MISMATCH');
    expect(mismatch.message).toContain(profile.journal.keyFile);
    expect(mismatch.message).toContain('backup');

    unlinkSync(profile.journal.keyFile);
    const missing = errorOf(() => openRuntimeJournal(profile, fx!.clock, silentLogger));
    expect(missing.code).toBe('JOURNAL_KEY_MISSING');
    expect(missing.message).toContain(profile.journal.keyFile);
    expect(() => statSync(profile.journal.keyFile)).toThrow(); // no new key was made

    writeFileSync(profile.journal.keyFile, key, { mode: 0o600 });
    openRuntimeJournal(profile, fx.clock, silentLogger).close();
  });
});
