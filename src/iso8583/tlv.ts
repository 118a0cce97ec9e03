/**
 * BER-TLV (EMV Book 3 annex B), pure. Used for field 55 and for the reader's TLV lists.
 * Tags are uppercase hex strings ("9F26"); multi-byte tags and lengths (81, 82) are supported.
 * Lists are flat: a constructed tag's value is returned as its raw bytes.
 */
import { type CodeSuffix, PosError } from '../errors.js';

export interface Tlv {
  tag: string;
  value: Buffer;
}

/** Parse a TLV list. `baseOffset` is added to offsets in errors (position within the message). */
export function parseTlv(bytes: Uint8Array, baseOffset = 0, field?: number): Tlv[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Tlv[] = [];
  let i = 0;
  const fail = (code: CodeSuffix<'ISO_TLV'>, msg: string, at: number): never => {
    throw new PosError(`ISO_TLV_${code}`, msg, { field, offset: baseOffset + at });
  };
  while (i < buf.length) {
    // Padding between objects (EMV allows 00 and FF) is skipped.
    if (buf[i] === 0x00 || buf[i] === 0xff) {
      i++;
      continue;
    }
    const tagStart = i;
    if ((buf[i++] & 0x1f) === 0x1f) {
      for (;;) {
        if (i >= buf.length) fail('TRUNCATED', 'TLV tag runs past the end', tagStart);
        if (i - tagStart >= 4) fail('BAD_TAG', 'TLV tag longer than 4 bytes', tagStart);
        if ((buf[i++] & 0x80) === 0) break;
      }
    }
    const tag = buf.toString('hex', tagStart, i).toUpperCase();
    if (i >= buf.length) fail('TRUNCATED', `TLV ${tag} has no length`, i);
    let len = buf[i++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3)
        fail('BAD_LENGTH', `TLV ${tag} length form 0x${(0x80 | n).toString(16)} not supported`, i - 1);
      if (i + n > buf.length) fail('TRUNCATED', `TLV ${tag} length runs past the end`, i);
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | buf[i++];
    }
    if (i + len > buf.length) fail('TRUNCATED', `TLV ${tag} needs ${len} bytes, ${buf.length - i} left`, i);
    out.push({ tag, value: buf.subarray(i, i + len) });
    i += len;
  }
  return out;
}

export function encodeTlv(list: readonly Tlv[]): Buffer {
  const parts: Buffer[] = [];
  for (const { tag, value } of list) {
    if (!/^([0-9A-F]{2}){1,4}$/i.test(tag)) {
      throw new PosError('ISO_TLV_BAD_TAG', `bad TLV tag '${tag}'`);
    }
    parts.push(Buffer.from(tag, 'hex'));
    const n = value.length;
    if (n < 0x80) parts.push(Buffer.of(n));
    else if (n <= 0xff) parts.push(Buffer.of(0x81, n));
    else if (n <= 0xffff) parts.push(Buffer.of(0x82, n >> 8, n & 0xff));
    else throw new PosError('ISO_TLV_BAD_LENGTH', `TLV ${tag} value of ${n} bytes is too long`);
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** First value per tag. */
export function tlvMap(list: readonly Tlv[]): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const t of list) if (!m.has(t.tag)) m.set(t.tag, t.value);
  return m;
}
