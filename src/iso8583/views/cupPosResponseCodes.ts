/**
 * Response code texts (host-cup-pos.md section 6) and request/response matching (section 5).
 */
import type { IsoMessage } from '../message.js';

export const RESPONSE_CODE_TEXT: Readonly<Record<string, { en: string; zh: string }>> = {
  '00': { en: 'approved', zh: '交易成功' },
  '01': { en: 'refer to card issuer', zh: '请持卡人与发卡行联系' },
  '03': { en: 'invalid merchant', zh: '无效商户' },
  '05': { en: 'do not honour', zh: '不予承兑' },
  '12': { en: 'invalid transaction', zh: '无效交易' },
  '13': { en: 'invalid amount', zh: '无效金额' },
  '14': { en: 'invalid card number', zh: '无效卡号' },
  '25': { en: 'original transaction not found', zh: '找不到原始交易' },
  '30': { en: 'format error', zh: '报文格式错误' },
  '51': { en: 'insufficient funds', zh: '余额不足' },
  '54': { en: 'expired card', zh: '过期卡' },
  '55': { en: 'incorrect PIN', zh: '密码错' },
  '58': { en: 'transaction not permitted on this terminal', zh: '不允许终端进行此交易' },
  '61': { en: 'exceeds amount limit', zh: '超出金额限制' },
  '94': { en: 'duplicate transaction', zh: '重复交易' },
  '96': { en: 'system malfunction', zh: '系统故障' },
  '97': { en: 'terminal not registered', zh: '终端未登记' },
  '98': { en: 'no answer from issuer', zh: '发卡行超时' },
  A0: { en: 'MAC check failed, sign on again', zh: 'MAC校验错,请重新签到' },
};

/** Text of a field 39 code for people; unknown codes get a generic "declined (code XX)". */
export function responseCodeText(code: string): { en: string; zh: string } {
  if (Object.hasOwn(RESPONSE_CODE_TEXT, code)) return RESPONSE_CODE_TEXT[code];
  const shown = code.replace(/[^\x20-\x7e]/g, '?').slice(0, 8);
  return { en: `declined (code ${shown})`, zh: `交易失败 (${shown})` };
}

/** Financial message classes (01xx to 05xx): their responses also echo fields 3 and 4. */
const isFinancial = (mti: string): boolean => /^0[1-5]/.test(mti);

/**
 * True when `response` answers `request`: MTI + 10, same 11 and 41; for financial messages also
 * the same 3 and 4 (a field absent from the request must be absent from the response).
 */
export function responseMatches(request: IsoMessage, response: IsoMessage): boolean {
  if (!/^\d{4}$/.test(request.mti)) return false;
  const expectedMti = String(Number(request.mti) + 10).padStart(4, '0');
  if (response.mti !== expectedMti) return false;
  const same = (f: number): boolean => request.fields[f] === response.fields[f];
  if (request.fields[11] === undefined || !same(11) || !same(41)) return false;
  return !isFinancial(request.mti) || (same(3) && same(4));
}
