import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { journalDb } from './fullDisk.js';
import { ICC, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

/**
 * Pages each commit writes into the WAL (issue 13: bytes per sale on flash). Checkpoints are held
 * off so every frame stays in the file; the frame header's first 4 bytes name the page.
 */
function walPages(path: string, pageSize: number) {
  let offset = 32;
  return (): number[] => {
    const size = statSync(`${path}-wal`).size;
    const fd = openSync(`${path}-wal`, 'r');
    const header = Buffer.alloc(4);
    const pages: number[] = [];
    for (; offset + 24 + pageSize <= size; offset += 24 + pageSize) {
      readSync(fd, header, 0, 4, offset);
      pages.push(header.readUInt32BE(0));
    }
    closeSync(fd);
    return pages;
  };
}

describe('pages per commit', () => {
  it("a till's purchase: markSent writes one page; no index follows its states", () => {
    fx = tempJournal();
    const db = journalDb(fx.journal);
    db.pragma('wal_autocheckpoint = 0');
    const next = walPages(fx.path, db.pragma('page_size', { simple: true }) as number);
    const perStep = { begin: 0, markSent: 0, recordAnswer: 0 };
    const N = 40;
    const indexes = new Set<string>();
    const beginNames = new Set<string>();
    const name = db.prepare('SELECT name FROM dbstat WHERE pageno = ?');
    const note = (pages: number[]) => {
      for (const p of pages) indexes.add((name.get(p) as { name: string } | undefined)?.name ?? 'other');
    };
    for (let i = 0; i < N + 10; i++) {
      const on = i >= 10;
      next();
      const t = fx.journal.begin({
        kind: 'purchase',
        amountMinor: 1000,
        card: { pan: PAN_A, expiry: '3012', panSeq: '001', iccData: ICC },
        fields: purchaseFields,
        tillId: `till-${i}`,
      });
      const begun = next();
      if (on) perStep.begin += begun.length;
      if (on)
        for (const p of begun) beginNames.add((name.get(p) as { name: string } | undefined)?.name ?? 'other');
      fx.journal.markSent(t.id);
      const sent = next();
      if (on) perStep.markSent += sent.length;
      if (on) note(sent);
      fx.journal.recordAnswer(t.id, { responseCode: '00', rrn: String(300_000_000_000 + i), authCode: 'A1' });
      const answered = next();
      if (on) perStep.recordAnswer += answered.length;
      if (on) note(answered);
    }
    expect(perStep.markSent / N).toBe(1);
    // before migration 6: about 5.4 / 2 / 6.8 pages of 1 KiB, and 1 more each with a till id
    // (4.05 here since migration 8: no batch index; 5.25 with it)
    expect(perStep.begin / N).toBeLessThanOrEqual(4.5);
    expect(perStep.recordAnswer / N).toBeLessThanOrEqual(4.5);
    // after begin, a sale's state changes touch only its row and the approved sale's lookups
    const allowed = ['sqlite_schema', 'txns', 'txns_rrn', 'txns_settle_tracked'];
    expect([...indexes].filter((n) => !allowed.includes(n))).toEqual([]);
    expect(indexes.has('txns_till_id')).toBe(false);
    expect(indexes.has('txns_reversals')).toBe(false);
    // the STAN begin takes is kept in the row, not in the counters page
    expect(beginNames.has('txns')).toBe(true);
    expect(beginNames.has('counters')).toBe(false);
    // nor in an index on the batch (migration 8: a batch's rows are found by id span)
    expect([...beginNames].sort()).toEqual(['sqlite_schema', 'txns', 'txns_till_id']);
  });

  it('an offline sale (enqueueAdvice) writes its two rows and no index', () => {
    fx = tempJournal();
    const db = journalDb(fx.journal);
    db.pragma('wal_autocheckpoint = 0');
    const next = walPages(fx.path, db.pragma('page_size', { simple: true }) as number);
    const name = db.prepare('SELECT name FROM dbstat WHERE pageno = ?');
    const names = new Set<string>();
    let frames = 0;
    for (let i = 0; i < 40; i++) {
      next();
      fx.journal.enqueueAdvice({
        amountMinor: 100,
        authCode: 'Y00001',
        card: { pan: PAN_A, expiry: '3012', iccData: ICC },
        fields: purchaseFields,
      });
      const pages = next();
      // (the first ones take the pages a new journal's migrations freed: the freelist's page too)
      if (i < 10) continue;
      frames += pages.length;
      for (const p of pages) names.add((name.get(p) as { name: string } | undefined)?.name ?? 'other');
    }
    // txns_batch_stan went in migration 8 (batches by id span): 1.5 pages less per commit
    expect([...names].sort()).toEqual(['advices', 'sqlite_schema', 'txns']);
    // each row's leaf, and the page allocation (page 1, the parents) in some commits: 3.2 here,
    // 4.7 before migration 8 and the single seal (a5fe8a8)
    expect(frames / 30).toBeLessThanOrEqual(4);
  });
});
