/**
 * Field-64 helpers over a packed message (starting at the MTI) whose highest field is 64: the
 * MAC is the message's last 8 bytes and the MAB is everything before them. Pure.
 */
import { timingSafeEqual } from 'node:crypto';
import { PosError } from '../../errors.js';

export type MacFunction = (mab: Buffer) => Buffer;

const MAC_LEN = 8;

/** A copy of `packed` with its last 8 bytes replaced by macFn(packed minus its last 8 bytes). */
export function applyMac(packed: Buffer, macFn: MacFunction): Buffer {
  if (packed.length <= MAC_LEN) {
    throw new PosError('ISO_MAC_NO_ROOM', `packed message of ${packed.length} bytes cannot hold a MAC`, {
      field: 64,
      length: packed.length,
    });
  }
  const mabLen = packed.length - MAC_LEN;
  const mac = macFn(packed.subarray(0, mabLen));
  if (mac.length !== MAC_LEN) {
    throw new PosError('ISO_BAD_MAC_LENGTH', `MAC function returned ${mac.length} bytes, expected 8`, {
      field: 64,
    });
  }
  const out = Buffer.from(packed);
  mac.copy(out, mabLen);
  return out;
}

/** True when the last 8 bytes of `packed` equal macFn(the rest); constant-time compare. */
export function verifyMac(packed: Buffer, macFn: MacFunction): boolean {
  if (packed.length <= MAC_LEN) return false;
  const mabLen = packed.length - MAC_LEN;
  const expected = macFn(packed.subarray(0, mabLen));
  if (expected.length !== MAC_LEN) return false;
  return timingSafeEqual(expected, packed.subarray(mabLen));
}
