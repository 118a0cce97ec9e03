/**
 * Reader commands as typed request/response pairs (pure): the command table, per-command
 * timeouts as data, and the Activate Transaction TLV encoding.
 */
import { PosError } from '../errors.js';
import { encodeTlv, type Tlv } from '../iso8583/tlv.js';
import { NeoCommand } from './NeoFrame.js';

export type ReaderCommandName = 'ping' | 'firmwareVersion' | 'serialNumber' | 'activate' | 'cancel';

export const READER_COMMANDS: Record<ReaderCommandName, readonly [number, number]> = {
  ping: NeoCommand.Ping,
  firmwareVersion: NeoCommand.GetFirmwareVersion,
  serialNumber: NeoCommand.GetSerialNumber,
  activate: NeoCommand.ActivateTransaction,
  cancel: NeoCommand.CancelTransaction,
};

/** Response timeouts in ms. Activate waits for the card: its timeout is the card timeout + `activateMarginMs`. */
export interface ReaderTimeouts {
  ping: number;
  firmwareVersion: number;
  serialNumber: number;
  cancel: number;
  activateMarginMs: number;
}

export const DEFAULT_READER_TIMEOUTS: ReaderTimeouts = {
  ping: 1000,
  firmwareVersion: 1000,
  serialNumber: 1000,
  cancel: 1000,
  activateMarginMs: 3000,
};

export type TransactionType = 'purchase' | 'refund' | 'balance-inquiry';

export const TRANSACTION_TYPE_CODE: Record<TransactionType, number> = {
  purchase: 0x00,
  refund: 0x20,
  'balance-inquiry': 0x31,
};

export interface ActivateRequest {
  /** Amount in minor units (fen for CNY). */
  amountMinor: number | bigint;
  /** Default 'purchase'. */
  type?: TransactionType;
  /** ISO 4217 numeric currency, default '156' (CNY). */
  currency?: string;
  /** How long the reader waits for a card, in seconds (1..255, default 30). */
  timeoutSec?: number;
  /** Transaction date/time (default: the driver clock's now), sent in the process's local time. */
  at?: Date;
}

export const CHIP_TAGS_FIELD55 = [
  '9F26',
  '9F27',
  '9F10',
  '9F37',
  '9F36',
  '95',
  '9A',
  '9C',
  '9F02',
  '5F2A',
  '82',
  '9F1A',
  '9F33',
  '9F34',
  '84',
] as const;

function bcd(digits: string): Buffer {
  return Buffer.from(digits.length % 2 ? `0${digits}` : digits, 'hex');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Command data of 02-40: timeout byte + TLVs 9F02, 9C, 5F2A, 9A, 9F21. */
export function encodeActivateData(req: ActivateRequest, now: Date): Buffer {
  const amount = BigInt(req.amountMinor);
  if (amount < 0n || amount > 999_999_999_999n) {
    throw new PosError('READER_BAD_AMOUNT', 'amount must be 0..999999999999 minor units', { field: '9F02' });
  }
  const timeoutSec = req.timeoutSec ?? 30;
  if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 255) {
    throw new PosError('READER_BAD_TIMEOUT', 'card timeout must be 1..255 seconds', { key: 'timeoutSec' });
  }
  const type = req.type ?? 'purchase';
  const typeCode = TRANSACTION_TYPE_CODE[type];
  if (typeCode === undefined) {
    throw new PosError('READER_BAD_TYPE', 'unknown transaction type', { field: '9C' });
  }
  const currency = req.currency ?? '156';
  if (!/^\d{1,4}$/.test(currency)) {
    throw new PosError('READER_BAD_CURRENCY', 'currency must be ISO 4217 numeric', { field: '5F2A' });
  }
  const at = req.at ?? now;
  const tlvs: Tlv[] = [
    { tag: '9F02', value: bcd(amount.toString().padStart(12, '0')) },
    { tag: '9C', value: Buffer.of(typeCode) },
    { tag: '5F2A', value: bcd(currency.padStart(4, '0')) },
    { tag: '9A', value: bcd(two(at.getFullYear() % 100) + two(at.getMonth() + 1) + two(at.getDate())) },
    { tag: '9F21', value: bcd(two(at.getHours()) + two(at.getMinutes()) + two(at.getSeconds())) },
  ];
  return Buffer.concat([Buffer.of(timeoutSec), encodeTlv(tlvs)]);
}
