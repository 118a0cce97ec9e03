import { describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import { crc16 } from '../../src/reader/crc16.js';
import {
  encodeNeoFrame,
  NEO_MAX_DATA,
  NeoCommand,
  neoCommandFrame,
  neoResponseFrame,
} from '../../src/reader/NeoFrame.js';

describe('crc16 (CCITT-FALSE)', () => {
  it('has the check value 0x29B1 for "123456789"', () => {
    expect(crc16(Buffer.from('123456789', 'ascii'))).toBe(0x29b1);
  });
  it('honours start and end', () => {
    const b = Buffer.from('xx123456789yy', 'ascii');
    expect(crc16(b, 2, 11)).toBe(0x29b1);
  });
});

describe('NEO 2 frames', () => {
  it('encodes the ping command of the protocol page (CRC LSB first)', () => {
    expect(neoCommandFrame(NeoCommand.Ping).toString('hex')).toBe('5669564f74656368320018010000b3cd');
  });
  it('encodes the ping OK response of the protocol page (CRC MSB first)', () => {
    expect(neoResponseFrame(0x18, 0x00).toString('hex')).toBe('5669564f74656368320018000000fa83');
  });
  it('writes the length big-endian and the data', () => {
    const f = neoResponseFrame(0x29, 0x00, Buffer.from('V1.2', 'latin1'));
    expect(f.subarray(12, 14).toString('hex')).toBe('0004');
    expect(f.subarray(14, 18).toString('latin1')).toBe('V1.2');
    expect(f.length).toBe(20);
  });
  it('refuses data above the maximum frame size with a coded error', () => {
    let err: unknown;
    try {
      encodeNeoFrame('command', { command: 1, sub: 1, data: Buffer.alloc(NEO_MAX_DATA + 1) });
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'READER_FRAME_TOO_LONG')).toBe(true);
    expect(encodeNeoFrame('command', { command: 1, sub: 1, data: Buffer.alloc(NEO_MAX_DATA) }).length).toBe(
      1500,
    );
  });
});
