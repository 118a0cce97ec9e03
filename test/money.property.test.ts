import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../src/errors.js';
import { formatAmount, MAX_AMOUNT_MINOR, parseAmount } from '../src/money.js';

function rejects(text: string): boolean {
  try {
    parseAmount(text);
    return false;
  } catch (e) {
    return isPosError(e) && e.code === 'TXN_BAD_AMOUNT';
  }
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

describe('parseAmount / formatAmount', () => {
  it('round-trips every amount from 1 to 999999999999 minor units', () => {
    for (const minor of [1, 9, 10, 99, 100, 101, 123_456, MAX_AMOUNT_MINOR - 1, MAX_AMOUNT_MINOR]) {
      expect(parseAmount(formatAmount(minor))).toBe(minor);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }), (minor) => {
        const text = formatAmount(minor);
        expect(text).toMatch(/^\d{1,10}\.\d\d$/);
        expect(parseAmount(text)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the forms a person types', () => {
    expect(parseAmount('12.34')).toBe(1234);
    expect(parseAmount('12.3')).toBe(1230);
    expect(parseAmount('12')).toBe(1200);
    expect(parseAmount('0.01')).toBe(1);
    expect(parseAmount(' 9.90\n')).toBe(990);
    expect(parseAmount('9999999999.99')).toBe(MAX_AMOUNT_MINOR);
  });

  it('rejects zero unless asked to allow it', () => {
    expect(rejects('0')).toBe(true);
    expect(rejects('0.00')).toBe(true);
    expect(parseAmount('0.00', { allowZero: true })).toBe(0);
  });

  it('rejects negative amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }), (m) => rejects(`-${formatAmount(m)}`)),
    );
    expect(rejects('-0')).toBe(true);
    expect(rejects('+1.00')).toBe(true);
  });

  it('rejects more than two decimals', () => {
    fc.assert(fc.property(digits(1, 10), digits(3, 8), (i, d) => rejects(`${i}.${d}`)));
  });

  it('rejects 13 or more digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), digits(12, 20), (lead, rest) => rejects(`${lead}${rest}`)),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), digits(10, 15), digits(2, 2), (lead, i, d) =>
        rejects(`${lead}${i}.${d}`),
      ),
    );
  });

  it('rejects empty text', () => {
    for (const t of ['', ' ', '\t\n', '.', '.5', '5.']) expect(rejects(t), JSON.stringify(t)).toBe(true);
  });

  it('rejects exponents', () => {
    fc.assert(
      fc.property(
        digits(1, 4),
        fc.constantFrom('e', 'E'),
        fc.constantFrom('', '+', '-'),
        digits(1, 2),
        (m, e, s, x) => rejects(`${m}${e}${s}${x}`),
      ),
    );
    for (const t of ['1e3', '1.5e2', 'Infinity', 'NaN', '0x10', '1_000']) expect(rejects(t), t).toBe(true);
  });

  it('rejects spaces inside', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }),
        fc.nat(),
        fc.constantFrom(' ', '\t', '\u00a0'),
        (m, at, sp) => {
          const text = formatAmount(m);
          const i = 1 + (at % (text.length - 1));
          return rejects(`${text.slice(0, i)}${sp}${text.slice(i)}`);
        },
      ),
    );
  });
});
