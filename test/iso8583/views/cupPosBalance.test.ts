import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import { balanceOf, parseAdditionalAmounts } from '../../../src/iso8583/views/cupPosBalance.js';

describe('field 54 additional amounts', () => {
  it('reads account type, amount type, currency, sign and amount', () => {
    expect(parseAdditionalAmounts('1002156C000001234567')).toEqual([
      { accountType: '10', amountType: '02', currency: '156', amountMinor: 1_234_567 },
    ]);
  });

  it('prefers the available balance and signs debit blocks negative', () => {
    const f54 = `${'1001156D000000000500'}${'1002156C000000009900'}`;
    expect(parseAdditionalAmounts(f54).map((a) => a.amountMinor)).toEqual([-500, 9900]);
    expect(balanceOf(f54).amountMinor).toBe(9900);
    expect(balanceOf('1001156D000000000500').amountMinor).toBe(-500);
  });

  it('names the field and the offset of a bad block', () => {
    for (const [bad, offset] of [
      ['1002156X000001234567', 0],
      ['1002156C000001234567100215', 20],
      ['', 0],
    ] as const) {
      try {
        parseAdditionalAmounts(bad);
        expect.unreachable();
      } catch (e) {
        expect(isPosError(e, 'ISO_BAD_ADDITIONAL_AMOUNTS')).toBe(true);
        expect((e as { context: { field: number; offset: number } }).context).toMatchObject({
          field: 54,
          offset,
        });
      }
    }
  });
});
