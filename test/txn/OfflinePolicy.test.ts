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

  it('gives a 6-character terminal approval code: Y + the counter in 5 base-36 digits', () => {
    expect(offlineApprovalCode(1)).toBe('Y00001');
    expect(offlineApprovalCode(35)).toBe('Y0000Z');
    expect(offlineApprovalCode(36 ** 5 - 1)).toBe('YZZZZZ');
    expect(() => offlineApprovalCode(0)).toThrow(PosError);
    expect(() => offlineApprovalCode(36 ** 5)).toThrow(PosError);
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
