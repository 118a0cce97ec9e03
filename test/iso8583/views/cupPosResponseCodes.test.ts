import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../../src/iso8583/message.js';
import { RESPONSE_CODE_TEXT, responseCodeText, responseMatches } from '../../../src/iso8583/views/cupPos.js';

describe('responseCodeText', () => {
  it('has the 19 codes of section 6 in both languages', () => {
    expect(Object.keys(RESPONSE_CODE_TEXT).sort()).toEqual(
      [
        '00',
        '01',
        '03',
        '05',
        '12',
        '13',
        '14',
        '25',
        '30',
        '51',
        '54',
        '55',
        '58',
        '61',
        '94',
        '96',
        '97',
        '98',
        'A0',
      ].sort(),
    );
    expect(responseCodeText('00')).toEqual({ en: 'approved', zh: '交易成功' });
    expect(responseCodeText('51')).toEqual({ en: 'insufficient funds', zh: '余额不足' });
    expect(responseCodeText('A0')).toEqual({
      en: 'MAC check failed, sign on again',
      zh: 'MAC校验错,请重新签到',
    });
  });

  it('unknown codes get the generic text', () => {
    expect(responseCodeText('Q1')).toEqual({ en: 'declined (code Q1)', zh: '交易失败 (Q1)' });
    expect(responseCodeText('toString')).toEqual({
      en: 'declined (code toString)',
      zh: '交易失败 (toString)',
    });
  });
});

describe('responseMatches', () => {
  const req: IsoMessage = {
    mti: '0200',
    fields: { 3: '000000', 4: '000000012345', 11: '000321', 41: '12345678' },
  };
  const resp: IsoMessage = {
    mti: '0210',
    fields: { 3: '000000', 4: '000000012345', 11: '000321', 39: '00', 41: '12345678' },
  };

  it('matches MTI + 10, 11, 41, and for financial messages 3 and 4', () => {
    expect(responseMatches(req, resp)).toBe(true);
    expect(responseMatches(req, { ...resp, mti: '0230' })).toBe(false);
    for (const f of [3, 4, 11, 41]) {
      expect(responseMatches(req, { ...resp, fields: { ...resp.fields, [f]: '999999' } })).toBe(false);
      const missing = { ...resp, fields: { ...resp.fields } };
      delete missing.fields[f];
      expect(responseMatches(req, missing)).toBe(false);
    }
  });

  it('network management compares 11 and 41 only', () => {
    const signOn: IsoMessage = { mti: '0800', fields: { 11: '000001', 41: '12345678', 60: '00000001003' } };
    const ok: IsoMessage = { mti: '0810', fields: { 11: '000001', 39: '00', 41: '12345678', 3: '990000' } };
    expect(responseMatches(signOn, ok)).toBe(true);
    expect(responseMatches(signOn, { ...ok, fields: { ...ok.fields, 11: '000002' } })).toBe(false);
    expect(responseMatches({ mti: '0820', fields: signOn.fields }, { ...ok, mti: '0830' })).toBe(true);
  });

  it('a late response to an earlier request does not match the current one', () => {
    const late = { ...resp, fields: { ...resp.fields, 11: '000320' } };
    expect(responseMatches(req, late)).toBe(false);
  });
});
