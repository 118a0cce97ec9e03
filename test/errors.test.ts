import { describe, expect, it } from 'vitest';
import { isPosError, PosError } from '../src/errors.js';
import { luhnValid, maskPan, maskPansInText } from '../src/mask.js';

describe('PosError', () => {
  it('carries code, layer and context, and serialises without losing them', () => {
    const e = new PosError('ISO_TRUNCATED', 'field 4 needs 6 bytes, 2 left', { field: 4, offset: 17 });
    expect(e.layer).toBe('ISO');
    expect(isPosError(e, 'ISO_TRUNCATED')).toBe(true);
    expect(isPosError(e, 'ISO_BAD_BCD')).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      code: 'ISO_TRUNCATED',
      message: 'field 4 needs 6 bytes, 2 left',
      field: 4,
      offset: 17,
    });
  });
});

describe('masking', () => {
  it('shows at most the first 6 and last 4 PAN digits', () => {
    expect(maskPan('6258091234567890123')).toBe('625809*********0123');
    expect(maskPan('62580912')).toBe('********');
  });
  it('masks 13-19 digit runs in free text, leaves shorter numbers', () => {
    expect(maskPansInText('card 4111111111111111 stan 000321')).toBe('card 411111******1111 stan 000321');
    expect(maskPansInText('card 6258091234567890123.')).toBe('card 625809*********0123.');
    expect(maskPansInText('rrn 153045000321 amount 000000012345')).toBe(
      'rrn 153045000321 amount 000000012345',
    );
    expect(maskPansInText('x 12345678901234567890 y')).toBe('x 12345678901234567890 y');
  });
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41a1')).toBe(false);
  });
});
