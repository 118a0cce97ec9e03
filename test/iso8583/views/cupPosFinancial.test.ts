import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPosError } from '../../../src/errors.js';
import type { IsoMessage } from '../../../src/iso8583/message.js';
import {
  type BalanceInquiryRequest,
  balanceInquiryRequestToMessage,
  balanceInquiryResponseToMessage,
  type CupPosRefundRequest,
  type CupPosVoidRequest,
  EntryMode,
  type OfflineSaleAdviceRequest,
  offlineSaleAdviceRequestToMessage,
  offlineSaleAdviceResponseToMessage,
  PinCapability,
  type PurchaseRequest,
  type PurchaseResponse,
  parseBalanceAmount,
  parseBalanceInquiryRequest,
  parseBalanceInquiryResponse,
  parseField60,
  parseOfflineSaleAdviceRequest,
  parseOfflineSaleAdviceResponse,
  parsePurchaseRequest,
  parsePurchaseResponse,
  parseRefundRequest,
  parseRefundResponse,
  parseReversalRequest,
  parseReversalResponse,
  parseVoidRequest,
  parseVoidResponse,
  purchaseRequestToMessage,
  purchaseResponseToMessage,
  ReadCapability,
  ReversalReason,
  type ReversalRequest,
  refundRequestToMessage,
  refundResponseToMessage,
  reversalRequestFromOriginal,
  reversalRequestToMessage,
  reversalResponseToMessage,
  voidRequestToMessage,
  voidResponseToMessage,
} from '../../../src/iso8583/views/cupPos.js';

const fieldSet = (m: IsoMessage): number[] => Object.keys(m.fields).map(Number);

const chip = {
  pan: '6258091234567890123',
  track2: '6258091234567890123D30121011234567890',
  expiry: '3012',
  entryMode: EntryMode.ContactChip,
  pinCapability: PinCapability.CanAcceptPin,
  panSequence: '001',
  iccData: '9F2608112233445566778899',
  readCapability: ReadCapability.Contact,
  icCondition: '0',
};
const ids = { terminalId: '12345678', merchantId: '123456789012345', currency: '156' };

const purchase: PurchaseRequest = { ...chip, ...ids, amountMinor: 12345, stan: '000321', batch: '000001' };
const voidReq: CupPosVoidRequest = {
  ...purchase,
  stan: '000322',
  originalRrn: '153045000321',
  originalAuthCode: 'A1B2C3',
  originalBatch: '000001',
  originalStan: '000321',
};
const refund: CupPosRefundRequest = {
  ...purchase,
  stan: '000323',
  originalRrn: '153045000321',
  originalBatch: '000001',
  originalStan: '000321',
  originalDate: '1127',
};
const inquiry: BalanceInquiryRequest = {
  ...chip,
  ...ids,
  pinBlock: '0123456789ABCDEF',
  stan: '000324',
  batch: '000001',
};
const advice: OfflineSaleAdviceRequest = {
  pan: chip.pan,
  expiry: chip.expiry,
  entryMode: EntryMode.ContactlessChip,
  pinCapability: PinCapability.CannotAcceptPin,
  panSequence: '000',
  iccData: '9F2701409F360200AA',
  ...ids,
  amountMinor: 500,
  stan: '000325',
  batch: '000001',
  localTime: '101112',
  localDate: '1126',
  offlineAuthCode: 'Y1    ',
};
const reversal: ReversalRequest = {
  pan: chip.pan,
  expiry: chip.expiry,
  entryMode: chip.entryMode,
  pinCapability: chip.pinCapability,
  panSequence: chip.panSequence,
  iccData: chip.iccData,
  ...ids,
  processingCode: '000000',
  amountMinor: 12345,
  stan: '000321',
  conditionCode: '00',
  transactionType: '22',
  batch: '000001',
  networkManagementCode: '000',
  readCapability: '5',
  icCondition: '0',
  reason: ReversalReason.NoResponse,
};

describe('financial request builders: field sets of host-cup-pos.md section 5', () => {
  it('purchase 0200: 2 3 4 11 14 22 23 25 35 41 42 49 55 60 64', () => {
    const m = purchaseRequestToMessage(purchase);
    expect(m.mti).toBe('0200');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 35, 41, 42, 49, 55, 60, 64]);
    expect(m.fields[3]).toBe('000000');
    expect(m.fields[4]).toBe('000000012345');
    expect(m.fields[22]).toBe('051');
    expect(m.fields[60]).toBe('2200000100050');
    expect(m.fields[64]).toBe('0000000000000000');
  });

  it('purchase without MAC when asked, magstripe without chip fields', () => {
    const m = purchaseRequestToMessage(
      {
        track2: '6258091234567890123=3012101',
        entryMode: EntryMode.MagneticStripe,
        pinCapability: PinCapability.CanAcceptPin,
        ...ids,
        amountMinor: 1,
        stan: '000001',
        batch: '000002',
      },
      { withMac: false },
    );
    expect(fieldSet(m)).toEqual([3, 4, 11, 22, 25, 35, 41, 42, 49, 60]);
    expect(m.fields[35]).toBe('6258091234567890123D3012101');
    expect(m.fields[60]).toBe('22000002000');
  });

  it('void 0200: 3=200000, 37/38 of the original, 61 = batch + STAN', () => {
    const m = voidRequestToMessage(voidReq);
    expect(m.mti).toBe('0200');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 35, 37, 38, 41, 42, 49, 55, 60, 61, 64]);
    expect(m.fields[3]).toBe('200000');
    expect(m.fields[61]).toBe('000001000321');
    expect(parseField60(m.fields[60]).transactionType).toBe('23');
  });

  it('keyed void has 22 = 012', () => {
    const m = voidRequestToMessage({
      pan: chip.pan,
      expiry: '3012',
      entryMode: EntryMode.Keyed,
      pinCapability: PinCapability.CannotAcceptPin,
      ...ids,
      amountMinor: 1,
      stan: '000009',
      batch: '000001',
      originalRrn: '153045000321',
      originalBatch: '000001',
      originalStan: '000321',
    });
    expect(m.fields[22]).toBe('012');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 25, 37, 41, 42, 49, 60, 61, 64]);
  });

  it('refund 0220: 61 = batch + STAN + date, 60.1 = 25', () => {
    const m = refundRequestToMessage(refund);
    expect(m.mti).toBe('0220');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 35, 37, 41, 42, 49, 55, 60, 61, 64]);
    expect(m.fields[3]).toBe('200000');
    expect(m.fields[61]).toBe('0000010003211127');
    expect(parseField60(m.fields[60]).transactionType).toBe('25');
  });

  it('balance inquiry 0200: 3=310000, no amount, PIN block in 52', () => {
    const m = balanceInquiryRequestToMessage(inquiry);
    expect(fieldSet(m)).toEqual([2, 3, 11, 14, 22, 23, 25, 35, 41, 42, 49, 52, 55, 60, 64]);
    expect(m.fields[3]).toBe('310000');
    expect(parseField60(m.fields[60]).transactionType).toBe('01');
  });

  it('offline sale advice 0220: 2 3 4 11 12 13 14 22 23 25 38 41 42 49 55 60 64, 60.1 = 30', () => {
    const m = offlineSaleAdviceRequestToMessage(advice);
    expect(m.mti).toBe('0220');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 12, 13, 14, 22, 23, 25, 38, 41, 42, 49, 55, 60, 64]);
    expect(m.fields[60]).toBe('30000001000');
    // track data is never carried by an advice, even when present on the object
    const withTrack = offlineSaleAdviceRequestToMessage({
      ...advice,
      track2: chip.track2,
    } as OfflineSaleAdviceRequest);
    expect(withTrack.fields[35]).toBeUndefined();
  });

  it('reversal 0400: original fields + 39 reason + 61, original STAN', () => {
    const m = reversalRequestToMessage(reversal);
    expect(m.mti).toBe('0400');
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 39, 41, 42, 49, 55, 60, 61, 64]);
    expect(m.fields[11]).toBe('000321');
    expect(m.fields[39]).toBe('98');
    expect(m.fields[61]).toBe('000001000321');
  });

  it('reversal from the original purchase message drops track 2 and PIN block', () => {
    const original = purchaseRequestToMessage({ ...purchase, pinBlock: 'AABBCCDDEEFF0011' });
    const m = reversalRequestFromOriginal(original, ReversalReason.BadMac);
    expect(fieldSet(m)).toEqual([2, 3, 4, 11, 14, 22, 23, 25, 39, 41, 42, 49, 55, 60, 61, 64]);
    expect(m.fields[39]).toBe('A0');
    expect(m.fields[61]).toBe('000001000321');
    expect(m.fields[60]).toBe(original.fields[60]);
    expect(reversalRequestToMessage({ ...reversal, reason: 'A0' })).toEqual(m);
  });
});

describe('financial requests round trip through the parsers', () => {
  it('parse(build(x)) === x for every request', () => {
    expect(parsePurchaseRequest(purchaseRequestToMessage(purchase))).toEqual(purchase);
    expect(parseVoidRequest(voidRequestToMessage(voidReq))).toEqual(voidReq);
    expect(parseRefundRequest(refundRequestToMessage(refund))).toEqual(refund);
    expect(parseBalanceInquiryRequest(balanceInquiryRequestToMessage(inquiry))).toEqual(inquiry);
    expect(parseOfflineSaleAdviceRequest(offlineSaleAdviceRequestToMessage(advice))).toEqual(advice);
    expect(parseReversalRequest(reversalRequestToMessage(reversal))).toEqual(reversal);
  });

  it('parsers refuse the wrong message with coded errors', () => {
    const p = purchaseRequestToMessage(purchase);
    expect(() => parseVoidRequest(p)).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE', context: { field: 3 } }),
    );
    expect(() => parseRefundRequest(p)).toThrow(expect.objectContaining({ code: 'ISO_UNEXPECTED_MTI' }));
    const noStan = { mti: p.mti, fields: { ...p.fields } };
    delete noStan.fields[11];
    expect(() => parsePurchaseRequest(noStan)).toThrow(
      expect.objectContaining({ code: 'ISO_MISSING_FIELD', context: { field: 11 } }),
    );
  });

  it('builders refuse bad values with coded errors that do not echo the value', () => {
    const cases: [Partial<PurchaseRequest>, number | string][] = [
      [{ amountMinor: -1 }, 4],
      [{ amountMinor: 1.5 }, 4],
      [{ stan: '12345' }, 11],
      [{ terminalId: '1234567' }, 41],
      [{ pan: '62580912345678901234' }, 2],
      [{ track2: '6258X' }, 35],
      [{ iccData: '9F2' }, 55],
      [{ batch: '1' }, '60.2'],
      [{ entryMode: '5' }, '22.1'],
    ];
    for (const [patch, field] of cases) {
      try {
        purchaseRequestToMessage({ ...purchase, ...patch } as PurchaseRequest);
        expect.unreachable(`field ${field} accepted`);
      } catch (e) {
        expect(isPosError(e, 'ISO_BAD_FIELD_VALUE')).toBe(true);
        expect((e as { context: { field: unknown } }).context.field).toBe(field);
        expect((e as Error).message).not.toContain('6258091234');
      }
    }
  });

  it('property: mutating one field of a purchase gives the same value back or a coded error', () => {
    const base = purchaseRequestToMessage(purchase);
    const fieldNos = fieldSet(base);
    fc.assert(
      fc.property(fc.constantFrom(...fieldNos), fc.string({ maxLength: 40 }), (f, value) => {
        const m = { mti: base.mti, fields: { ...base.fields, [f]: value } };
        try {
          const parsed = parsePurchaseRequest(m);
          expect(parsed.stan).toMatch(/^\d{6}$/);
        } catch (e) {
          expect(isPosError(e)).toBe(true);
          expect((e as { code: string }).code).toMatch(/^ISO_/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('financial responses', () => {
  const approved: PurchaseResponse = {
    processingCode: '000000',
    amountMinor: 12345,
    stan: '000321',
    localTime: '153045',
    localDate: '1127',
    settlementDate: '1127',
    conditionCode: '00',
    acquirerId: '48020000',
    rrn: '153045000321',
    authCode: 'A1B2C3',
    responseCode: '00',
    terminalId: '12345678',
    merchantId: '123456789012345',
    additionalResponse: 'ISSUER0001 ACQUIRER01',
    currency: '156',
    iccData: '910A1122334455667788990A',
    field60: { transactionType: '22', batch: '000001', networkManagementCode: '000' },
  };

  it('0210 carries 3 4 11 12 13 15 25 32 37 38 39 41 42 44 49 55 60 64', () => {
    const m = purchaseResponseToMessage(approved);
    expect(m.mti).toBe('0210');
    expect(fieldSet(m)).toEqual([3, 4, 11, 12, 13, 15, 25, 32, 37, 38, 39, 41, 42, 44, 49, 55, 60, 64]);
  });

  it('round trips for every response type with the right MTI', () => {
    const declined = { ...approved, responseCode: '51', authCode: undefined };
    delete declined.authCode;
    const pairs: [(r: PurchaseResponse) => IsoMessage, (m: IsoMessage) => PurchaseResponse, string][] = [
      [purchaseResponseToMessage, parsePurchaseResponse, '0210'],
      [voidResponseToMessage, parseVoidResponse, '0210'],
      [refundResponseToMessage, parseRefundResponse, '0230'],
      [offlineSaleAdviceResponseToMessage, parseOfflineSaleAdviceResponse, '0230'],
      [reversalResponseToMessage, parseReversalResponse, '0410'],
    ];
    for (const [build, parse, mti] of pairs) {
      for (const r of [approved, declined]) {
        const m = build(r);
        expect(m.mti).toBe(mti);
        expect(parse(m)).toEqual(r);
      }
    }
    expect(() => parseRefundResponse(purchaseResponseToMessage(approved))).toThrow(
      expect.objectContaining({ code: 'ISO_UNEXPECTED_MTI' }),
    );
  });

  it('balance inquiry response carries 54 and its amount reads back', () => {
    const r = {
      ...approved,
      amountMinor: undefined,
      processingCode: '310000',
      balance: '1001156C000000098765',
    };
    delete r.amountMinor;
    const m = balanceInquiryResponseToMessage(r);
    expect(m.fields[54]).toBe('1001156C000000098765');
    expect(m.fields[4]).toBeUndefined();
    expect(parseBalanceInquiryResponse(m)).toEqual(r);
    expect(parseBalanceAmount(r.balance)).toEqual({ currency: '156', amountMinor: 98765 });
    expect(parseBalanceAmount('1001156D000000000100')).toEqual({ currency: '156', amountMinor: -100 });
    expect(parseBalanceAmount('98765')).toBeUndefined();
  });
});
