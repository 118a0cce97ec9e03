/**
 * Test helpers for the host simulator: a fake terminal speaking raw cup-pos frames over TCP/TLS,
 * built with the real codec and MAC.
 */
import net from 'node:net';
import tls from 'node:tls';
import {
  defaultHeader,
  encodeFrame,
  FrameSplitter,
  type HostFrame,
  parseTpdu,
} from '../../src/host/framing.js';
import { applyMac, parseSignOnKeys, unionPayMac, verifyMac } from '../../src/iso8583/crypto/index.js';
import { getDialect, pack, unpack } from '../../src/iso8583/index.js';
import type { IsoMessage } from '../../src/iso8583/message.js';

export const TMK = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
export const TID = '12345678';
export const MID = '123456789012345';
export const PAN = '6258091234567890123';
export const TPDU = parseTpdu('6000030000');

const dialect = getDialect('cup-pos');

export function packMsg(msg: IsoMessage, mak?: Buffer): Buffer {
  if (!mak) return pack(dialect, msg);
  const packed = pack(dialect, { mti: msg.mti, fields: { ...msg.fields, 64: '0'.repeat(16) } });
  return applyMac(packed, (mab) => unionPayMac(mak, mab));
}

export function frameOf(body: Buffer, header = defaultHeader()): Buffer {
  return encodeFrame({ tpdu: TPDU, header, body });
}

export interface Received {
  frame: HostFrame;
  msg: IsoMessage;
}

/** A terminal that writes raw frames and collects the answers. */
export class FakeTerminal {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  /** Raw bytes received in total (to see half frames). */
  rawBytes = 0;
  private stan = 0;
  mak?: Buffer;
  batch = '000001';

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    const splitter = new FrameSplitter((frame) => {
      this.received.push({ frame, msg: unpack(dialect, frame.body) });
      this.wake();
    });
    socket.on('data', (c: Buffer) => {
      this.rawBytes += c.length;
      splitter.push(c);
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, trust?: Buffer): Promise<FakeTerminal> {
    return new Promise((resolve, reject) => {
      const s = trust
        ? tls.connect({ port, host: '127.0.0.1', ca: trust, servername: 'localhost' })
        : net.connect(port, '127.0.0.1');
      s.once(trust ? 'secureConnect' : 'connect', () => resolve(new FakeTerminal(s)));
      s.once('error', reject);
    });
  }

  nextStan(): string {
    this.stan++;
    return String(this.stan).padStart(6, '0');
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  send(msg: IsoMessage, mak?: Buffer): void {
    this.writeRaw(frameOf(packMsg(msg, mak)));
  }

  /** Wait until `count` answers have arrived in total (or the socket closed), with a real-time cap. */
  async waitFor(count: number, ms = 3000): Promise<Received[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for answer ${count} (have ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Send and wait for the next answer. */
  async request(msg: IsoMessage, mak?: Buffer): Promise<Received> {
    return this.requestRaw(frameOf(packMsg(msg, mak)));
  }

  /** Write a raw frame and wait for the next answer. */
  async requestRaw(frame: Buffer): Promise<Received> {
    const n = this.received.length + 1;
    this.writeRaw(frame);
    const got = await this.waitFor(n);
    if (got.length < n) throw new Error('connection closed before the answer');
    return got[n - 1];
  }

  /** Wait until the host closes the connection. */
  async waitClosed(ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection not closed');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sign on; keeps and returns the MAK unwrapped (and checked) under the TMK. */
  async signOn(tid = TID): Promise<Received> {
    const r = await this.request({
      mti: '0800',
      fields: { 11: this.nextStan(), 41: tid, 42: MID, 60: `00${this.batch}003`, 63: '01 ' },
    });
    this.mak = parseSignOnKeys(Buffer.from(r.msg.fields[62], 'hex'), TMK).mak;
    return r;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** True when a response body's MAC verifies under the MAK. */
export function responseMacOk(r: Received, mak: Buffer): boolean {
  return r.msg.fields[64] !== undefined && verifyMac(r.frame.body, (mab) => unionPayMac(mak, mab));
}

export function purchase(stan: string, amount: number, batch = '000001', tid = TID): IsoMessage {
  return {
    mti: '0200',
    fields: {
      2: PAN,
      3: '000000',
      4: String(amount).padStart(12, '0'),
      11: stan,
      14: '3012',
      22: '051',
      25: '00',
      41: tid,
      42: MID,
      49: '156',
      60: `22${batch}000`,
    },
  };
}
