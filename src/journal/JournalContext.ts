import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { isPosError, PosError } from '../errors.js';
import type { CardVault } from './CardVault.js';

/** What the journal's parts share: one connection, the vault, the clock, cached statements. */
export class JournalContext {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  private readonly atomicFn: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;

  constructor(
    readonly db: BetterSqlite3.Database,
    readonly vault: CardVault,
    readonly clock: Clock,
  ) {
    this.atomicFn = db.transaction((fn: () => unknown) => fn());
  }

  /** A prepared statement, compiled once per connection. */
  stmt(sql: string): BetterSqlite3.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /**
   * Runs fn in one write transaction (BEGIN IMMEDIATE), committed (synchronous = FULL) before it
   * returns. fn must be synchronous: never await inside.
   */
  atomic<T>(fn: () => T): T {
    return this.guard(() => this.atomicFn.immediate(fn) as T);
  }

  /**
   * Like atomic, but the commit is not fsynced by itself (synchronous = NORMAL for this one
   * commit, FULL again right after, also when fn throws): its WAL frames are written at once and
   * become durable with the next commit's fsync. A power cut before that loses this commit
   * whole and nothing after it (WAL frames are checksummed in a chain). Only for a step whose
   * loss crash recovery treats like the step itself (markSent: see TxnStateMachine).
   */
  atomicUnsynced<T>(fn: () => T): T {
    return this.guard(() => {
      this.stmt('PRAGMA synchronous = NORMAL').run();
      try {
        return this.atomicFn.immediate(fn) as T;
      } finally {
        this.stmt('PRAGMA synchronous = FULL').run();
      }
    });
  }

  /** Maps SQLite failures to coded errors; PosErrors pass through. */
  guard<T>(fn: () => T): T {
    if (!this.db.open) throw new PosError('JOURNAL_CLOSED', 'journal is closed');
    try {
      return fn();
    } catch (e) {
      throw toJournalError(e);
    }
  }
}

export function toJournalError(e: unknown): PosError {
  if (isPosError(e)) return e;
  const code = (e as { code?: unknown })?.code;
  const sqlite = typeof code === 'string' ? code : 'unknown';
  if (sqlite === 'SQLITE_CORRUPT' || sqlite === 'SQLITE_NOTADB') {
    return new PosError('JOURNAL_DB_CORRUPT', 'journal database is corrupt', { sqlite }, { cause: e });
  }
  if (sqlite === 'SQLITE_FULL') {
    return new PosError('JOURNAL_DISK_FULL', 'journal storage is full', { sqlite }, { cause: e });
  }
  if (sqlite === 'SQLITE_BUSY' || sqlite === 'SQLITE_LOCKED') {
    return new PosError(
      'JOURNAL_BUSY',
      'journal database is locked by another process',
      { sqlite },
      { cause: e },
    );
  }
  return new PosError('JOURNAL_IO', 'journal database operation failed', { sqlite }, { cause: e });
}
