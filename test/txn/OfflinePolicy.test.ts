import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import type { TerminalProfile } from '../../src/profile/loadProfile.js';
import { decideOffline, offlineApprovalCode } from '../../src/txn/OfflinePolicy.js';

const limits: TerminalProfile['offline'] = {
  policy: 'prefer-online',
  floorLimitMinor: 50_000,
  totalLimitMinor: 100_000,
  maxCount: 3,
  maxAgeS: 3600,
  interfaces: ['contact', 'contactless'],
};
const none = { count: 0, amountMinor: 0, oldestAgeMs: 0 };

describe('decideOffline', () => {
  it('allows a chip sale inside every limit', () => {
    expect(decideOffline(limits, none, 50_000, 'contact')).toMatchObject({ allowed: true });
    expect(
      decideOffline(limits, { count: 2, amountMinor: 50_000, oldestAgeMs: 1000 }, 50_000, 'contactless')
        .allowed,
    ).toBe(true);
  });

  it('refuses each limit with its own code', () => {
    const r = (t: typeof none, amount: number, i: 'contact' | 'contactless' | 'magstripe' = 'contact') =>
      decideOffline(limits, t, amount, i).refusal;
    expect(r(none, 100, 'magstripe')).toBe('TXN_OFFLINE_INTERFACE');
    expect(r(none, 50_001)).toBe('TXN_OFFLINE_FLOOR_LIMIT');
    expect(r({ count: 1, amountMinor: 60_000, oldestAgeMs: 0 }, 40_001)).toBe('TXN_OFFLINE_TOTAL_LIMIT');
    expect(r({ count: 3, amountMinor: 300, oldestAgeMs: 0 }, 100)).toBe('TXN_OFFLINE_COUNT_LIMIT');
    expect(r({ count: 1, amountMinor: 100, oldestAgeMs: 3_600_001 }, 100)).toBe('TXN_OFFLINE_AGE_LIMIT');
    expect(decideOffline({ ...limits, interfaces: ['contact'] }, none, 100, 'contactless').refusal).toBe(
      'TXN_OFFLINE_INTERFACE',
    );
    expect(decideOffline({ ...limits, policy: 'require-online' }, none, 100, 'contact').refusal).toBe(
      'TXN_OFFLINE_DISABLED',
    );
  });

  it('allows each limit exactly and refuses one unit past it', () => {
    const at = (t: typeof none, amount: number) => decideOffline(limits, t, amount, 'contact');
    expect(at(none, 50_000).allowed).toBe(true);
    expect(at(none, 50_001).refusal).toBe('TXN_OFFLINE_FLOOR_LIMIT');
    expect(at({ count: 1, amountMinor: 60_000, oldestAgeMs: 0 }, 40_000).allowed).toBe(true);
    expect(at({ count: 1, amountMinor: 60_001, oldestAgeMs: 0 }, 40_000).refusal).toBe(
      'TXN_OFFLINE_TOTAL_LIMIT',
    );
    expect(at({ count: 2, amountMinor: 200, oldestAgeMs: 0 }, 100).allowed).toBe(true);
    expect(at({ count: 3, amountMinor: 300, oldestAgeMs: 0 }, 100).refusal).toBe('TXN_OFFLINE_COUNT_LIMIT');
    // age: exactly maxAgeS old is still allowed, one millisecond more is not
    expect(at({ count: 1, amountMinor: 100, oldestAgeMs: 3_600_000 }, 100).allowed).toBe(true);
    expect(at({ count: 1, amountMinor: 100, oldestAgeMs: 3_600_001 }, 100).refusal).toBe(
      'TXN_OFFLINE_AGE_LIMIT',
    );
    // no unsent advice: its age does not count
    expect(at({ count: 0, amountMinor: 0, oldestAgeMs: 9_999_999 }, 100).allowed).toBe(true);
  });

  it('never approves a magstripe card offline, even when a profile lists magstripe', () => {
    const loose = {
      ...limits,
      interfaces: ['contact', 'contactless', 'magstripe'],
    } as unknown as typeof limits;
    expect(decideOffline(loose, none, 100, 'magstripe').refusal).toBe('TXN_OFFLINE_INTERFACE');
    expect(decideOffline(loose, none, 100, 'contact').allowed).toBe(true);
  });

  it('a limit of 0 means no limit (total, count, age); a floor limit of 0 means no offline approval', () => {
    const open = { ...limits, totalLimitMinor: 0, maxCount: 0, maxAgeS: 0 };
    const heavy = { count: 10_000, amountMinor: 1e12, oldestAgeMs: 1e12 };
    expect(decideOffline(open, heavy, 50_000, 'contact')).toEqual({
      allowed: true,
      en: 'approved offline',
      zh: '离线批准',
    });
    expect(decideOffline({ ...limits, floorLimitMinor: 0 }, none, 1, 'contact').refusal).toBe(
      'TXN_OFFLINE_DISABLED',
    );
  });

  it('gives each refusal its English and Chinese text', () => {
    const texts = [
      decideOffline(limits, none, 1, 'magstripe'),
      decideOffline(limits, none, 50_001, 'contact'),
      decideOffline(limits, { count: 1, amountMinor: 99_999, oldestAgeMs: 0 }, 2, 'contact'),
      decideOffline(limits, { count: 3, amountMinor: 3, oldestAgeMs: 0 }, 1, 'contact'),
      decideOffline(limits, { count: 1, amountMinor: 1, oldestAgeMs: 3_600_001 }, 1, 'contact'),
      decideOffline({ ...limits, policy: 'require-online' }, none, 1, 'contact'),
    ].map((d) => [d.allowed, d.en, d.zh]);
    expect(texts).toEqual([
      [false, 'no offline approval for magstripe cards', '该读卡方式不允许离线交易'],
      [false, 'amount above the offline floor limit', '金额超过离线限额'],
      [false, 'total offline amount limit reached', '离线累计金额已达上限'],
      [false, 'offline transaction count limit reached', '离线笔数已达上限'],
      [false, 'an unsent offline transaction is too old: forward it first', '有离线交易超时未上送'],
      [false, 'offline approval is not allowed on this terminal', '本终端不允许离线交易'],
    ]);
  });

  it('gives a 6-character terminal approval code: Y + the counter in 5 base-36 digits', () => {
    expect(offlineApprovalCode(1)).toBe('Y00001');
    expect(offlineApprovalCode(35)).toBe('Y0000Z');
    expect(offlineApprovalCode(36 ** 5 - 1)).toBe('YZZZZZ');
    for (const n of [0, 36 ** 5, 1.5, Number.NaN]) {
      expect(() => offlineApprovalCode(n)).toThrow(PosError);
      expect(() => offlineApprovalCode(n)).toThrow(
        expect.objectContaining({
          code: 'TXN_BAD_INPUT',
          message: 'offline approval code number out of range',
          context: { codeNumber: n },
        }),
      );
    }
  });

  it('never repeats a code over the counter range (the old STAN-based code repeated every 10,000)', () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 25_000; n++) seen.add(offlineApprovalCode(n));
    expect(seen.size).toBe(25_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 36 ** 5 - 1 }),
        fc.integer({ min: 1, max: 36 ** 5 - 1 }),
        (a, b) => {
          const ca = offlineApprovalCode(a);
          expect(ca).toMatch(/^Y[0-9A-Z]{5}$/);
          expect(ca === offlineApprovalCode(b)).toBe(a === b);
        },
      ),
    );
  });
});
