import { describe, expect, it } from 'vitest';
import { parseTpdu, swapTpdu } from '../../src/host/framing.js';
import { expectResponse, mismatch, responseMti } from '../../src/host/ResponseMatcher.js';
import { echoTest, purchase, TPDU } from './linkHelpers.js';

const tpdu = parseTpdu(TPDU);
const back = swapTpdu(tpdu);

describe('ResponseMatcher', () => {
  it('response MTI is request MTI + 10', () => {
    expect(['0200', '0220', '0400', '0320', '0500', '0800', '0820'].map(responseMti)).toEqual([
      '0210',
      '0230',
      '0410',
      '0330',
      '0510',
      '0810',
      '0830',
    ]);
  });

  it('financial: checks MTI, 11, 41, 3, 4 and the swapped TPDU', () => {
    const req = purchase('000321');
    const exp = expectResponse(req, tpdu);
    const ok = {
      mti: '0210',
      fields: { 3: '000000', 4: '000000012345', 11: '000321', 39: '00', 41: '12345678' },
    };
    expect(mismatch(exp, back, ok)).toBeUndefined();
    expect(mismatch(exp, tpdu, ok)).toBe('tpdu');
    expect(mismatch(exp, back, { ...ok, mti: '0200' })).toBe('mti');
    expect(mismatch(exp, back, { ...ok, fields: { ...ok.fields, 11: '000322' } })).toBe('stan');
    expect(mismatch(exp, back, { ...ok, fields: { ...ok.fields, 41: '12345679' } })).toBe('terminal id');
    expect(mismatch(exp, back, { ...ok, fields: { ...ok.fields, 3: '200000' } })).toBe('processing code');
    expect(mismatch(exp, back, { ...ok, fields: { ...ok.fields, 4: '000000012346' } })).toBe('amount');
  });

  it("a request without a STAN matches nothing: 'unmatched' when every field agrees", () => {
    const req = purchase('000321');
    delete req.fields[11];
    const exp = expectResponse(req, tpdu);
    const same = { mti: '0210', fields: { 3: '000000', 4: '000000012345', 39: '00', 41: '12345678' } };
    expect(mismatch(exp, back, same)).toBe('unmatched');
    expect(Object.keys(exp.request.fields)).toEqual(['3', '4', '41']);
  });

  it('keeps no card data from the request', () => {
    const exp = expectResponse(purchase('000321'), tpdu);
    expect(JSON.stringify(exp)).not.toContain('6258091234567890123');
  });

  it('network management: 3 and 4 are not required', () => {
    const exp = expectResponse(echoTest('000009'), tpdu);
    expect(
      mismatch(exp, back, { mti: '0830', fields: { 11: '000009', 39: '00', 41: '12345678' } }),
    ).toBeUndefined();
  });

  it('a TPDU with another destination is refused', () => {
    const exp = expectResponse(echoTest('000009'), tpdu);
    const other = { ...back, source: back.source + 1 };
    expect(mismatch(exp, other, { mti: '0830', fields: { 11: '000009', 41: '12345678' } })).toBe('tpdu');
  });
});
