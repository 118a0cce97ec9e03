import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { decodeActivateResponse } from '../../src/reader/ActivateResponse.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A contact chip answer (fake card 6217001234567893):
const CHIP = hex(`
  DF30 01 05
  5A 08 6217001234567893
  57 11 6217001234567893D29112200000012345
  5F24 03 291130
  5F34 01 00
  9F27 01 80
  9F26 08 0102030405060708
  95 05 0000000000
  9F7C 01 AA
`);

describe('decodeActivateResponse', () => {
  it('maps the status codes to outcomes', () => {
    expect(decodeActivateResponse(0x08, Buffer.alloc(0)).outcome).toBe('no-card');
    expect(decodeActivateResponse(0x0a, Buffer.alloc(0)).outcome).toBe('failed');
    expect(decodeActivateResponse(0x23, CHIP).outcome).toBe('online');
    expect(decodeActivateResponse(0x00, CHIP).outcome).toBe('approved-offline');
  });

  it('reads card data and keeps only field-55 tags, in protocol order', () => {
    const r = decodeActivateResponse(0x23, CHIP);
    expect(r.pan).toBe('6217001234567893');
    expect(r.track2).toBe('6217001234567893D29112200000012345');
    expect(r.expiry).toBe('2911');
    expect(r.panSequence).toBe('00');
    expect(r.entryInterface).toBe('contact');
    // 9F26 before 9F27 before 95; 9F7C (not a field-55 tag) left out.
    expect(r.iccData?.toString('hex').toUpperCase()).toBe(
      '9F260801020304050607089F270180950500000000 00'.replace(/ /g, ''),
    );
    expect(r.tags).toEqual(['DF30', '5A', '57', '5F24', '5F34', '9F27', '9F26', '95', '9F7C']);
  });

  it('takes PAN and expiry from track 2 when 5A/5F24 are absent', () => {
    const r = decodeActivateResponse(0x23, hex('DF30 01 02  57 0C 6222020000123452D2806101'));
    expect([r.pan, r.expiry, r.entryInterface, r.iccData]).toEqual([
      '6222020000123452',
      '2806',
      'magstripe',
      undefined,
    ]);
  });

  it('bad answers give READER_BAD_RESPONSE', () => {
    const code = (status: number, data: Buffer) => {
      try {
        decodeActivateResponse(status, data);
        return 'ok';
      } catch (e) {
        return isPosError(e) ? `${e.code}:${e.context.field}` : 'not coded';
      }
    };
    expect(code(0x23, hex('5A 08 62170012'))).toBe('READER_BAD_RESPONSE:undefined');
    expect(code(0x23, hex('DF30 01 05'))).toBe('READER_BAD_RESPONSE:5A');
    expect(code(0x23, hex('5A 08 6217001234567893'))).toBe('READER_BAD_RESPONSE:DF30');
    expect(code(0x23, hex('5A 08 6217001234567893 DF30 01 09'))).toBe('READER_BAD_RESPONSE:DF30');
    expect(code(0x23, hex('57 04 12345678 DF30 01 05'))).toBe('READER_BAD_RESPONSE:57');
  });

  it('property: random response data gives a result or a coded error, never a crash', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x00, 0x23), fc.uint8Array({ maxLength: 120 }), (status, data) => {
        try {
          decodeActivateResponse(status, Buffer.from(data));
        } catch (e) {
          expect(isPosError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
