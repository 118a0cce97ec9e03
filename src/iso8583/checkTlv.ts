/**
 * Allocation-free BER-TLV check for the codec's hot path. It accepts exactly what `parseTlv`
 * accepts; on failure `parseTlv` is run on the same bytes to raise its coded error (ISO_TLV_*)
 * with the field and the offset in the message.
 */
import { PosError } from '../errors.js';
import { parseTlv } from './tlv.js';

function tlvWellFormed(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const first = buf[i];
    if (first === 0x00 || first === 0xff) {
      i++;
      continue;
    }
    const tagStart = i++;
    if ((first & 0x1f) === 0x1f) {
      for (;;) {
        if (i >= end || i - tagStart >= 4) return false;
        if ((buf[i++] & 0x80) === 0) break;
      }
    }
    if (i >= end) return false;
    let len = buf[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || i + n > end) return false;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + buf[i++];
    }
    if (i + len > end) return false;
    i += len;
  }
  return true;
}

/** Throw the ISO_TLV_* error of `bytes[start, end)` if they are not a valid TLV list. */
export function checkTlv(buf: Buffer, start: number, end: number, field: number): void {
  if (tlvWellFormed(buf, start, end)) return;
  parseTlv(buf.subarray(start, end), start, field);
  // The two checks disagree: still refuse the value rather than pass it on.
  throw new PosError('ISO_TLV_BAD_LENGTH', `field ${field}: TLV data is not well formed`, {
    field,
    offset: start,
  });
}

/** Same check for a field whose bytes travel as hex characters starting at message offset `at`. */
export function checkTlvHex(hex: string, at: number, field: number): void {
  const bytes = Buffer.from(hex, 'hex');
  try {
    checkTlv(bytes, 0, bytes.length, field);
  } catch (e) {
    if (!(e instanceof PosError)) throw e;
    const inner = typeof e.context.offset === 'number' ? e.context.offset : 0;
    throw new PosError(e.code, e.message, { field, offset: at + inner * 2 });
  }
}
