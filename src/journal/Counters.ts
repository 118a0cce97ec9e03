import { PosError } from '../errors.js';
import type { JournalContext } from './JournalContext.js';
import { checkDigits } from './records.js';

const pad6 = (n: number) => String(n).padStart(6, '0');

/** Largest offline approval code number: 5 base-36 digits. */
export const OFFLINE_CODE_MAX = 36 ** 5 - 1;

/**
 * Durable STAN and batch counters (n6). The STAN runs 000001..999999 and wraps to 000001, never
 * 000000. Methods that end in `InTxn` must run inside `ctx.atomic` (they share its commit).
 */
export class Counters {
  constructor(private readonly ctx: JournalContext) {}

  nextStanInTxn(): string {
    const row = this.ctx
      .stmt(
        `UPDATE counters SET value = CASE WHEN value >= 999999 OR value < 0 THEN 1 ELSE value + 1 END
         WHERE name = 'stan' RETURNING value`,
      )
      .get() as { value: number } | undefined;
    if (!row) throw new PosError('JOURNAL_DB_CORRUPT', 'STAN counter is missing');
    return pad6(row.value);
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

  /** Last STAN handed out ('000000' before the first). */
  lastStan(): string {
    return this.ctx.guard(() => pad6(this.read('stan')));
  }

  currentBatch(): string {
    return this.ctx.guard(() => pad6(this.read('batch')));
  }

  setBatch(batch: string): void {
    const value = Number(checkDigits(batch, 6, 'batch'));
    if (value === 0) throw new PosError('JOURNAL_BAD_INPUT', 'batch 000000 is not valid', { field: 'batch' });
    this.ctx.atomic(() => this.ctx.stmt(`UPDATE counters SET value = ? WHERE name = 'batch'`).run(value));
  }

  /** Moves to the next batch number (wrapping 999999 -> 000001) and returns it. */
  closeBatch(): string {
    return this.ctx.atomic(() => {
      const row = this.ctx
        .stmt(
          `UPDATE counters SET value = CASE WHEN value >= 999999 OR value < 1 THEN 1 ELSE value + 1 END
           WHERE name = 'batch' RETURNING value`,
        )
        .get() as { value: number } | undefined;
      if (!row) throw new PosError('JOURNAL_DB_CORRUPT', 'batch counter is missing');
      return pad6(row.value);
    });
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
