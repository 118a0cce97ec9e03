import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { sweepCardData } from '../../src/runtime/Runtime.js';
import { MemoryLogger } from '../txn/fakes.js';

describe('sweepCardData', () => {
  it('a full disk during the sweep is logged, not thrown (the runtime keeps running)', () => {
    const log = new MemoryLogger();
    const full = {
      purge: () => {
        throw new PosError('JOURNAL_DISK_FULL', 'database or disk is full');
      },
    };
    expect(() => sweepCardData(full, log)).not.toThrow();
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'warn', obj: { code: 'JOURNAL_DISK_FULL' } }),
    ]);
  });

  it('logs what it purged', () => {
    const log = new MemoryLogger();
    sweepCardData({ purge: () => ({ txns: 2, advices: 1, uploadCards: 0, walTruncated: true }) }, log);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'card data purged',
        obj: { txns: 2, advices: 1, uploadCards: 0, walTruncated: true },
      }),
    ]);
  });
});
