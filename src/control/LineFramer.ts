/**
 * Splits a byte stream into newline-terminated lines, bounded in length. Pure (no I/O).
 *
 * - A line is the bytes before a `\n` (a trailing `\r` is left to the JSON parser, which treats
 *   it as whitespace).
 * - A line longer than `maxBytes` yields one `too-long` item; the rest of that line, up to and
 *   including its newline, is discarded (never parsed as a request of its own).
 * - `end()` returns a final line that had no newline (the client half-closed after it).
 */
export type FramedItem = { kind: 'line'; bytes: Buffer } | { kind: 'too-long'; bytes: number };

const NL = 0x0a;

export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes dropped so far of a line that was too long (-1: not discarding). */
  private discarded = -1;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): FramedItem[] {
    const out: FramedItem[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nl = chunk.indexOf(NL, at);
      const stop = nl < 0 ? chunk.length : nl;
      if (this.discarded >= 0) {
        this.discarded += stop - at;
      } else if (this.size + (stop - at) > this.maxBytes) {
        out.push({ kind: 'too-long', bytes: this.size + (stop - at) });
        this.parts = [];
        this.size = 0;
        this.discarded = 0;
      } else if (stop > at) {
        this.parts.push(chunk.subarray(at, stop));
        this.size += stop - at;
      }
      if (nl < 0) break;
      if (this.discarded >= 0) this.discarded = -1;
      else out.push({ kind: 'line', bytes: this.take() });
      at = nl + 1;
    }
    return out;
  }

  /** The stream ended: a last line without a newline, if any (a discarded tail is dropped). */
  end(): FramedItem[] {
    const discarding = this.discarded >= 0;
    this.discarded = -1;
    if (discarding || this.size === 0) {
      this.parts = [];
      this.size = 0;
      return [];
    }
    return [{ kind: 'line', bytes: this.take() }];
  }

  private take(): Buffer {
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return line;
  }
}
