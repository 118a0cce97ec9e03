import { PosError } from '../errors.js';
import type { JournalContext } from './JournalContext.js';
import { checkDigits } from './records.js';

const pad6 = (n: number) => String(n).padStart(6, '0');

/** The STAN after `last`: 000001 .. 999999, then 000001 again (never 000000). */
const wrapStan = (last: number) => (last >= 999999 || last < 0 ? 1 : last + 1);

/**
 * Columns for a SELECT that reads what the last STAN handed out is (see lastStanValue): stan_at
 * and last_stan. Callers that take new ids in the same commit fold them into their own SELECT
 * (one statement instead of three on the hot path, issue 13) and pass the row to stanAfter().
 */
export const LAST_STAN_COLUMNS = `(SELECT value FROM counters WHERE name = 'stan_at') AS stan_at,
  coalesce((SELECT stan FROM txns WHERE stan_alloc = 1 AND id > (SELECT value FROM counters WHERE name = 'stan_at')
      ORDER BY id DESC LIMIT 1),
    (SELECT value FROM counters WHERE name = 'stan')) AS last_stan`;

const LAST_STAN_SQL = `SELECT ${LAST_STAN_COLUMNS}`;

/** What LAST_STAN_COLUMNS reads. */
export interface LastStanRow {
  stan_at: number | null;
  last_stan: string | number | null;
}

/** Largest offline approval code number: 5 base-36 digits. */
export const OFFLINE_CODE_MAX = 36 ** 5 - 1;

/**
 * Durable STAN and batch counters (n6). The STAN runs 000001..999999 and wraps to 000001, never
 * 000000. Methods that end in `InTxn` must run inside `ctx.atomic` (they share its commit).
 */
export class Counters {
  constructor(private readonly ctx: JournalContext) {}

  /**
   * The STAN after the last one handed out, for a transaction row that records it itself
   * (txns.stan with stan_alloc = 1, written by the caller in the same commit): no write to the
   * counters page, one page less in the commit (issue 13). `row`: LAST_STAN_COLUMNS, read by the
   * caller's own SELECT in this commit. Use nextStanInTxn() otherwise.
   */
  stanAfter(row: LastStanRow): string {
    return pad6(wrapStan(lastStanOf(row)));
  }

  /** Hands out the next STAN by itself (no transaction row records it): kept in counters. */
  nextStanInTxn(): string {
    const next = wrapStan(this.lastStanValue());
    const r = this.ctx
      .stmt(
        `UPDATE counters SET value = CASE name WHEN 'stan' THEN ? ELSE (SELECT coalesce(max(id), 0) FROM txns) END
         WHERE name IN ('stan', 'stan_at')`,
      )
      .run(next);
    if (r.changes !== 2) throw new PosError('JOURNAL_DB_CORRUPT', 'STAN counter is missing');
    return pad6(next);
  }

  /**
   * The last STAN handed out: the newest transaction row that took its own since the counter's
   * last write (counters.stan_at: the newest row id then), else the counter. Rows are never
   * deleted and ids only grow, so the rows after stan_at are the only ones that can be newer.
   */
  private lastStanValue(): number {
    return lastStanOf(this.ctx.stmt(LAST_STAN_SQL).get() as LastStanRow);
  }

  /**
   * Next number of the offline approval code counter: 1 .. 36^5 - 1, then 1 again (about 60
   * million codes before one repeats).
   */
  nextOfflineCodeInTxn(): number {
    const row = this.ctx
      .stmt(
        `UPDATE counters SET value = CASE WHEN value >= ${OFFLINE_CODE_MAX} OR value < 0 THEN 1 ELSE value + 1 END
         WHERE name = 'offline_code' RETURNING value`,
      )
      .get() as { value: number } | undefined;
    if (!row) throw new PosError('JOURNAL_DB_CORRUPT', 'offline code counter is missing');
    return row.value;
  }

  /** Allocates the next STAN in its own commit. */
  nextStan(): string {
    return this.ctx.atomic(() => this.nextStanInTxn());
  }

  currentBatch(): string {
    return this.ctx.guard(() => pad6(this.read('batch')));
  }

  setBatch(batch: string): void {
    const value = Number(checkDigits(batch, 6, 'batch'));
    if (value === 0) throw new PosError('JOURNAL_BAD_INPUT', 'batch 000000 is not valid', { field: 'batch' });
    this.ctx.atomic(() => this.setBatchInTxn(value));
  }

  /**
   * Opens batch `value`: the counter, and the span of ids its rows will take from the next id on
   * (batch_spans, migration 8: the rows of a batch are found by id range, so no index follows
   * every sale). A span no row took yet is replaced. The one place the open batch changes.
   */
  setBatchInTxn(value: number): void {
    this.ctx.stmt(`UPDATE counters SET value = ? WHERE name = 'batch'`).run(value);
    this.ctx
      .stmt(
        `INSERT OR REPLACE INTO batch_spans (first_id, batch)
         VALUES ((SELECT coalesce(max(id), 0) + 1 FROM txns), printf('%06d', ?))`,
      )
      .run(value);
  }

  /** A counter's value, inside the caller's guard or transaction. */
  read(name: string): number {
    const row = this.ctx.stmt('SELECT value FROM counters WHERE name = ?').get(name) as
      | { value: number }
      | undefined;
    if (!row) throw new PosError('JOURNAL_DB_CORRUPT', `${name} counter is missing`);
    return row.value;
  }
}

function lastStanOf(row: LastStanRow): number {
  if (row.stan_at === null) throw new PosError('JOURNAL_DB_CORRUPT', 'stan_at counter is missing');
  if (row.last_stan === null) throw new PosError('JOURNAL_DB_CORRUPT', 'stan counter is missing');
  return Number(row.last_stan);
}
