/** The cup-pos codec vectors (copied from the shared vectors into test/fixtures), loaded once. */
import { readFileSync } from 'node:fs';
import type { IsoMessage } from '../../src/iso8583/message.js';

export interface CodecVector {
  name: string;
  /** Field values by number, the MTI under "t". */
  fields: Record<string, string>;
  /** Packed bytes from the MTI on. */
  hex: string;
  breakdown: { field: string; length_prefix_hex: string; data_hex: string }[];
}

export const CODEC_VECTORS: readonly CodecVector[] = (
  JSON.parse(readFileSync(new URL('../fixtures/iso8583-cup-pos.json', import.meta.url), 'utf8')) as {
    vectors: CodecVector[];
  }
).vectors;

/** The vector whose name starts with `prefix` ('v1_', 'v2_' ...). */
export function codecVector(prefix: string): CodecVector {
  const v = CODEC_VECTORS.find((x) => x.name.startsWith(prefix));
  if (!v) throw new Error(`vector ${prefix} missing from the fixture`);
  return v;
}

/** A vector's fields as the codec's message value. */
export function vectorMessage(v: CodecVector): IsoMessage {
  const { t, ...rest } = v.fields;
  return { mti: t, fields: Object.fromEntries(Object.entries(rest).map(([k, x]) => [Number(k), x])) };
}
