/** The cup-pos codec bound for HostLink (pack, unpack, masked describe). */
import { describe, getDialect, pack, unpack } from '../iso8583/index.js';
import type { HostCodec } from './HostCodec.js';

let codec: HostCodec | undefined;

export function cupPosCodec(): HostCodec {
  if (!codec) {
    const d = getDialect('cup-pos');
    codec = {
      pack: (msg) => pack(d, msg),
      unpack: (bytes) => unpack(d, bytes),
      describe: (msg) => describe(d, msg),
    };
  }
  return codec;
}
