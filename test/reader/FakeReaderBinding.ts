/**
 * Test double: SerialPortMock's binding with a VirtualReader on the other end of the line.
 * `unplugged` makes open() fail and kills the open port; `mute` drops the terminal's bytes.
 */
import { SerialPortMock } from 'serialport';
import { VirtualReader, type VirtualReaderOptions } from '../../src/emulator/VirtualReader.js';
import type { SerialBindingLike, SerialBindingPortLike } from '../../src/reader/ReaderPort.js';

type MockPort = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

export class FakeReaderBinding implements SerialBindingLike {
  readonly reader: VirtualReader;
  readonly path: string;
  unplugged = false;
  mute = false;
  opens = 0;
  written: Buffer[] = [];
  private port?: MockPort;

  constructor(path: string, opts: VirtualReaderOptions = {}) {
    this.path = path;
    this.reader = new VirtualReader(opts);
    SerialPortMock.binding.createPort(path);
  }

  async open(options: Parameters<SerialBindingLike['open']>[0]): Promise<SerialBindingPortLike> {
    if (this.unplugged)
      throw Object.assign(new Error(`ENOENT: no such file ${options.path}`), { code: 'ENOENT' });
    const port = await SerialPortMock.binding.open({ ...options, path: options.path });
    this.opens++;
    this.port = port;
    const write = port.write.bind(port);
    port.write = async (b: Buffer) => {
      await write(b);
      this.written.push(Buffer.from(b));
      if (!this.mute) this.reader.receive(b);
    };
    this.reader.attach((b) => {
      if (port.isOpen && this.port === port) port.emitData(b);
    });
    return port;
  }

  /** The device disappears: the open port fails and reopening fails until plug(). */
  async unplug(): Promise<void> {
    this.unplugged = true;
    this.reader.detach();
    const p = this.port;
    this.port = undefined;
    if (p?.isOpen) await p.close();
  }

  plug(): void {
    this.unplugged = false;
  }
}
