/**
 * A minimal acquirer for host-link tests: a TCP server that splits cup-pos frames, records each
 * request and lets the test answer (or not) through `answer()` / `sendRaw()`.
 */
import net from 'node:net';
import tls from 'node:tls';
import { cupPosCodec } from '../../src/host/cupPosCodec.js';
import { encodeFrame, FrameSplitter, type HostFrame, swapTpdu, type Tpdu } from '../../src/host/framing.js';
import { applyMac, unionPayMac } from '../../src/iso8583/crypto/index.js';
import type { IsoMessage } from '../../src/iso8583/message.js';

export interface FakeRequest {
  frame: HostFrame;
  message: IsoMessage;
  socket: net.Socket;
}

export interface AnswerOptions {
  mti?: string;
  /** Fields to set (undefined value: remove the field). */
  fields?: Record<number, string | undefined>;
  tpdu?: Tpdu;
  processingRequirement?: number;
  /** Apply a UnionPay MAC with this MAK (field 64 is added). */
  mak?: Buffer;
}

const codec = cupPosCodec();
const ECHOED = [3, 4, 11, 25, 41, 42, 49, 60];

export class FakeAcquirer {
  readonly requests: FakeRequest[] = [];
  readonly sockets: net.Socket[] = [];
  /** Called for each request; default: no answer. */
  onRequest: (req: FakeRequest) => void = () => {};
  private waiters: { n: number; resolve: (r: FakeRequest) => void }[] = [];

  private constructor(private readonly server: net.Server) {}

  static async start(
    onRequest?: (req: FakeRequest, fa: FakeAcquirer) => void,
    tlsOptions?: tls.TlsOptions,
  ): Promise<FakeAcquirer> {
    const server = tlsOptions ? tls.createServer(tlsOptions) : net.createServer();
    const fa = new FakeAcquirer(server);
    if (onRequest) fa.onRequest = (r) => onRequest(r, fa);
    server.on('tlsClientError', () => {});
    server.on(tlsOptions ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      fa.sockets.push(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      const splitter = new FrameSplitter((frame) => {
        const req = { frame, message: codec.unpack(Buffer.from(frame.body)), socket };
        fa.requests.push(req);
        for (const w of fa.waiters.filter((x) => x.n <= fa.requests.length)) {
          fa.waiters.splice(fa.waiters.indexOf(w), 1);
          w.resolve(fa.requests[w.n - 1]);
        }
        fa.onRequest(req);
      });
      socket.on('data', (d: Buffer) => splitter.push(d));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return fa;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves with the n-th request (1-based) once it has arrived. */
  request(n: number): Promise<FakeRequest> {
    if (this.requests.length >= n) return Promise.resolve(this.requests[n - 1]);
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** The response a host would give: MTI + 10, echoed fields, 39 = 00, plus overrides. */
  static responseTo(req: IsoMessage, o: AnswerOptions = {}): IsoMessage {
    const fields: Record<number, string> = { 12: '153045', 13: '1127', 37: '000000000001', 39: '00' };
    for (const f of ECHOED) if (req.fields[f] !== undefined) fields[f] = req.fields[f];
    for (const [k, v] of Object.entries(o.fields ?? {})) {
      if (v === undefined) delete fields[Number(k)];
      else fields[Number(k)] = v;
    }
    const mti = o.mti ?? (Number(req.mti) + 10).toString().padStart(4, '0');
    return { mti, fields };
  }

  /** Frame bytes of a response to `req`. */
  static frameFor(req: FakeRequest, o: AnswerOptions = {}): Buffer {
    const msg = FakeAcquirer.responseTo(req.message, o);
    let body: Buffer;
    if (o.mak) {
      const mak = o.mak;
      body = applyMac(codec.pack({ mti: msg.mti, fields: { ...msg.fields, 64: '0'.repeat(16) } }), (mab) =>
        unionPayMac(mak, mab),
      );
    } else body = codec.pack(msg);
    return encodeFrame({
      tpdu: o.tpdu ?? swapTpdu(req.frame.tpdu),
      header: { ...req.frame.header, processingRequirement: o.processingRequirement ?? 0 },
      body,
    });
  }

  answer(req: FakeRequest, o: AnswerOptions = {}): void {
    req.socket.write(FakeAcquirer.frameFor(req, o));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
