/**
 * A NEO 2 reader in software, independent of the transport: feed it the terminal's bytes with
 * receive(), it writes responses through the function given to attach(). Behaviour comes from
 * the current test card; faults are injected on its output (see VIRTUAL_READER_FAULTS).
 */
import { EventEmitter } from 'node:events';
import { type Clock, systemClock, type TimerHandle } from '../clock.js';
import { PosError } from '../errors.js';
import { parseTlv, tlvMap } from '../iso8583/tlv.js';
import {
  NEO_BOOT_COMMAND,
  NEO_BOOT_STATUS,
  NeoCommand,
  type NeoFrame,
  NeoStatus,
  neoResponseFrame,
} from '../reader/NeoFrame.js';
import { NeoFrameParser } from '../reader/NeoFrameParser.js';
import { virtualCardTlvs } from './VirtualReaderCardData.js';
import { DEFAULT_TEST_CARD, TEST_CARDS, type TestCard } from './VirtualReaderCards.js';

/**
 * - noise: random bytes before every response;  - split: every response in 1..5-byte writes;
 * - bad-crc: the next response has a wrong CRC (once);
 * - reboot: the next activate is answered by half a frame then a boot notification (once);
 * - unplug: the next activate unplugs the line (the server replugs it) (once).
 */
export const VIRTUAL_READER_FAULTS = ['noise', 'split', 'bad-crc', 'reboot', 'unplug'] as const;
export type VirtualReaderFault = (typeof VIRTUAL_READER_FAULTS)[number];

export interface VirtualReaderOptions {
  card?: string;
  faults?: readonly VirtualReaderFault[];
  clock?: Clock;
  firmware?: string;
  serial?: string;
  platform?: string;
  /** Time until a card is "presented" (default 30 ms). */
  presentDelayMs?: number;
  /** Time the 'slow' card takes (default 2000 ms). */
  slowDelayMs?: number;
  /** 'no-card' answers 08 after this (default: the activate's own timeout). */
  noCardDelayMs?: number;
  seed?: number;
}

export interface VirtualReaderEvents {
  command: [info: { command: number; sub: number }];
  unplug: [];
}

export function parseFaults(list: string): VirtualReaderFault[] {
  const out: VirtualReaderFault[] = [];
  for (const f of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(VIRTUAL_READER_FAULTS as readonly string[]).includes(f)) {
      throw new PosError(
        'EMU_BAD_FAULT',
        `unknown reader fault '${f}' (known: ${VIRTUAL_READER_FAULTS.join(', ')})`,
      );
    }
    out.push(f as VirtualReaderFault);
  }
  return out;
}

export function testCard(name: string): TestCard {
  const c = TEST_CARDS[name];
  if (!c) {
    throw new PosError(
      'EMU_BAD_CARD',
      `unknown test card '${name}' (known: ${Object.keys(TEST_CARDS).join(', ')})`,
    );
  }
  return c;
}

export class VirtualReader extends EventEmitter<VirtualReaderEvents> {
  private readonly clock: Clock;
  private readonly opts: VirtualReaderOptions;
  private readonly parser = new NeoFrameParser({ direction: 'command' });
  private card: TestCard;
  private faultSet = new Set<VirtualReaderFault>();
  private writer?: (b: Buffer) => void;
  private out: Promise<void> = Promise.resolve();
  private txn?: TimerHandle;
  private atc = 1;
  private rng: () => number;
  readonly stats = { commands: 0, activates: 0, cancels: 0, responses: 0 };

  constructor(opts: VirtualReaderOptions = {}) {
    super();
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.card = testCard(opts.card ?? DEFAULT_TEST_CARD);
    this.setFaults(opts.faults ?? []);
    let s = (opts.seed ?? 0x5eed) >>> 0;
    this.rng = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  get currentCard(): TestCard {
    return this.card;
  }
  get faults(): VirtualReaderFault[] {
    return [...this.faultSet];
  }
  get parserCounters() {
    return { ...this.parser.counters };
  }
  get activatePending(): boolean {
    return this.txn !== undefined;
  }

  setCard(name: string): void {
    this.card = testCard(name);
  }

  setFaults(faults: readonly VirtualReaderFault[]): void {
    this.faultSet = new Set(faults);
  }

  /** Connect an output; bytes written while detached are lost (as on a dead line). */
  attach(write: (b: Buffer) => void): void {
    this.writer = write;
    this.parser.reset();
  }

  detach(): void {
    this.writer = undefined;
    this.abortTxn();
  }

  /** Power-on: unsolicited boot notification. */
  sendBoot(): void {
    this.abortTxn();
    this.queueRaw(
      neoResponseFrame(
        NEO_BOOT_COMMAND,
        NEO_BOOT_STATUS,
        Buffer.from(this.opts.platform ?? 'NEO2-VIRTUAL', 'latin1'),
      ),
    );
  }

  receive(chunk: Buffer): void {
    for (const f of this.parser.push(chunk, this.clock.monotonic())) this.onCommand(f);
  }

  private onCommand(f: NeoFrame): void {
    this.stats.commands++;
    this.emit('command', { command: f.command, sub: f.sub });
    const is = (c: readonly [number, number]) => f.command === c[0];
    if (this.txn) {
      // While an activate is pending every command is taken as a Cancel (no activate response).
      this.abortTxn();
      this.stats.cancels++;
      this.respond(f.command, NeoStatus.OK);
      return;
    }
    const known = Object.values(NeoCommand).find((c) => c[0] === f.command);
    if (!known) {
      this.respond(f.command, NeoStatus.UnknownCommand);
      return;
    }
    if (known[1] !== f.sub) {
      this.respond(f.command, NeoStatus.UnknownSubCommand);
      return;
    }
    if (is(NeoCommand.Ping)) {
      this.respond(f.command, NeoStatus.OK);
      return;
    }
    if (is(NeoCommand.GetFirmwareVersion)) {
      this.respond(
        f.command,
        NeoStatus.OK,
        Buffer.from(this.opts.firmware ?? 'NEO v2.00.14 VIRTUAL', 'latin1'),
      );
      return;
    }
    if (is(NeoCommand.GetSerialNumber)) {
      this.respond(f.command, NeoStatus.OK, Buffer.from(this.opts.serial ?? 'VR0000000001', 'latin1'));
      return;
    }
    if (is(NeoCommand.CancelTransaction)) {
      this.stats.cancels++;
      this.respond(f.command, NeoStatus.OK);
      return;
    }
    this.activate(f);
  }

  private activate(f: NeoFrame): void {
    this.stats.activates++;
    if (f.data.length < 1) {
      this.respond(f.command, NeoStatus.IncorrectParameter);
      return;
    }
    let req: Map<string, Buffer>;
    try {
      req = tlvMap(parseTlv(f.data.subarray(1)));
    } catch {
      this.respond(f.command, NeoStatus.MalFormattedData);
      return;
    }
    if (req.get('9F02')?.length !== 6) {
      this.respond(f.command, NeoStatus.IncorrectParameter);
      return;
    }
    const timeoutMs = f.data[0] * 1000;
    const card = this.card;
    const presentMs = this.opts.presentDelayMs ?? 30;
    const later = (ms: number, fn: () => void) => {
      this.txn = this.clock.setTimeout(() => {
        this.txn = undefined;
        fn();
      }, ms);
    };
    if (this.faultSet.delete('reboot')) {
      later(presentMs, () => {
        // The reader dies half-way through its answer and boots.
        const full = neoResponseFrame(
          f.command,
          NeoStatus.RequestOnlineAuthorization,
          Buffer.alloc(40, 0x11),
        );
        this.queueRaw(full.subarray(0, 20));
        this.sendBoot();
      });
      return;
    }
    if (this.faultSet.delete('unplug')) {
      later(presentMs, () => this.emit('unplug'));
      return;
    }
    const answer = (status: number, withCard: boolean) => {
      const data = withCard
        ? virtualCardTlvs(card, req, this.atc++, status === NeoStatus.OK)
        : Buffer.alloc(0);
      this.respond(f.command, status, data);
    };
    const behaviours: Record<TestCard['behaviour'], () => void> = {
      online: () => later(presentMs, () => answer(NeoStatus.RequestOnlineAuthorization, true)),
      'approved-offline': () => later(presentMs, () => answer(NeoStatus.OK, true)),
      'declined-offline': () => later(presentMs, () => answer(NeoStatus.Failed, false)),
      removed: () => later(presentMs + 50, () => answer(NeoStatus.Failed, false)),
      slow: () =>
        later(this.opts.slowDelayMs ?? 2000, () => answer(NeoStatus.RequestOnlineAuthorization, true)),
      'no-card': () =>
        later(Math.min(timeoutMs, this.opts.noCardDelayMs ?? timeoutMs), () =>
          answer(NeoStatus.Timeout, false),
        ),
    };
    behaviours[card.behaviour]();
  }

  private abortTxn(): void {
    this.txn?.cancel();
    this.txn = undefined;
  }

  private respond(command: number, status: number, data: Buffer = Buffer.alloc(0)): void {
    this.stats.responses++;
    const frame = neoResponseFrame(command, status, data);
    if (this.faultSet.delete('bad-crc')) frame[frame.length - 1] ^= 0xff;
    this.queueRaw(frame);
  }

  /** Writes in order, applying the output faults (noise, split). */
  private queueRaw(frame: Buffer): void {
    const noise = this.faultSet.has('noise');
    const split = this.faultSet.has('split');
    const bytes = noise ? Buffer.concat([this.noiseBytes(), frame]) : frame;
    this.out = this.out.then(async () => {
      if (!split) return this.write(bytes);
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(this.rng() * 5);
        this.write(bytes.subarray(i, i + n));
        i += n;
        await this.clock.sleep(1);
      }
    });
  }

  private noiseBytes(): Buffer {
    const n = 3 + Math.floor(this.rng() * 10);
    return Buffer.from(Array.from({ length: n }, () => Math.floor(this.rng() * 256)));
  }

  private write(b: Buffer): void {
    this.writer?.(Buffer.from(b));
  }
}
