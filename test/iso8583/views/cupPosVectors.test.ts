import { describe, expect, it } from 'vitest';
import type { IsoMessage } from '../../../src/iso8583/message.js';
import {
  EntryMode,
  PinCapability,
  parsePurchaseRequest,
  parsePurchaseResponse,
  parseSignOnRequest,
  purchaseRequestToMessage,
  purchaseResponseToMessage,
  signOnRequestToMessage,
} from '../../../src/iso8583/views/cupPos.js';
import { codecVector, vectorMessage as toMessage } from '../../helpers/codecVectors.js';

const vectorMessage = (prefix: string): IsoMessage => toMessage(codecVector(prefix));

/** Field 64 is a placeholder in the vectors and in the views: compare presence, not value. */
function withoutMacValue(m: IsoMessage): IsoMessage {
  const fields = { ...m.fields };
  if (fields[64] !== undefined) fields[64] = 'MAC';
  return { mti: m.mti, fields };
}

describe('cup-pos vectors from typed input', () => {
  it('v1 0200 purchase (chip, track 2, no card sequence number)', () => {
    const expected = vectorMessage('v1_');
    const msg = purchaseRequestToMessage({
      pan: '6258091234567890123',
      track2: '6258091234567890123=30121011234567890',
      expiry: '3012',
      entryMode: EntryMode.ContactChip,
      pinCapability: PinCapability.CanAcceptPin,
      iccData: expected.fields[55].toLowerCase(),
      amountMinor: 12345,
      stan: '000321',
      terminalId: '12345678',
      merchantId: '123456789012345',
      batch: '000001',
    });
    expect(Object.keys(msg.fields).map(Number)).toEqual([
      2, 3, 4, 11, 14, 22, 25, 35, 41, 42, 49, 55, 60, 64,
    ]);
    expect(withoutMacValue(msg)).toEqual(withoutMacValue(expected));
    expect(msg.fields[64]).toBe('0000000000000000');
    // and the simulator side reads the vector back into the typed request
    expect(parsePurchaseRequest(expected)).toMatchObject({
      amountMinor: 12345,
      stan: '000321',
      batch: '000001',
    });
  });

  it('v2 0210 approved purchase response', () => {
    const expected = vectorMessage('v2_');
    const msg = purchaseResponseToMessage({
      processingCode: '000000',
      amountMinor: 12345,
      stan: '000321',
      localTime: '153045',
      localDate: '1127',
      conditionCode: '00',
      acquirerId: '48020000',
      rrn: '153045000321',
      authCode: 'A1B2C3',
      responseCode: '00',
      terminalId: '12345678',
      merchantId: '123456789012345',
      additionalResponse: 'ISSUER0001 ACQUIRER01',
      currency: '156',
      field60: { transactionType: '22', batch: '000001', networkManagementCode: '000' },
    });
    expect(withoutMacValue(msg)).toEqual(withoutMacValue(expected));
    const parsed = parsePurchaseResponse(expected);
    expect(parsed.responseCode).toBe('00');
    expect(parsed.authCode).toBe('A1B2C3');
    expect(parsed.field60?.batch).toBe('000001');
  });

  it('v4 0800 sign-on', () => {
    const expected = vectorMessage('v4_');
    const msg = signOnRequestToMessage({
      stan: '000001',
      terminalId: '12345678',
      merchantId: '123456789012345',
      batch: '000001',
      operatorId: '01',
    });
    expect(msg).toEqual(expected);
    expect(parseSignOnRequest(expected)).toEqual({
      stan: '000001',
      terminalId: '12345678',
      merchantId: '123456789012345',
      batch: '000001',
      operatorId: '01',
    });
  });
});
