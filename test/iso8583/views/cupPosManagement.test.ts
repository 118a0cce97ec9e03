import { describe, expect, it } from 'vitest';
import { buildSignOnKeys, parseSignOnKeys } from '../../../src/iso8583/crypto/index.js';
import type { IsoMessage } from '../../../src/iso8583/message.js';
import {
  type BatchUploadRequest,
  batchUploadEndRequestToMessage,
  batchUploadRequestToMessage,
  batchUploadResponseToMessage,
  echoTestRequestToMessage,
  echoTestResponseToMessage,
  isBatchUploadEnd,
  parseBatchUploadEndRequest,
  parseBatchUploadRequest,
  parseBatchUploadResponse,
  parseEchoTestRequest,
  parseEchoTestResponse,
  parseSettlementRequest,
  parseSettlementResponse,
  parseSettlementStatusInquiryRequest,
  parseSettlementStatusInquiryResponse,
  parseSignOnResponse,
  ReconciliationCode,
  type SettlementRequest,
  type SettlementResponse,
  type SettlementStatusInquiryResponse,
  type SignOnResponse,
  settlementRequestToMessage,
  settlementResponseToMessage,
  settlementStatusInquiryRequestToMessage,
  settlementStatusInquiryResponseToMessage,
  signOnResponseToMessage,
} from '../../../src/iso8583/views/cupPos.js';

const fieldSet = (m: IsoMessage): number[] => Object.keys(m.fields).map(Number);
const base = { stan: '000100', terminalId: '12345678', merchantId: '123456789012345', batch: '000007' };

describe('sign-on 0810', () => {
  it('carries 11 12 13 32 37 39 41 42 60 62 and its keys unwrap', () => {
    const tmk = Buffer.from('70F2A84CCBC2AE8625CBB0F2C22AB923', 'hex');
    const pik = Buffer.alloc(16, 0x13);
    const mak = Buffer.alloc(16, 0x57);
    const resp: SignOnResponse = {
      stan: '000100',
      localTime: '080000',
      localDate: '1127',
      acquirerId: '48020000',
      rrn: '080000000100',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
      field60: { transactionType: '00', batch: '000008', networkManagementCode: '003' },
      keys: buildSignOnKeys(tmk, pik, mak).toString('hex').toUpperCase(),
    };
    const m = signOnResponseToMessage(resp);
    expect(m.mti).toBe('0810');
    expect(fieldSet(m)).toEqual([11, 12, 13, 32, 37, 39, 41, 42, 60, 62]);
    const parsed = parseSignOnResponse(m);
    expect(parsed).toEqual(resp);
    expect(parsed.field60?.batch).toBe('000008');
    expect(parseSignOnKeys(Buffer.from(parsed.keys!, 'hex'), tmk)).toEqual({ pik, mak });
  });
});

describe('echo test 0820/0830', () => {
  it('request 11 41 42 60 (00 + batch + 301), no MAC; response round trips', () => {
    const m = echoTestRequestToMessage(base);
    expect(m.mti).toBe('0820');
    expect(fieldSet(m)).toEqual([11, 41, 42, 60]);
    expect(m.fields[60]).toBe('00000007301');
    expect(parseEchoTestRequest(m)).toEqual(base);
    const resp = {
      stan: '000100',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
    };
    const r = echoTestResponseToMessage(resp);
    expect(r.mti).toBe('0830');
    expect(fieldSet(r)).toEqual([11, 39, 41, 42]);
    expect(parseEchoTestResponse(r)).toEqual(resp);
    expect(() => parseEchoTestRequest({ ...m, fields: { ...m.fields, 60: '00000007003' } })).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE', context: { field: '60.3' } }),
    );
  });
});

describe('settlement 0500/0510', () => {
  const req: SettlementRequest = {
    ...base,
    operatorId: '01',
    currency: '156',
    totals: {
      debitTotalMinor: 1234567,
      debitCount: 12,
      creditTotalMinor: 500,
      creditCount: 1,
      reconciliation: ReconciliationCode.Terminal,
    },
  };

  it('request 11 41 42 48 49 60 63 64 with the 31-digit totals', () => {
    const m = settlementRequestToMessage(req);
    expect(m.mti).toBe('0500');
    expect(fieldSet(m)).toEqual([11, 41, 42, 48, 49, 60, 63, 64]);
    expect(m.fields[48]).toBe('000001234567012000000000500001' + '0');
    expect(m.fields[48]).toHaveLength(31);
    expect(m.fields[60]).toBe('00000007201');
    expect(m.fields[63]).toBe('01 ');
    expect(parseSettlementRequest(m)).toEqual(req);
  });

  it('response 11 12 13 15 37 39 41 42 48 49 60 64, reconciliation code in the last digit', () => {
    const resp: SettlementResponse = {
      stan: '000100',
      localTime: '230000',
      localDate: '1127',
      settlementDate: '1128',
      rrn: '230000000100',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
      currency: '156',
      totals: { ...req.totals, reconciliation: ReconciliationCode.Unbalanced },
      field60: { transactionType: '00', batch: '000007', networkManagementCode: '201' },
    };
    const m = settlementResponseToMessage(resp);
    expect(m.mti).toBe('0510');
    expect(fieldSet(m)).toEqual([11, 12, 13, 15, 37, 39, 41, 42, 48, 49, 60, 64]);
    expect(m.fields[48].at(-1)).toBe('2');
    expect(parseSettlementResponse(m)).toEqual(resp);
    expect(() => parseSettlementResponse({ ...m, fields: { ...m.fields, 48: '123' } })).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE', context: { field: 48 } }),
    );
  });
});

describe('batch upload 0320/0330', () => {
  const req: BatchUploadRequest = {
    ...base,
    entries: [
      { stan: '000001', amountMinor: 100, pan: '6258091234567890123' },
      { stan: '000002', amountMinor: 250000, pan: '4012345678909' },
    ],
  };

  it('entry message: 11 41 42 48 60 64, 48 = count + STAN + amount + PAN length + PAN n19', () => {
    const m = batchUploadRequestToMessage(req);
    expect(m.mti).toBe('0320');
    expect(fieldSet(m)).toEqual([11, 41, 42, 48, 60, 64]);
    expect(m.fields[48]).toBe(
      '02' +
        '000001' +
        '000000000100' +
        '19' +
        '6258091234567890123' +
        '000002' +
        '000000250000' +
        '13' +
        '4012345678909000000',
    );
    expect(m.fields[60]).toBe('00000007201');
    expect(isBatchUploadEnd(m)).toBe(false);
    expect(parseBatchUploadRequest(m)).toEqual(req);
  });

  it('end message: 60.3 = 202, 48 = total count n4', () => {
    const end = { ...base, totalCount: 17 };
    const m = batchUploadEndRequestToMessage(end);
    expect(fieldSet(m)).toEqual([11, 41, 42, 48, 60, 64]);
    expect(m.fields[48]).toBe('0017');
    expect(m.fields[60]).toBe('00000007202');
    expect(isBatchUploadEnd(m)).toBe(true);
    expect(parseBatchUploadEndRequest(m)).toEqual(end);
    expect(() => parseBatchUploadRequest(m)).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE' }),
    );
  });

  it('refuses 0 or 9 entries and a count that does not match', () => {
    expect(() => batchUploadRequestToMessage({ ...req, entries: [] })).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE' }),
    );
    expect(() => batchUploadRequestToMessage({ ...req, entries: Array(9).fill(req.entries[0]) })).toThrow(
      expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE' }),
    );
    const m = batchUploadRequestToMessage(req);
    expect(() =>
      parseBatchUploadRequest({ ...m, fields: { ...m.fields, 48: `03${m.fields[48].slice(2)}` } }),
    ).toThrow(expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE', context: { field: 48 } }));
  });

  it('response 0330 round trips', () => {
    const resp = {
      stan: '000100',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
    };
    const m = batchUploadResponseToMessage(resp);
    expect(m.mti).toBe('0330');
    expect(fieldSet(m)).toEqual([11, 39, 41, 42, 64]);
    expect(parseBatchUploadResponse(m)).toEqual(resp);
  });
});

describe('settlement status inquiry (private) 0800/0810', () => {
  it('request 11 41 42 60 (951) 62 = RRNs as ASCII', () => {
    const req = { ...base, rrns: ['153045000321', '153046000322'] };
    const m = settlementStatusInquiryRequestToMessage(req);
    expect(m.mti).toBe('0800');
    expect(fieldSet(m)).toEqual([11, 41, 42, 60, 62]);
    expect(m.fields[60]).toBe('00000007951');
    expect(Buffer.from(m.fields[62], 'hex').toString('ascii')).toBe('153045000321153046000322');
    expect(parseSettlementStatusInquiryRequest(m)).toEqual(req);
    expect(() =>
      settlementStatusInquiryRequestToMessage({ ...base, rrns: Array(9).fill('153045000321') }),
    ).toThrow(expect.objectContaining({ code: 'ISO_BAD_FIELD_VALUE', context: { field: 62 } }));
  });

  it('response 0810 with one 59-byte record per RRN round trips', () => {
    const resp: SettlementStatusInquiryResponse = {
      stan: '000100',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
      records: [
        {
          rrn: '153045000321',
          status: 'A',
          settlementMode: 'T1',
          expectedArrival: '20261128090000',
          clearedAt: '20261127230500',
          arrivedAt: '20261128091500',
          delayReason: '00',
        },
        { rrn: '153046000322', status: 'X', settlementMode: 'D0', delayReason: '09' },
      ],
    };
    const m = settlementStatusInquiryResponseToMessage(resp);
    expect(m.mti).toBe('0810');
    expect(fieldSet(m)).toEqual([11, 39, 41, 42, 62]);
    expect(m.fields[62].length).toBe(2 * 59 * 2);
    expect(parseSettlementStatusInquiryResponse(m)).toEqual(resp);
  });
});
