import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/journal/index.js';
import { journalDb } from './fullDisk.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
let copyDir: string | undefined;
let copy: Journal | undefined;
afterEach(() => {
  copy?.close();
  copy = undefined;
  fx?.cleanup();
  fx = undefined;
  if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  copyDir = undefined;
});

/**
 * What a power cut right after markSent leaves: markSent's commit is not fsynced by itself
 * (issue 13), so the disk may hold the journal as begin's fsync left it. The copy has the
 * database file and the WAL up to the end of begin's commit.
 */
function powerCutAfter(walBytes: number, path: string): Journal {
  copyDir = mkdtempSync(join(tmpdir(), 'posterm-powercut-'));
  const to = join(copyDir, 'journal.db');
  copyFileSync(path, to);
  writeFileSync(`${to}-wal`, readFileSync(`${path}-wal`).subarray(0, walBytes), { mode: 0o600 });
  copy = Journal.open({ path: to, key: fx!.key });
  return copy;
}

describe('markSent is made durable by the next commit', () => {
  it('leaves synchronous = FULL for every other commit, also when it is refused', () => {
    fx = tempJournal();
    const db = journalDb(fx.journal);
    const t = fx.journal.begin({
      kind: 'purchase',
      amountMinor: 100,
      card: { pan: PAN_A },
      fields: purchaseFields,
    });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    fx.journal.markSent(t.id);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(() => fx!.journal.markSent(t.id)).toThrow(
      expect.objectContaining({ code: 'JOURNAL_ILLEGAL_TRANSITION' }),
    );
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(fx.journal.get(t.id)?.state).toBe('sent');
  });

  for (const [kind, expected] of [
    ['purchase', 'reversal'],
    ['refund', 'no-answer'],
  ] as const) {
    it(`a ${kind} whose "sent" was lost in a power cut is recovered as if it were sent (${expected})`, () => {
      fx = tempJournal();
      const t = fx.journal.begin({
        kind,
        amountMinor: 100,
        card: { pan: PAN_A },
        fields: purchaseFields,
        ...(kind === 'refund' ? { original: { batch: '000001', stan: '000099' } } : {}),
      });
      const afterBegin = statSync(`${fx.path}-wal`).size;
      fx.journal.markSent(t.id);
      expect(statSync(`${fx.path}-wal`).size).toBeGreaterThan(afterBegin); // its frames are in the file

      const j = powerCutAfter(afterBegin, fx.path);
      const lost = j.get(t.id);
      expect(lost?.state).toBe(kind === 'purchase' ? 'reversal-pending' : 'pending'); // "sent" is gone
      const report = j.recoverAfterCrash();
      if (expected === 'reversal') {
        expect(report.reversals.map((r) => [r.id, r.reversal?.reason])).toEqual([[t.id, '06']]);
        const next = j.nextToForward();
        expect(next?.type === 'reversal' && next.txn.id).toBe(t.id);
      } else {
        expect(report.noAnswer).toEqual([t.id]);
        expect(j.get(t.id)?.state).toBe('no-answer');
      }
      // the same as recovery makes of the row with its "sent" kept (the process killed, no power cut)
      const kept = fx.reopen().recoverAfterCrash();
      expect(expected === 'reversal' ? kept.reversals.map((r) => r.id) : kept.noAnswer).toEqual([t.id]);
    });
  }
});
