/** Test doubles for the transaction engine's ports. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { PosError } from '../../src/errors.js';
import type { IsoMessage } from '../../src/iso8583/message.js';
import { Journal } from '../../src/journal/Journal.js';
import type { Logger } from '../../src/log.js';
import { loadProfile, type TerminalProfile } from '../../src/profile/loadProfile.js';
import { Forwarder } from '../../src/txn/Forwarder.js';
import { Lane } from '../../src/txn/Lane.js';
import type { CardRead, CardReaderPort, CardReadResult, HostAnswer, HostPort } from '../../src/txn/ports.js';
import { TxnEngine, type TxnEngineDeps } from '../../src/txn/TxnEngine.js';

export const CHIP_CARD: CardRead = {
  pan: '6212345678901232',
  track2: '6212345678901232D30122011234567890',
  expiry: '3012',
  panSequence: '001',
  entryInterface: 'contactless',
  iccData: '9F260811223344556677889F2701809F360200019F3704A1B2C3D4',
};

export class FakeReader implements CardReaderPort {
  next: CardReadResult[] = [];
  card: CardRead = CHIP_CARD;
  reads = 0;
  /** What the engine asked for, read by read. */
  asked: Parameters<CardReaderPort['readCard']>[0][] = [];
  /** Runs while the card is being read (before the read resolves). */
  onRead?: () => void;
  async readCard(req: Parameters<CardReaderPort['readCard']>[0]): Promise<CardReadResult> {
    this.reads++;
    this.asked.push(req);
    this.onRead?.();
    return this.next.shift() ?? { outcome: 'card', card: this.card, cardMs: 5 };
  }
}

type Script = (msg: IsoMessage) => IsoMessage | PosError | { error: PosError; written: boolean };

/** A host that answers by script; records what it was sent. */
export class FakeHost implements HostPort {
  sent: IsoMessage[] = [];
  script: Script[] = [];
  fallback: Script = approve;
  /** Runs after the request is written (its journal mark committed), before the answer returns. */
  afterWritten?: (msg: IsoMessage) => void;
  async send(msg: IsoMessage, opts?: { onWritten?: () => void }): Promise<HostAnswer> {
    const step = this.script.shift() ?? this.fallback;
    const out = step(msg);
    if (out instanceof PosError) {
      if (out.code !== 'HOST_UNREACHABLE') {
        opts?.onWritten?.();
        this.sent.push(msg);
        this.afterWritten?.(msg);
      }
      throw out;
    }
    if ('error' in out) {
      if (out.written) {
        opts?.onWritten?.();
        this.sent.push(msg);
        this.afterWritten?.(msg);
      }
      throw out.error;
    }
    opts?.onWritten?.();
    this.sent.push(msg);
    this.afterWritten?.(msg);
    return { message: out, hostMs: 1 };
  }
}

let rrnSeq = 100000000000;

/** Echo the matching fields with 39 = code. */
export function answer(code: string): Script {
  return (req) => {
    const mti = (Number(req.mti) + 10).toString().padStart(4, '0');
    const f: Record<number, string> = {};
    for (const k of [3, 4, 11, 25, 41, 42, 49, 60]) if (req.fields[k] !== undefined) f[k] = req.fields[k];
    f[39] = code;
    f[37] = String(rrnSeq++);
    if (code === '00' && req.mti !== '0400') f[38] = 'A1B2C3';
    if (req.fields[3] === '310000') f[54] = '1002156C000000012345';
    f[64] = '0000000000000000';
    return { mti, fields: f };
  };
}
export const approve = answer('00');
export const timeout: Script = () => new PosError('HOST_TIMEOUT', 'no answer in 5000 ms');
export const unreachable: Script = () => new PosError('HOST_UNREACHABLE', 'cannot connect');
export const badMac: Script = () => new PosError('HOST_BAD_MAC', 'response MAC does not verify');

export interface EngineRig {
  engine: TxnEngine;
  journal: Journal;
  host: FakeHost;
  reader: FakeReader;
  forwarder: Forwarder;
  lane: Lane;
  clock: ManualClock;
  profile: TerminalProfile;
  /** free space the engine sees on the journal's filesystem */
  disk: { freeBytes: number };
  logs: LogLine[];
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export function engineRig(
  overrides: Partial<TerminalProfile['offline']> = {},
  opts: { log?: MemoryLogger; batchGate?: TxnEngineDeps['batchGate'] } = {},
): EngineRig {
  const dir = mkdtempSync(join(tmpdir(), 'posterm-txn-'));
  const profile = loadProfile('emulator');
  profile.offline = { ...profile.offline, ...overrides };
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 2, 0, 0));
  const journal = Journal.open({
    path: join(dir, 'j.db'),
    key: randomBytes(32),
    clock,
    reversalAttemptLimit: 3,
  });
  const host = new FakeHost();
  const reader = new FakeReader();
  const lane = new Lane();
  const log = opts.log ?? new MemoryLogger();
  const logs = log.lines;
  const disk = { freeBytes: 1e12 };
  const forwarder = new Forwarder({ journal, host, lane, clock, log });
  const engine = new TxnEngine({
    profile,
    journal,
    host,
    reader,
    forwarder,
    lane,
    clock,
    log,
    freeBytes: () => disk.freeBytes,
    batchGate: opts.batchGate,
  });
  return { engine, journal, host, reader, forwarder, lane, clock, profile, disk, logs };
}

/** A logger that keeps every line, to assert what was logged and at which level. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  private at(level: LogLine['level'], obj: object, msg?: string): void {
    this.lines.push({ level, obj: obj as Record<string, unknown>, msg });
  }
  debug(obj: object, msg?: string) {
    this.at('debug', obj, msg);
  }
  info(obj: object, msg?: string) {
    this.at('info', obj, msg);
  }
  warn(obj: object, msg?: string) {
    this.at('warn', obj, msg);
  }
  error(obj: object, msg?: string) {
    this.at('error', obj, msg);
  }
}
