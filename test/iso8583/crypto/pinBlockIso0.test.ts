import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import { decodePinBlockIso0, encodePinBlockIso0 } from '../../../src/iso8583/crypto/index.js';
import { hex, upper, vectorsWhere } from './vectors.js';

describe('ISO 9564 format 0 PIN block', () => {
  for (const v of vectorsWhere(/^ISO 9564-1 format 0 \(clear\)$/)) {
    it(`${v.id}: encodes`, () => {
      expect(upper(encodePinBlockIso0(String(v.inputs.pin), String(v.inputs.pan)))).toBe(v.expected);
    });
  }

  for (const v of vectorsWhere(/^ISO 9564-1 format 0 decode$/)) {
    it(`${v.id}: decodes`, () => {
      expect(decodePinBlockIso0(hex(v.inputs.pin_block), String(v.inputs.pan))).toBe(v.expected);
    });
  }

  for (const v of vectorsWhere(/^ISO 9564-1 format 0 decode must reject$/)) {
    it(`${v.id}: rejects (${v.inputs.reason}) without leaking PIN or PAN`, () => {
      expect(v.expected).toBe('REJECTED');
      const pan = String(v.inputs.pan);
      try {
        decodePinBlockIso0(hex(v.inputs.pin_block), pan);
        expect.unreachable('decode should have thrown');
      } catch (e) {
        expect(isPosError(e, 'ISO_BAD_PIN_BLOCK')).toBe(true);
        const text = JSON.stringify({ m: (e as Error).message, c: (e as { context: unknown }).context });
        expect(text).not.toContain(pan);
        expect(text).not.toContain(pan.slice(-13, -1));
        expect(text).not.toMatch(/1234/);
      }
    });
  }

  it('rejects a bad PIN or PAN on encode with coded errors', () => {
    expect(() => encodePinBlockIso0('123', '5555555551234567')).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_PIN' }),
    );
    expect(() => encodePinBlockIso0('12a4', '5555555551234567')).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_PIN' }),
    );
    expect(() => encodePinBlockIso0('1234', '55555X5551234567')).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_PAN' }),
    );
  });

  it('property: decode(encode(pin, pan), pan) === pin', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,12}$/), fc.stringMatching(/^\d{13,19}$/), (pin, pan) => {
        const block = encodePinBlockIso0(pin, pan);
        expect(block.length).toBe(8);
        expect(decodePinBlockIso0(block, pan)).toBe(pin);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random blocks decode to a valid PIN or give ISO_BAD_PIN_BLOCK, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 10 }), (bytes) => {
        try {
          const pin = decodePinBlockIso0(bytes, '5555555551234567');
          expect(pin).toMatch(/^\d{4,12}$/);
          expect(encodePinBlockIso0(pin, '5555555551234567')).toEqual(Buffer.from(bytes));
        } catch (e) {
          expect(isPosError(e, 'ISO_BAD_PIN_BLOCK')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
