/**
 * The host simulator's one door to the codec and the MAC: unpack requests, pack responses with
 * or without a field-64 MAC, verify request MACs (with the simulator's own MAC code,
 * simCrypto.ts). Pure.
 */
import { isPosError } from '../errors.js';
import { getDialect, pack, unpack } from '../iso8583/index.js';
import type { IsoMessage } from '../iso8583/message.js';
import { simMacValid, simSign } from './simCrypto.js';

type Dialect = ReturnType<typeof getDialect>;
let dialect: Dialect | undefined;

function cupPos(): Dialect {
  dialect ??= getDialect('cup-pos');
  return dialect;
}

/** Unpack an ISO 8583 body (from the MTI on); throws PosError ISO_* on bad bytes. */
export function unpackBody(body: Buffer): IsoMessage {
  return unpack(cupPos(), body);
}

/** Pack a message; with a MAK, field 64 is added and holds the UnionPay MAC. */
export function packBody(msg: IsoMessage, mak?: Buffer): Buffer {
  if (!mak) {
    const { 64: _mac, ...fields } = msg.fields;
    return pack(cupPos(), { mti: msg.mti, fields });
  }
  const packed = pack(cupPos(), { mti: msg.mti, fields: { ...msg.fields, 64: '0'.repeat(16) } });
  return simSign(packed, mak);
}

/** True when the packed body ends with field 64 and it is the MAC of the rest under the MAK. */
export function macValid(body: Buffer, msg: IsoMessage, mak: Buffer): boolean {
  if (msg.fields[64] === undefined) return false;
  return simMacValid(body, mak);
}

/** Corrupt the MAC of a packed body (the bad-mac fault): its last hex character changes. */
export function corruptMac(body: Buffer): Buffer {
  const out = Buffer.from(body);
  out[out.length - 1] = out[out.length - 1] === 0x30 ? 0x31 : 0x30;
  return out;
}

/**
 * For a body the codec refused: the MTI and fields 2..41 when they alone still unpack (bits 42 and
 * up and the secondary bitmap dropped), so the host can answer 30 to 11 and 41. Else undefined.
 */
export function salvageRequest(body: Buffer): IsoMessage | undefined {
  const secondary = body.length >= 10 && (body[2] & 0x80) !== 0;
  if (body.length < (secondary ? 18 : 10)) return undefined;
  const bitmap = Buffer.from(body.subarray(2, 10));
  bitmap[0] &= 0x7f;
  for (let bit = 42; bit <= 64; bit++) bitmap[(bit - 1) >> 3] &= ~(0x80 >> ((bit - 1) & 7));
  let candidate = Buffer.concat([body.subarray(0, 2), bitmap, body.subarray(secondary ? 18 : 10)]);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return unpackBody(candidate);
    } catch (e) {
      const offset = isPosError(e, 'ISO_TRAILING_BYTES') ? e.context.offset : undefined;
      if (typeof offset !== 'number' || offset >= candidate.length) return undefined;
      candidate = candidate.subarray(0, offset);
    }
  }
  return undefined;
}
