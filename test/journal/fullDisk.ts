import type Database from 'better-sqlite3';
import type { Journal } from '../../src/journal/Journal.js';

/** The journal's own connection (the seam the schema test uses too). */
export function journalDb(journal: Journal): Database.Database {
  return (journal as unknown as { ctx: { db: Database.Database } }).ctx.db;
}

const TABLES = ['txns', 'advices', 'counters'];

/**
 * Makes the journal's disk "full" the way SQLite sees it: PRAGMA max_page_count caps the file at
 * its current size, and triggers make every write to the journal's tables need new pages, so the
 * next commit fails with a real SQLITE_FULL (and is rolled back). `free()` gives the space back.
 */
export function fullDisk(journal: Journal) {
  const db = journalDb(journal);
  return {
    fill(): void {
      db.exec('CREATE TABLE IF NOT EXISTS test_filler (b BLOB)');
      for (const t of TABLES) {
        for (const ev of ['INSERT', 'UPDATE']) {
          db.exec(`CREATE TRIGGER IF NOT EXISTS test_fill_${t}_${ev} AFTER ${ev} ON ${t}
            BEGIN INSERT INTO test_filler VALUES (zeroblob(65536)); END`);
        }
      }
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages}`);
    },
    free(): void {
      db.pragma('max_page_count = 1073741823');
      for (const t of TABLES) {
        for (const ev of ['INSERT', 'UPDATE']) db.exec(`DROP TRIGGER IF EXISTS test_fill_${t}_${ev}`);
      }
    },
  };
}
