/** firstInOrder is sort-then-slice in one pass: the same items, in the same order, ties included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInOrder } from '../../../src/settlement/report/firstInOrder.js';

describe('firstInOrder', () => {
  it('equals [...items].sort(order).slice(0, k), equal items in their input order', () => {
    const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }),
        fc.integer({ min: -1, max: 70 }),
        (keys, k) => {
          const items = keys.map((key, id) => ({ key, id }));
          const want = [...items].sort(byKey).slice(0, Math.max(0, k));
          expect(firstInOrder(items, k, byKey)).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
