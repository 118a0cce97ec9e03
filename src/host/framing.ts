/**
 * cup-pos framing on TCP/TLS (host-cup-pos.md section 1), pure:
 *   | len (2, big-endian) | TPDU (5) | header (6) | ISO 8583 body (MTI ...) |
 * `len` counts every byte after itself.
 */
import { PosError } from '../errors.js';

export const TPDU_LENGTH = 5;
export const HEADER_LENGTH = 6;
export const MAX_FRAME_BODY = 0xffff;

/** Processing requirement, low nibble of header byte 3 (wire words of the spec). */
export enum ProcessingRequirement {
  None = 0,
  SignOnAgain = 3,
}

export interface Tpdu {
  /** Always 0x60 on this dialect. */
  id: number;
  destination: number;
  source: number;
}

export interface Header {
  applicationType: number; // 0x60
  version: number; // 0x31
  terminalStatus: number; // high nibble: 0 normal, 1 test
  processingRequirement: number; // low nibble
  /** Software version, 6 digits (3 BCD bytes). */
  softwareVersion: string;
}

export interface HostFrame {
  tpdu: Tpdu;
  header: Header;
  /** The ISO 8583 message, from the MTI on. */
  body: Buffer;
}

export function parseTpdu(hex: string): Tpdu {
  const b = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
  if (b.length !== TPDU_LENGTH || b[0] !== 0x60) {
    throw new PosError('HOST_BAD_TPDU', 'TPDU must be 5 bytes starting with 60', { key: 'tpdu' });
  }
  return { id: b[0], destination: b.readUInt16BE(1), source: b.readUInt16BE(3) };
}

export function swapTpdu(t: Tpdu): Tpdu {
  return { id: t.id, destination: t.source, source: t.destination };
}

export function tpduEquals(a: Tpdu, b: Tpdu): boolean {
  return a.id === b.id && a.destination === b.destination && a.source === b.source;
}

export function defaultHeader(softwareVersion = '310000'): Header {
  return {
    applicationType: 0x60,
    version: 0x31,
    terminalStatus: 0,
    processingRequirement: ProcessingRequirement.None,
    softwareVersion,
  };
}

export function encodeFrame(frame: HostFrame): Buffer {
  const len = TPDU_LENGTH + HEADER_LENGTH + frame.body.length;
  if (len > MAX_FRAME_BODY) {
    throw new PosError('HOST_FRAME_TOO_LONG', `frame of ${len} bytes exceeds ${MAX_FRAME_BODY}`);
  }
  if (!/^\d{6}$/.test(frame.header.softwareVersion)) {
    throw new PosError('HOST_BAD_HEADER', 'software version must be 6 digits', { key: 'softwareVersion' });
  }
  const out = Buffer.allocUnsafe(2 + len);
  out.writeUInt16BE(len, 0);
  out[2] = frame.tpdu.id;
  out.writeUInt16BE(frame.tpdu.destination, 3);
  out.writeUInt16BE(frame.tpdu.source, 5);
  const h = frame.header;
  out[7] = h.applicationType;
  out[8] = h.version;
  out[9] = ((h.terminalStatus & 0x0f) << 4) | (h.processingRequirement & 0x0f);
  out.write(h.softwareVersion, 10, 3, 'hex');
  frame.body.copy(out, 13);
  return out;
}

/** Parse one complete frame payload (the bytes after the 2-byte length). */
export function decodeFramePayload(payload: Buffer): HostFrame {
  if (payload.length < TPDU_LENGTH + HEADER_LENGTH + 2) {
    throw new PosError(
      'HOST_FRAME_SHORT',
      `frame of ${payload.length} bytes is shorter than TPDU + header + MTI`,
      {
        offset: payload.length,
      },
    );
  }
  const tpdu: Tpdu = {
    id: payload[0],
    destination: payload.readUInt16BE(1),
    source: payload.readUInt16BE(3),
  };
  const sv = payload.subarray(8, 11).toString('hex');
  const header: Header = {
    applicationType: payload[5],
    version: payload[6],
    terminalStatus: payload[7] >> 4,
    processingRequirement: payload[7] & 0x0f,
    softwareVersion: /^\d{6}$/.test(sv) ? sv : sv.toUpperCase(),
  };
  return { tpdu, header, body: payload.subarray(TPDU_LENGTH + HEADER_LENGTH) };
}

/**
 * Streaming splitter: push socket chunks, get complete frame payloads.
 * Never throws on input; a frame too short to hold TPDU + header is reported to `onBad`.
 */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (frame: HostFrame) => void,
    private readonly onBad: (err: PosError) => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      const payload = this.buf.subarray(2, 2 + len);
      this.buf = this.buf.subarray(2 + len);
      let frame: HostFrame;
      try {
        frame = decodeFramePayload(payload);
      } catch (e) {
        this.onBad(e as PosError);
        continue;
      }
      this.onFrame(frame);
    }
  }

  /** Bytes of an incomplete frame still waiting (a peer that closed mid-message leaves some). */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
