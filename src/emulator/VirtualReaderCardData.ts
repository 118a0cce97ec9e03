/** The TLVs the virtual reader answers Activate with, built from a test card and the request. */
import { createHash } from 'node:crypto';
import { encodeTlv, type Tlv } from '../iso8583/tlv.js';
import { type TestCard, testCardTrack2 } from './VirtualReaderCards.js';

const ENTRY_CODE = { contact: 0x05, contactless: 0x07, magstripe: 0x02 } as const;

function bcdPadF(digits: string): Buffer {
  return Buffer.from(digits.length % 2 ? `${digits}F` : digits, 'hex');
}

/** Card data + chip data. The chip tags come in a different order than field 55 wants on purpose. */
export function virtualCardTlvs(
  card: TestCard,
  request: Map<string, Buffer>,
  atc: number,
  approvedOffline: boolean,
): Buffer {
  const list: Tlv[] = [];
  const entry = { tag: 'DF30', value: Buffer.of(ENTRY_CODE[card.entry]) };
  const cardData: Tlv[] = [
    { tag: '5A', value: bcdPadF(card.pan) },
    { tag: '57', value: bcdPadF(testCardTrack2(card)) },
    { tag: '5F24', value: Buffer.from(`${card.expiry}31`, 'hex') },
  ];
  if (card.entry === 'magstripe') {
    list.push(...cardData, entry);
    return encodeTlv(list);
  }
  if (card.panSequence) cardData.push({ tag: '5F34', value: Buffer.from(card.panSequence, 'hex') });
  const un = createHash('sha256').update(`un:${card.pan}:${atc}`).digest().subarray(0, 4);
  const ac = createHash('sha256')
    .update(`ac:${card.pan}:${atc}:${request.get('9F02')?.toString('hex') ?? ''}`)
    .digest()
    .subarray(0, 8);
  const atcBuf = Buffer.alloc(2);
  atcBuf.writeUInt16BE(atc & 0xffff);
  const chip: Tlv[] = [
    { tag: '82', value: Buffer.from('7C00', 'hex') },
    { tag: '84', value: Buffer.from('A000000333010101', 'hex') },
    { tag: '9F26', value: ac },
    { tag: '9F27', value: Buffer.of(approvedOffline ? 0x40 : 0x80) },
    { tag: '9F10', value: Buffer.from('07010103A0A802010A010000000000', 'hex') },
    { tag: '9F37', value: un },
    { tag: '9F36', value: atcBuf },
    { tag: '95', value: Buffer.from('0000000000', 'hex') },
    { tag: '9A', value: request.get('9A') ?? Buffer.from('260101', 'hex') },
    { tag: '9C', value: request.get('9C') ?? Buffer.of(0) },
    { tag: '9F02', value: request.get('9F02') ?? Buffer.alloc(6) },
    { tag: '5F2A', value: request.get('5F2A') ?? Buffer.from('0156', 'hex') },
    { tag: '9F1A', value: Buffer.from('0156', 'hex') },
    { tag: '9F33', value: Buffer.from('E0F8C8', 'hex') },
    { tag: '9F34', value: Buffer.from(card.entry === 'contact' ? '420300' : '1F0302', 'hex') },
    // Not a field-55 tag: the driver must leave it out of iccData.
    { tag: '50', value: Buffer.from('UnionPay Debit', 'latin1') },
  ];
  list.push(entry, ...chip.slice(0, 3), ...cardData, ...chip.slice(3));
  return encodeTlv(list);
}
