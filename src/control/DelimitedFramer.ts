/**
 * Splits a byte stream into varint length-delimited frames (protobuf's "delimited" format), bounded
 * in size. Pure (no I/O).
 *
 * - A frame is a base-128 varint length, then that many bytes. A zero length is an empty frame.
 * - A length over `maxBytes` (or a varint longer than 10 bytes) yields one `too-large` item as
 *   soon as the length is read, and the framer stops: after a bad length there is no way to find
 *   the next frame, so the connection has to close. Later pushes yield nothing.
 * - `end()` reports a frame cut short by the end of the stream (`truncated`), or nothing.
 */
export type DelimitedItem = { kind: 'frame'; bytes: Buffer } | { kind: 'too-large'; bytes: number };

export interface Truncated {
  kind: 'truncated';
  /** Bytes received of the frame (its length prefix included). */
  have: number;
  /** Length the prefix announced, when the prefix was complete. */
  want?: number;
}

/** A varint of a 64-bit value has at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

export class DelimitedFramer {
  private buf: Buffer = Buffer.alloc(0);
  private dead = false;

  constructor(private readonly maxBytes: number) {}

  /** The framer met a length it cannot accept; it yields nothing more. */
  get stopped(): boolean {
    return this.dead;
  }

  push(chunk: Buffer): DelimitedItem[] {
    if (this.dead) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: DelimitedItem[] = [];
    let at = 0;
    for (;;) {
      const len = readLength(this.buf, at, this.maxBytes);
      if (len === 'short') break;
      if (len.tooLarge) {
        out.push({ kind: 'too-large', bytes: len.value });
        this.dead = true;
        this.buf = Buffer.alloc(0);
        return out;
      }
      const start = at + len.prefix;
      if (this.buf.length - start < len.value) break;
      out.push({ kind: 'frame', bytes: this.buf.subarray(start, start + len.value) });
      at = start + len.value;
    }
    // Keep only the unfinished tail (copied, so a consumed chunk can be collected).
    this.buf = at === 0 ? this.buf : Buffer.from(this.buf.subarray(at));
    return out;
  }

  end(): Truncated | null {
    const buf = this.buf;
    this.buf = Buffer.alloc(0);
    if (this.dead || buf.length === 0) return null;
    const len = readLength(buf, 0, this.maxBytes);
    return len === 'short' || len.tooLarge
      ? { kind: 'truncated', have: buf.length }
      : { kind: 'truncated', have: buf.length, want: len.value };
  }
}

type Length = 'short' | { value: number; prefix: number; tooLarge: boolean };

/** The varint at `at`: 'short' when incomplete; tooLarge as soon as it exceeds `max`. */
function readLength(buf: Buffer, at: number, max: number): Length {
  let value = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (at + i >= buf.length) return 'short';
    const b = buf[at + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (value > max) return { value, prefix: i + 1, tooLarge: true };
    if ((b & 0x80) === 0) return { value, prefix: i + 1, tooLarge: false };
  }
  return { value, prefix: MAX_VARINT_BYTES, tooLarge: true };
}
