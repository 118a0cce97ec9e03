/**
 * Serves a VirtualReader on a pseudo-terminal (socat creates the pty, its other side is this
 * process's stdio pipe) or on TCP. unplug() closes the line (socat exits / sockets close and the
 * server stops listening); replug() brings it back on the same path.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { PosError } from '../errors.js';
import { VirtualReader, type VirtualReaderFault, type VirtualReaderOptions } from './VirtualReader.js';

export interface StartVirtualReaderOptions extends VirtualReaderOptions {
  /** Link path of the pty the terminal opens (socat creates it). */
  pty?: string;
  /** TCP port to listen on (0 = any free port); the path is then tcp://host:port. */
  tcpPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** After an 'unplug' fault, replug after this long (default 500 ms). */
  replugAfterMs?: number;
  /** Send a boot notification after each replug (default true). */
  bootOnReplug?: boolean;
}

export interface VirtualReaderServer {
  /** What the driver opens: the pty link path or tcp://host:port. */
  readonly path: string;
  readonly reader: VirtualReader;
  readonly plugged: boolean;
  setCard(name: string): void;
  setFaults(faults: readonly VirtualReaderFault[]): void;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

interface Line {
  up(): Promise<void>;
  down(): Promise<void>;
}

export async function startVirtualReader(opts: StartVirtualReaderOptions): Promise<VirtualReaderServer> {
  if ((opts.pty === undefined) === (opts.tcpPort === undefined)) {
    throw new PosError('EMU_BAD_OPTIONS', 'give exactly one of pty or tcpPort');
  }
  const reader = new VirtualReader(opts);
  const host = opts.host ?? '127.0.0.1';
  let path = opts.pty ?? '';
  const line: Line =
    opts.pty !== undefined
      ? ptyLine(opts.pty, reader)
      : tcpLine(host, opts.tcpPort!, reader, (p) => {
          path = `tcp://${host}:${p}`;
        });
  let plugged = false;
  let closed = false;
  let replugTimer: NodeJS.Timeout | undefined;
  const unplug = async () => {
    plugged = false;
    reader.detach();
    await line.down();
  };
  const replug = async () => {
    if (closed || plugged) return;
    await line.up();
    plugged = true;
    if (opts.bootOnReplug ?? true) reader.sendBoot();
  };
  reader.on('unplug', () => {
    void unplug().then(() => {
      replugTimer = setTimeout(() => void replug().catch(() => {}), opts.replugAfterMs ?? 500);
    });
  });
  await line.up();
  plugged = true;
  return {
    get path() {
      return path;
    },
    reader,
    get plugged() {
      return plugged;
    },
    setCard: (name) => reader.setCard(name),
    setFaults: (f) => reader.setFaults(f),
    unplug,
    replug: async () => {
      if (replugTimer) clearTimeout(replugTimer);
      await replug();
    },
    async close() {
      closed = true;
      if (replugTimer) clearTimeout(replugTimer);
      await unplug();
    },
  };
}

function ptyLine(link: string, reader: VirtualReader): Line {
  let proc: ChildProcessWithoutNullStreams | undefined;
  return {
    up: () =>
      new Promise<void>((resolve, reject) => {
        const p = spawn('socat', ['-d', '-d', `pty,rawer,link=${link}`, 'STDIO'], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        proc = p;
        let log = '';
        let ready = false;
        p.stderr.on('data', (d: Buffer) => {
          if (ready) return;
          log += d.toString();
          if (log.includes('starting data transfer loop')) {
            ready = true;
            reader.attach((b) => {
              if (!p.stdin.destroyed) p.stdin.write(b);
            });
            resolve();
          }
        });
        p.stdout.on('data', (d: Buffer) => reader.receive(d));
        p.stdin.on('error', () => {});
        p.on('error', (e) => {
          if (!ready) reject(new PosError('EMU_PTY_FAILED', `cannot start socat: ${e.message}`));
        });
        p.on('exit', (code) => {
          if (proc === p) reader.detach();
          if (!ready)
            reject(new PosError('EMU_PTY_FAILED', `socat exited (${code}) before the pty was ready`));
        });
      }),
    down: () =>
      new Promise<void>((resolve) => {
        const p = proc;
        proc = undefined;
        if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      }),
  };
}

function tcpLine(host: string, port: number, reader: VirtualReader, onPort: (p: number) => void): Line {
  let server: Server | undefined;
  let sock: Socket | undefined;
  let boundPort = port;
  return {
    up: () =>
      new Promise<void>((resolve, reject) => {
        const s = createServer({ noDelay: true }, (c) => {
          // One terminal at a time: a new connection replaces the old one.
          sock?.destroy();
          sock = c;
          reader.attach((b) => {
            if (!c.destroyed) c.write(b);
          });
          c.on('data', (d: Buffer) => reader.receive(d));
          c.on('error', () => {});
          c.on('close', () => {
            if (sock === c) {
              sock = undefined;
              reader.detach();
            }
          });
        });
        server = s;
        s.once('error', (e) => reject(new PosError('EMU_LISTEN_FAILED', `cannot listen: ${e.message}`)));
        s.listen(boundPort, host, () => {
          const a = s.address();
          if (a && typeof a === 'object') boundPort = a.port;
          onPort(boundPort);
          resolve();
        });
      }),
    down: () =>
      new Promise<void>((resolve) => {
        sock?.destroy();
        sock = undefined;
        const s = server;
        server = undefined;
        if (!s) return resolve();
        s.close(() => resolve());
      }),
  };
}
