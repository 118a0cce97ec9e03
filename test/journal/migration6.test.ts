import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CardVault } from '../../src/journal/CardVault.js';
import { Journal, MIGRATIONS, migrate, SCHEMA_VERSION } from '../../src/journal/index.js';
import {
  convertPageSize,
  JOURNAL_PAGE_SIZE,
  PAGE_SIZE_CONVERSION_SPARE_BYTES,
} from '../../src/journal/pageSize.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { journalDb } from './fullDisk.js';
import { PAN_A, PAN_B } from './journalFixture.js';

let dir: string;
let journal: Journal | undefined;
afterEach(() => {
  journal?.close();
  journal = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const names = (db: Database.Database, type: string) =>
  (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = ? ORDER BY name`).all(type) as { name: string }[]
  ).map((r) => r.name);

/**
 * A journal as version 5 wrote it (1 KiB pages, batch_cards): an approved purchase whose PAN waits
 * for the batch upload, and a purchase left 'sent' by a crash. Returns the upload ciphertext.
 */
function version5Journal(path: string, key: Buffer): Buffer {
  const db = new Database(path);
  db.pragma('page_size = 1024');
  db.pragma('journal_mode = WAL');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= 5),
  );
  const vault = new CardVault(key);
  const insert = db.prepare(
    `INSERT INTO txns (id, kind, state, approval_mode, amount_minor, stan, batch, rrn, masked_pan, can_send,
       fields_json, card_blob, created_wall, created_mono)
     VALUES (?, 'purchase', ?, 'online', 1000, ?, '000001', ?, '621234******1232', 0, '{}', ?, 1, 1)`,
  );
  insert.run(1, 'approved', '000001', '300000000001', null);
  insert.run(2, 'sent', '000002', null, vault.seal('txn:2', { pan: PAN_B }));
  // version 5 let an aborted request and a later one share the till's id
  const tillRow = db.prepare(
    `INSERT INTO txns (id, kind, state, approval_mode, amount_minor, stan, batch, can_send, created_wall,
       created_mono, till_id) VALUES (?, 'inquiry', ?, 'online', 0, ?, '000001', 0, 1, 1, 'till-7')`,
  );
  tillRow.run(3, 'aborted', '000004');
  tillRow.run(4, 'approved', '000005');
  const upload = vault.seal('upload:1', { pan: PAN_A });
  db.prepare(`INSERT INTO batch_cards (txn_id, batch, pan_blob) VALUES (1, '000001', ?)`).run(upload);
  // enough rows to make the file more than a few pages
  const more = db.prepare(
    `INSERT INTO txns (kind, state, approval_mode, amount_minor, stan, batch, can_send, created_wall, created_mono)
     VALUES ('inquiry', 'approved', 'online', 0, '000003', '000001', 0, 1, 1)`,
  );
  for (let i = 0; i < 200; i++) more.run();
  db.prepare(`UPDATE counters SET value = 41 WHERE name = 'stan'`).run();
  db.close();
  return upload;
}

describe('migration 6 (fewer pages per commit)', () => {
  it('upgrades a version-5 journal: upload PANs move into their rows, recovery still finds what was in flight', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    const key = randomBytes(32);
    const upload = version5Journal(path, key);

    journal = Journal.open({ path, key });
    const db = journalDb(journal);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(names(db, 'table')).not.toContain('batch_cards');
    expect(names(db, 'index')).toContain('txns_reversals');
    expect(names(db, 'index')).not.toContain('txns_open');
    expect(names(db, 'index')).not.toContain('advices_open');
    // small enough: rebuilt at the journal's page size, still in WAL mode
    expect(db.pragma('page_size', { simple: true })).toBe(JOURNAL_PAGE_SIZE);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');

    expect(journal.uploadEntries('000001')[0]).toMatchObject({ txnId: 1, pan: PAN_A, uploaded: false });
    // the aborted request gave its till id up; the later one keeps it
    expect(journal.byTillId('till-7')?.txn.id).toBe(4);
    expect(db.prepare('SELECT till_id, aborted_till_id FROM txns WHERE id = 3').get()).toEqual({
      till_id: null,
      aborted_till_id: 'till-7',
    });
    journal.markUploaded([1]);
    expect(journal.uploadEntries('000001')[0].uploaded).toBe(true);

    const recovered = journal.recoverAfterCrash();
    expect(recovered.reversals.map((t) => t.id)).toEqual([2]);
    expect(journal.pendingReversals().map((r) => r.txn.id)).toEqual([2]);
    // the mark moved: a second recovery finds nothing, a new request in flight is found
    expect(journal.recoverAfterCrash().reversals).toEqual([]);
    const t = journal.begin({ kind: 'purchase', amountMinor: 5, card: { pan: PAN_A } });
    expect(t.stan).toBe('000042'); // the STAN sequence goes on from version 5's counter
    journal.markSent(t.id);
    expect(journal.recoverAfterCrash().reversals.map((r) => r.id)).toEqual([t.id]);

    // secure deletion still holds for the moved PANs: gone from every file once the batch closes
    journal.closeBatch('000001');
    journal.purge();
    journal.close();
    journal = undefined;
    for (const f of [path, `${path}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(upload.subarray(13, 45)), `upload ciphertext left in ${f}`).toBe(false);
    }
    expect(scanFilesForCardData([path, `${path}-wal`], [PAN_A, PAN_B])).toEqual([]);
  });

  it('keeps the page size of a journal too large to rebuild at open, and works on it', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    const key = randomBytes(32);
    version5Journal(path, key);
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    expect(convertPageSize(db, { maxBytes: statSync(path).size - 1 })).toEqual({
      outcome: 'kept',
      pageSize: 1024,
      reason: 'too-large',
    });
    // not on a disk with less room than twice the journal and some to spare
    expect(convertPageSize(db, { freeBytes: () => 2 * statSync(path).size })).toEqual({
      outcome: 'kept',
      pageSize: 1024,
      reason: 'low-space',
    });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    journal = Journal.open({ path, key, pageSizeConversionMaxBytes: 0 });
    expect(journalDb(journal).pragma('page_size', { simple: true })).toBe(1024);
    expect(journal.uploadEntries('000001')[0].pan).toBe(PAN_A);
  });

  it('converts a journal exactly at the size limit and with exactly the room it needs; one byte past either keeps it', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    version5Journal(path, randomBytes(32));
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    const bytes = (db.pragma('page_count', { simple: true }) as number) * 1024;
    const room = 2 * bytes + PAGE_SIZE_CONVERSION_SPARE_BYTES; // twice the journal, and 16 MB to spare
    expect(convertPageSize(db, { maxBytes: bytes - 1, freeBytes: () => room })).toMatchObject({
      reason: 'too-large',
    });
    expect(convertPageSize(db, { maxBytes: bytes, freeBytes: () => room - 1 })).toMatchObject({
      reason: 'low-space',
    });
    expect(convertPageSize(db, { maxBytes: bytes, freeBytes: () => room })).toEqual({
      outcome: 'converted',
      from: 1024,
      pageSize: JOURNAL_PAGE_SIZE,
    });
    db.close();
  });

  it('leaves a damaged journal as it found it: no rebuild when quick_check fails', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    version5Journal(path, randomBytes(32));
    const raw = new Database(path);
    raw.exec('CREATE TABLE scratch(a); INSERT INTO scratch VALUES (zeroblob(4000)); DROP TABLE scratch;');
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    // header bytes 32..39: the freelist's first trunk page and page count, zeroed: pages lost
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(8), 0, 8, 32);
    closeSync(fd);
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    expect(db.pragma('quick_check', { simple: true })).not.toBe('ok');
    expect(convertPageSize(db)).toEqual({ outcome: 'kept', pageSize: 1024, reason: 'failed' });
    expect(db.pragma('page_size', { simple: true })).toBe(1024);
    db.close();
  });

  it('keeps the old page size when the rebuild fails, back in WAL mode', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    version5Journal(path, randomBytes(32));
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'VACUUM')
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return exec(sql);
    };
    expect(convertPageSize(db)).toEqual({ outcome: 'kept', pageSize: 1024, reason: 'failed' });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('reports a conversion, and a journal already at the page size as the same', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-m6-'));
    const path = join(dir, 'journal.db');
    version5Journal(path, randomBytes(32));
    const db = new Database(path);
    db.pragma('locking_mode = EXCLUSIVE');
    expect(convertPageSize(db)).toEqual({ outcome: 'converted', from: 1024, pageSize: JOURNAL_PAGE_SIZE });
    expect(convertPageSize(db)).toEqual({ outcome: 'same', pageSize: JOURNAL_PAGE_SIZE });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
