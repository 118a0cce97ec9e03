/** The test-only disk-full hook: inert when unset, real SQLITE_FULL during an episode, cap restored after. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewTxn } from '../../src/journal/index.js';
import {
  armJournalFaults,
  FAULT_TICK_MS,
  JOURNAL_FAULTS_ENV,
  JOURNAL_FAULTS_SEED_ENV,
  type JournalFaultsHandle,
  parseJournalFaults,
} from '../../src/journal/journalFaults.js';
import type { Logger } from '../../src/log.js';
import { codeOf, PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

let fx: ReturnType<typeof tempJournal> | undefined;
let hook: JournalFaultsHandle | undefined;
const warnings: string[] = [];
const log: Logger = {
  debug() {},
  info() {},
  warn: (_o, msg) => warnings.push(msg ?? ''),
  error() {},
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  warnings.length = 0;
});
afterEach(() => {
  hook?.stop();
  fx?.cleanup();
  hook = fx = undefined;
  vi.useRealTimers();
});

const purchase = (amountMinor: number): NewTxn => ({
  kind: 'purchase',
  amountMinor,
  currency: '156',
  entryMode: '051',
  card: { pan: PAN_A, expiry: '3012' },
  fields: purchaseFields,
});

describe('parseJournalFaults', () => {
  it('reads disk-full and disk-full-ms', () => {
    expect(parseJournalFaults('disk-full:0.05')).toEqual({ diskFull: 0.05, diskFullMs: 1000 });
    expect(parseJournalFaults(' disk-full:.5 , disk-full-ms:300 ')).toEqual({
      diskFull: 0.5,
      diskFullMs: 300,
    });
  });

  it.each(['disk-full:2', 'disk-full', 'disk-empty:0.1', 'disk-full-ms:5', 'disk-full-ms:1.5', 'x'])(
    "'%s' is EMU_BAD_JOURNAL_FAULTS",
    (text) => {
      expect(codeOf(() => parseJournalFaults(text))).toBe('EMU_BAD_JOURNAL_FAULTS');
    },
  );
});

describe('armJournalFaults', () => {
  it('is inert when the variable is unset, empty or gives probability 0', () => {
    fx = tempJournal();
    const before = fx.journal.pageLimit();
    for (const env of [{}, { [JOURNAL_FAULTS_ENV]: '' }, { [JOURNAL_FAULTS_ENV]: 'disk-full:0' }]) {
      expect(armJournalFaults(fx.journal, log, env)).toBeUndefined();
    }
    vi.advanceTimersByTime(10 * FAULT_TICK_MS);
    expect(fx.journal.pageLimit()).toEqual(before);
    expect(warnings).toEqual([]);
  });

  it('refuses bad text before arming anything', () => {
    fx = tempJournal();
    expect(codeOf(() => armJournalFaults(fx!.journal, log, { [JOURNAL_FAULTS_ENV]: 'disk-full:x' }))).toBe(
      'EMU_BAD_JOURNAL_FAULTS',
    );
  });

  it('an episode caps the file at its size: writes that need a page fail JOURNAL_DISK_FULL, then work again', () => {
    fx = tempJournal();
    const { max } = fx.journal.pageLimit();
    hook = armJournalFaults(fx.journal, log, {
      [JOURNAL_FAULTS_ENV]: 'disk-full:1,disk-full-ms:20', // every episode lasts 20 ms
      [JOURNAL_FAULTS_SEED_ENV]: '7',
    })!;
    expect(hook).toBeDefined();
    vi.advanceTimersByTime(FAULT_TICK_MS);
    expect(hook.episodes).toBe(1);
    const capped = fx.journal.pageLimit();
    expect(capped.max).toBe(capped.pages);
    expect(warnings).toContain('test fault: journal disk full');

    // writes go on until one needs a new page; that one fails like on a full disk, rolled back
    let failed: string | undefined;
    let written = 0;
    for (let i = 1; i <= 500 && failed === undefined; i++) {
      failed = codeOf(() => fx!.journal.begin(purchase(i)));
      if (failed === undefined) written++;
    }
    expect(failed).toBe('JOURNAL_DISK_FULL');
    expect(fx.journal.listTransactions({ limit: 1000 })).toHaveLength(written);

    // 20 ms later the episode is over (the next one starts at the next tick): the cap is back
    vi.advanceTimersByTime(50);
    expect(hook.episodes).toBe(1);
    expect(fx.journal.pageLimit().max).toBe(max);
    hook.stop();
    expect(codeOf(() => fx!.journal.begin(purchase(9999)))).toBeUndefined();
  });

  it('stops by itself once the journal is closed', () => {
    fx = tempJournal();
    hook = armJournalFaults(fx.journal, log, { [JOURNAL_FAULTS_ENV]: 'disk-full:1' })!;
    fx.journal.close();
    vi.advanceTimersByTime(5 * FAULT_TICK_MS);
    expect(hook.episodes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
