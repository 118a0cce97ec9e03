import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, MIGRATIONS, migrate, SCHEMA_VERSION } from '../../src/journal/index.js';
import { JOURNAL_PAGE_SIZE } from '../../src/journal/pageSize.js';
import { codeOf, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

function raw(path: string) {
  return new Database(path);
}

describe('journal schema and pragmas', () => {
  it('sets WAL, synchronous FULL and secure_delete on the connection it uses', () => {
    fx = tempJournal();
    // read through the journal's own connection
    const db = (fx.journal as unknown as { ctx: { db: Database.Database } }).ctx.db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('page_size', { simple: true })).toBe(JOURNAL_PAGE_SIZE);
    // WAL is persistent in the file itself
    fx.journal.close();
    const other = raw(fx.path);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
    fx.reopen();
  });

  it('migrates an empty file to the latest version and re-opens idempotently', () => {
    fx = tempJournal();
    fx.journal.nextStan();
    fx.journal.setBatch('000042');
    fx.journal.close();
    const db = raw(fx.path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual([
      'advices',
      'batch_spans',
      'batches',
      'counters',
      'settlement_inquiries',
      'settlement_observations',
      'txns',
    ]);
    // the open batch's span of ids: 000042 replaced 000001's, which no row took
    expect(db.prepare('SELECT first_id, batch FROM batch_spans').all()).toEqual([
      { first_id: 1, batch: '000042' },
    ]);
    db.close();
    const j = fx.reopen();
    fx.reopen();
    expect(fx.journal.currentBatch()).toBe('000042');
    expect(fx.journal.nextStan()).toBe('000002');
    expect(j).not.toBe(fx.journal);
  });

  it('applies only the missing migrations, each with its version bump, and rolls back a failed one', () => {
    fx = tempJournal();
    fx.journal.close();
    const db = raw(fx.path);
    const more = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, sql: 'CREATE TABLE extra (x INTEGER);' },
      { version: SCHEMA_VERSION + 2, sql: 'CREATE TABLE extra2 (x INTEGER); INSERT INTO nope VALUES (1);' },
    ];
    expect(codeOf(() => migrate(db, more))).toBe('JOURNAL_MIGRATION');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    const names = db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'extra%'`).all();
    expect(names).toEqual([{ name: 'extra' }]); // extra2 rolled back
    expect(migrate(db, more.slice(0, -1))).toBe(SCHEMA_VERSION + 1); // no-op, no error
    db.close();
  });

  it('refuses a schema newer than the code', () => {
    fx = tempJournal();
    fx.journal.close();
    const db = raw(fx.path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(codeOf(() => Journal.open({ path: fx.path, key: fx.key }))).toBe('JOURNAL_SCHEMA_NEWER');
    const fix = raw(fx.path);
    fix.pragma(`user_version = ${SCHEMA_VERSION}`);
    fix.close();
    fx.reopen();
  });

  it('refuses a file that is not a database and a bad key, with coded errors', () => {
    fx = tempJournal();
    expect(codeOf(() => Journal.open({ path: fx.path, key: randomBytes(16) }))).toBe('JOURNAL_KEY');
    const garbage = `${fx.dir}/garbage.db`;
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    expect(codeOf(() => Journal.open({ path: garbage, key: fx.key }))).toBe('JOURNAL_CORRUPT');
    expect(codeOf(() => Journal.open({ path: `${fx.dir}/no/such/dir/j.db`, key: fx.key }))).toBe(
      'JOURNAL_OPEN',
    );
  });

  it('refuses calls after close with a coded error', () => {
    fx = tempJournal();
    fx.journal.close();
    expect(codeOf(() => fx.journal.nextStan())).toBe('JOURNAL_CLOSED');
    expect(codeOf(() => fx.journal.get(1))).toBe('JOURNAL_CLOSED');
    fx.reopen();
  });
});

describe('STAN and batch counters', () => {
  it('starts at 000001, wraps 999999 -> 000001 (never 000000) and survives a reopen', () => {
    fx = tempJournal();
    expect(fx.journal.nextStan()).toBe('000001');
    expect(fx.journal.nextStan()).toBe('000002');
    fx.journal.close();
    const db = raw(fx.path);
    db.prepare(`UPDATE counters SET value = 999998 WHERE name = 'stan'`).run();
    db.close();
    fx.reopen();
    expect(fx.journal.nextStan()).toBe('999999');
    expect(fx.journal.nextStan()).toBe('000001');
    fx.reopen();
    expect(fx.journal.nextStan()).toBe('000002');
  });

  it('hands out one sequence whether a row records the STAN or the counter does, across a wrap and a reopen', () => {
    fx = tempJournal();
    fx.journal.close();
    const db = raw(fx.path);
    db.prepare(`UPDATE counters SET value = 999997 WHERE name = 'stan'`).run();
    db.close();
    fx.reopen();
    const card = { pan: '6212345678901232' };
    const a = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 }); // row records it
    expect(a.stan).toBe('999998');
    expect(fx.journal.nextStan()).toBe('999999'); // counter records it
    const off = fx.journal.enqueueAdvice({ amountMinor: 1, authCode: 'Y00001', card, fields: {} }); // row
    expect(off.txn.stan).toBe('000001');
    // a STAN given by the caller was handed out before: it does not move the sequence
    fx.journal.begin({ kind: 'inquiry', amountMinor: 0, stan: '123456' });
    expect(fx.journal.begin({ kind: 'inquiry', amountMinor: 0 }).stan).toBe('000002');
    fx.reopen();
    expect(fx.journal.nextOfflineIds().stan).toBe('000003');
    expect(fx.journal.begin({ kind: 'inquiry', amountMinor: 0 }).stan).toBe('000004');
    fx.reopen();
    expect(fx.journal.nextStan()).toBe('000005');
  });

  it('allocates the STAN in begin() when not given, distinct per transaction', () => {
    fx = tempJournal();
    const a = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    const b = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    expect([a.stan, b.stan]).toEqual(['000001', '000002']);
    expect(fx.journal.nextStan()).toBe('000003');
  });

  it('closes batches (000001 -> 000002, 999999 -> 000001), sets and validates the batch', () => {
    fx = tempJournal();
    expect(fx.journal.currentBatch()).toBe('000001');
    expect(fx.journal.closeBatch()).toBe('000002');
    expect(fx.journal.currentBatch()).toBe('000002');
    fx.journal.setBatch('999999');
    expect(fx.journal.closeBatch()).toBe('000001');
    fx.reopen();
    expect(fx.journal.currentBatch()).toBe('000001');
    for (const bad of ['000000', '12345', '12345a', '1234567']) {
      expect(codeOf(() => fx.journal.setBatch(bad))).toBe('JOURNAL_BAD_INPUT');
    }
    const t = fx.journal.begin({ kind: 'inquiry', amountMinor: 0 });
    expect(t.batch).toBe('000001');
  });
});
