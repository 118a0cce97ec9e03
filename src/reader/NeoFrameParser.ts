/**
 * Streaming NEO 2 frame parser, pure. Applies the resynchronisation rules of the protocol page:
 * 1. bytes before a header are dropped and counted (a 'noise' event per dropped run);
 * 2. a length above NEO_MAX_DATA is rejected ('bad-length'), the search restarts after that header;
 * 3. a partial frame with no new byte for the inter-byte timeout is dropped ('timeout'), and the
 *    bytes after its header are scanned again;
 * 4. a frame whose CRC does not match is dropped ('bad-crc'), the search restarts after its header.
 * Nothing here throws on input bytes.
 */
import { crc16 } from './crc16.js';
import {
  NEO_HEADER,
  NEO_HEADER_LENGTH,
  NEO_MAX_DATA,
  NEO_PREFIX_LENGTH,
  type NeoDirection,
  type NeoFrame,
} from './NeoFrame.js';

export type NeoParserEvent =
  | { type: 'noise'; bytes: number }
  | { type: 'bad-length'; length: number }
  | { type: 'bad-crc'; command: number; length: number }
  | { type: 'timeout'; bytes: number };

export interface NeoParserCounters {
  frames: number;
  noiseRuns: number;
  noiseBytes: number;
  badLength: number;
  badCrc: number;
  timeouts: number;
}

export interface NeoFrameParserOptions {
  direction: NeoDirection;
  /** Partial frame dropped after this many ms without a byte (default 200). */
  interByteTimeoutMs?: number;
  onEvent?: (e: NeoParserEvent) => void;
}

export function emptyParserCounters(): NeoParserCounters {
  return { frames: 0, noiseRuns: 0, noiseBytes: 0, badLength: 0, badCrc: 0, timeouts: 0 };
}

export class NeoFrameParser {
  readonly direction: NeoDirection;
  readonly interByteTimeoutMs: number;
  readonly counters: NeoParserCounters = emptyParserCounters();
  private buf: Buffer = Buffer.alloc(0);
  private lastByteAt = 0;
  private readonly onEvent?: (e: NeoParserEvent) => void;

  constructor(opts: NeoFrameParserOptions) {
    this.direction = opts.direction;
    this.interByteTimeoutMs = opts.interByteTimeoutMs ?? 200;
    this.onEvent = opts.onEvent;
  }

  /** Bytes held (a header prefix or a partial frame). */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Feed bytes; returns the complete frames they finish. `nowMs` (monotonic) enables the
   * inter-byte timeout: a stale partial frame is dropped before the new bytes are added.
   */
  push(chunk: Uint8Array, nowMs?: number): NeoFrame[] {
    const frames: NeoFrame[] = [];
    if (nowMs !== undefined) {
      if (this.buf.length > 0 && nowMs - this.lastByteAt >= this.interByteTimeoutMs) this.dropStale(frames);
      this.lastByteAt = nowMs;
    }
    if (chunk.length === 0) return frames;
    const held = this.buf;
    this.buf = held.length === 0 ? Buffer.from(chunk) : Buffer.concat([held, chunk]);
    held.fill(0);
    this.scan(frames);
    return frames;
  }

  /**
   * Drop a partial frame whose last byte came `interByteTimeoutMs` or more before `nowMs`
   * (always, when `nowMs` is omitted). Returns frames found in the bytes after its header.
   */
  expire(nowMs?: number): NeoFrame[] {
    const frames: NeoFrame[] = [];
    if (this.buf.length === 0) return frames;
    if (nowMs !== undefined && nowMs - this.lastByteAt < this.interByteTimeoutMs) return frames;
    this.dropStale(frames);
    return frames;
  }

  /** Forget held bytes without counting them (port reopened). */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  private dropStale(frames: NeoFrame[]): void {
    while (this.buf.length > 0) {
      if (this.startsWithHeader()) {
        this.counters.timeouts++;
        this.emit({ type: 'timeout', bytes: this.buf.length });
        this.buf = this.buf.subarray(NEO_HEADER_LENGTH);
        this.scan(frames);
      } else {
        // Only a header prefix is held: it was noise.
        this.noise(this.buf.length);
        this.buf = Buffer.alloc(0);
      }
    }
  }

  private startsWithHeader(): boolean {
    return (
      this.buf.length >= NEO_HEADER_LENGTH &&
      this.buf.compare(NEO_HEADER, 0, NEO_HEADER_LENGTH, 0, NEO_HEADER_LENGTH) === 0
    );
  }

  private scan(frames: NeoFrame[]): void {
    for (;;) {
      const at = this.buf.indexOf(NEO_HEADER);
      if (at < 0) {
        const keep = this.headerPrefixSuffix();
        if (this.buf.length > keep) {
          this.noise(this.buf.length - keep);
          this.buf = this.buf.subarray(this.buf.length - keep);
        }
        return;
      }
      if (at > 0) {
        this.noise(at);
        this.buf = this.buf.subarray(at);
      }
      if (this.buf.length < NEO_PREFIX_LENGTH) return;
      const len = this.buf.readUInt16BE(12);
      if (len > NEO_MAX_DATA) {
        this.counters.badLength++;
        this.emit({ type: 'bad-length', length: len });
        this.buf = this.buf.subarray(NEO_HEADER_LENGTH);
        continue;
      }
      const total = NEO_PREFIX_LENGTH + len + 2;
      if (this.buf.length < total) return;
      const crc = crc16(this.buf, 0, NEO_PREFIX_LENGTH + len);
      const got =
        this.direction === 'command'
          ? this.buf.readUInt16LE(NEO_PREFIX_LENGTH + len)
          : this.buf.readUInt16BE(NEO_PREFIX_LENGTH + len);
      if (crc !== got) {
        this.counters.badCrc++;
        this.emit({ type: 'bad-crc', command: this.buf[10], length: len });
        this.buf = this.buf.subarray(NEO_HEADER_LENGTH);
        continue;
      }
      frames.push({
        command: this.buf[10],
        sub: this.buf[11],
        data: Buffer.from(this.buf.subarray(NEO_PREFIX_LENGTH, NEO_PREFIX_LENGTH + len)),
      });
      this.counters.frames++;
      this.buf.fill(0, 0, total); // the parser owns buf (copied on push): wipe consumed card data
      this.buf = this.buf.subarray(total);
      if (this.buf.length === 0) this.buf = Buffer.alloc(0);
    }
  }

  /** Length of the longest suffix of buf that is a proper prefix of the header. */
  private headerPrefixSuffix(): number {
    const max = Math.min(NEO_HEADER_LENGTH - 1, this.buf.length);
    for (let k = max; k > 0; k--) {
      if (this.buf.compare(NEO_HEADER, 0, k, this.buf.length - k) === 0) return k;
    }
    return 0;
  }

  private noise(bytes: number): void {
    this.counters.noiseRuns++;
    this.counters.noiseBytes += bytes;
    this.emit({ type: 'noise', bytes });
  }

  private emit(e: NeoParserEvent): void {
    this.onEvent?.(e);
  }
}
