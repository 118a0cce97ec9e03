/**
 * NEO 2 (ViVOtech2) frames, pure. Commands carry a sub-command in byte 11 and the CRC LSB first;
 * responses carry a status code in byte 11 and the CRC MSB first.
 */
import { PosError } from '../errors.js';
import { crc16 } from './crc16.js';

/** `ViVOtech2\0` */
export const NEO_HEADER = Buffer.from('ViVOtech2\0', 'latin1');
export const NEO_HEADER_LENGTH = 10;
/** Header + command + sub/status + 2-byte length. */
export const NEO_PREFIX_LENGTH = 14;
export const NEO_MAX_FRAME = 1500;
export const NEO_MAX_DATA = NEO_MAX_FRAME - NEO_PREFIX_LENGTH - 2;

export type NeoDirection = 'command' | 'response';

export interface NeoFrame {
  command: number;
  /** Sub-command (command frames) or status code (response frames). */
  sub: number;
  data: Buffer;
}

/** Status codes of byte 11 of a response, in the protocol page's words. */
export const NeoStatus = {
  OK: 0x00,
  IncorrectHeaderTag: 0x01,
  UnknownCommand: 0x02,
  UnknownSubCommand: 0x03,
  CrcError: 0x04,
  IncorrectParameter: 0x05,
  MalFormattedData: 0x07,
  Timeout: 0x08,
  Failed: 0x0a,
  CommandNotAllowed: 0x0b,
  RequestOnlineAuthorization: 0x23,
} as const;

/** Command codes (command, sub-command). */
export const NeoCommand = {
  Ping: [0x18, 0x01],
  GetFirmwareVersion: [0x29, 0x00],
  GetSerialNumber: [0x12, 0x01],
  ActivateTransaction: [0x02, 0x40],
  CancelTransaction: [0x05, 0x01],
} as const satisfies Record<string, readonly [number, number]>;

/** Unsolicited boot notification: response frame with command 14, status 01, ASCII platform. */
export const NEO_BOOT_COMMAND = 0x14;
export const NEO_BOOT_STATUS = 0x01;

export function encodeNeoFrame(direction: NeoDirection, frame: NeoFrame): Buffer {
  const n = frame.data.length;
  if (n > NEO_MAX_DATA) {
    throw new PosError('READER_FRAME_TOO_LONG', `frame data of ${n} bytes exceeds ${NEO_MAX_DATA}`, {
      length: n,
    });
  }
  const out = Buffer.alloc(NEO_PREFIX_LENGTH + n + 2);
  NEO_HEADER.copy(out, 0);
  out[10] = frame.command & 0xff;
  out[11] = frame.sub & 0xff;
  out.writeUInt16BE(n, 12);
  frame.data.copy(out, NEO_PREFIX_LENGTH);
  const crc = crc16(out, 0, NEO_PREFIX_LENGTH + n);
  if (direction === 'command') out.writeUInt16LE(crc, NEO_PREFIX_LENGTH + n);
  else out.writeUInt16BE(crc, NEO_PREFIX_LENGTH + n);
  return out;
}

export function neoCommandFrame(cmd: readonly [number, number], data: Buffer = Buffer.alloc(0)): Buffer {
  return encodeNeoFrame('command', { command: cmd[0], sub: cmd[1], data });
}

export function neoResponseFrame(command: number, status: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return encodeNeoFrame('response', { command, sub: status, data });
}

export function statusName(status: number): string {
  for (const [k, v] of Object.entries(NeoStatus)) if (v === status) return k;
  return `0x${status.toString(16).padStart(2, '0')}`;
}
