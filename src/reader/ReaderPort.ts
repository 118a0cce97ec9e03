/**
 * Byte transport to the reader, behind an injected binding: a node-serialport binding (the real
 * one for /dev/tty*, /dev/serial/by-id/*; SerialPortMock.binding in unit tests) or TCP for a
 * `tcp://host:port` path (the virtual reader serving a laptop). Opening happens in open(), never
 * in a constructor.
 */
import { realpath } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { PosError } from '../errors.js';

/** The part of a node-serialport binding (BindingInterface) the driver uses. */
export interface SerialBindingLike {
  open(options: {
    path: string;
    baudRate: number;
    dataBits?: 5 | 6 | 7 | 8;
    stopBits?: 1 | 1.5 | 2;
    parity?: 'none' | 'even' | 'odd';
    rtscts?: boolean;
    xon?: boolean;
    xoff?: boolean;
  }): Promise<SerialBindingPortLike>;
}

export interface SerialBindingPortLike {
  readonly isOpen: boolean;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface ReaderPortHandlers {
  onData(chunk: Buffer): void;
  /** The port ended by itself (error, EOF, device gone). Not called after close(). */
  onClose(reason: string): void;
}

export interface ReaderPort {
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
  /**
   * Serial only: false once the device path is gone or points to another device (USB reader
   * unplugged, pty link recreated). Lets the driver notice a dead line without sending.
   */
  alive?(): Promise<boolean>;
}

export type ReaderPortOpener = (handlers: ReaderPortHandlers) => Promise<ReaderPort>;

export interface OpenReaderPortOptions {
  path: string;
  baud?: number;
  /** node-serialport binding; default: the platform binding of 'serialport' (loaded on demand). */
  binding?: SerialBindingLike;
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}

const TCP_CONNECT_TIMEOUT_MS = 3000;

export function parseTcpPath(path: string): { host: string; port: number } | undefined {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(path);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export function readerPortOpener(opts: OpenReaderPortOptions): ReaderPortOpener {
  if (opts.path.startsWith('tcp://')) {
    const target = parseTcpPath(opts.path);
    if (!target) throw new PosError('READER_BAD_PATH', 'tcp path must be tcp://host:port', { key: 'path' });
    return (h) => openTcp(target.host, target.port, h);
  }
  return async (h) => {
    const binding = opts.binding ?? ((await import('serialport')).SerialPort.binding as SerialBindingLike);
    return openSerial(binding, opts.path, opts.baud ?? 115200, h);
  };
}

async function openSerial(
  binding: SerialBindingLike,
  path: string,
  baudRate: number,
  h: ReaderPortHandlers,
): Promise<ReaderPort> {
  let port: SerialBindingPortLike;
  try {
    port = await binding.open({ path, baudRate, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false });
  } catch (e) {
    throw new PosError('READER_OPEN_FAILED', `cannot open serial port: ${errText(e)}`, { key: 'path' });
  }
  // Where the path led when opened (a by-id or pty link resolves to the device node).
  // Not awaited: opening must not wait on the file system.
  const targetP = realpath(path).catch(() => undefined);
  let closing = false;
  let ended = false;
  const end = (reason: string) => {
    if (ended || closing) return;
    ended = true;
    port.close().catch(() => {});
    h.onClose(reason);
  };
  void (async () => {
    const buf = Buffer.alloc(2048);
    while (!closing && !ended) {
      try {
        const { bytesRead } = await port.read(buf, 0, buf.length);
        if (closing) return;
        if (bytesRead > 0) h.onData(Buffer.from(buf.subarray(0, bytesRead)));
        buf.fill(0, 0, bytesRead);
      } catch (e) {
        end(`read error: ${errText(e)}`);
        return;
      }
    }
  })();
  return {
    async write(bytes) {
      if (ended || closing) throw new PosError('READER_PORT_CLOSED', 'serial port is closed');
      try {
        await port.write(bytes);
      } catch (e) {
        end(`write error: ${errText(e)}`);
        throw new PosError('READER_WRITE_FAILED', `serial write failed: ${errText(e)}`);
      }
    },
    async close() {
      if (closing) return;
      closing = true;
      if (!ended && port.isOpen) await port.close().catch(() => {});
    },
    async alive() {
      const target = await targetP;
      if (target === undefined) return true;
      return (await realpath(path).catch(() => undefined)) === target;
    },
  };
}

function openTcp(host: string, port: number, h: ReaderPortHandlers): Promise<ReaderPort> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host, port, noDelay: true });
    // A silent network must not hang the reopen loop.
    sock.setTimeout(TCP_CONNECT_TIMEOUT_MS, () =>
      sock.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
    );
    let opened = false;
    let closing = false;
    let ended = false;
    const end = (reason: string) => {
      if (ended || closing) return;
      ended = true;
      sock.destroy();
      h.onClose(reason);
    };
    sock.once('connect', () => {
      opened = true;
      sock.setTimeout(0);
      sock.setNoDelay(true);
      resolve({
        write(bytes) {
          if (ended || closing)
            return Promise.reject(new PosError('READER_PORT_CLOSED', 'reader socket is closed'));
          return new Promise((res, rej) =>
            sock.write(bytes, (e) =>
              e ? rej(new PosError('READER_WRITE_FAILED', `socket write failed: ${errText(e)}`)) : res(),
            ),
          );
        },
        async close() {
          closing = true;
          sock.destroy();
        },
      });
    });
    sock.on('data', (d: Buffer) => {
      if (!closing && !ended) h.onData(d);
    });
    sock.on('error', (e) => {
      if (!opened)
        reject(new PosError('READER_OPEN_FAILED', `cannot connect: ${errText(e)}`, { key: 'path' }));
      else end(`socket error: ${errText(e)}`);
    });
    sock.on('close', () => {
      if (opened) end('socket closed');
    });
  });
}
