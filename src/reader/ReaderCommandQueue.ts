/**
 * The driver's command slots: one command in flight, FIFO behind it; while an activate is
 * pending only a cancel goes out (others are refused with READER_BUSY). Per-command timeouts
 * with resends for idempotent commands. Pure apart from the injected clock and hooks.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { PosError } from '../errors.js';
import type { NeoFrame } from './NeoFrame.js';
import { READER_COMMANDS, type ReaderCommandName } from './ReaderCommands.js';

export interface ReaderCommandQueueHooks {
  clock: Clock;
  /** Put a command frame on the wire. */
  write(frame: Buffer): void;
  /** No response after all resends: the link is presumed dead. */
  onNoResponse(name: ReaderCommandName, timeoutMs: number): void;
  /** Nothing in flight and nothing queued. */
  onIdle(): void;
}

interface Pending {
  name: ReaderCommandName;
  frame: Buffer;
  timeoutMs: number;
  retriesLeft: number;
  resolve(f: NeoFrame): void;
  reject(e: PosError): void;
  timer?: TimerHandle;
}

/** Status value given to an activate ended by a cancel (the reader sends no response to it). */
export const CANCELLED_STATUS = -1;

export class ReaderCommandQueue {
  /** Timeouts seen (each resend counts). */
  timeouts = 0;
  private inflight?: Pending;
  private cancelSlot?: Pending;
  private queue: Pending[] = [];

  constructor(private readonly hooks: ReaderCommandQueueHooks) {}

  get busy(): boolean {
    return this.inflight !== undefined || this.cancelSlot !== undefined || this.queue.length > 0;
  }

  get activatePending(): boolean {
    return this.inflight?.name === 'activate';
  }

  send(name: ReaderCommandName, frame: Buffer, timeoutMs: number, retries: number): Promise<NeoFrame> {
    return new Promise<NeoFrame>((resolve, reject) => {
      const p: Pending = { name, frame, timeoutMs, retriesLeft: retries, resolve, reject };
      if (name === 'cancel') {
        if (!this.activatePending || this.cancelSlot) {
          reject(new PosError('READER_BUSY', 'no activate to cancel, or a cancel is already pending'));
          return;
        }
        this.cancelSlot = p;
        this.transmit(p);
        return;
      }
      if (this.activatePending) {
        reject(
          new PosError('READER_BUSY', `${name} refused: an activate is pending (only cancel may be sent)`),
        );
        return;
      }
      this.queue.push(p);
      this.pump();
    });
  }

  /** Match a response frame to the command waiting for it. False if nothing was waiting for it. */
  dispatch(f: NeoFrame): boolean {
    const cancel = this.cancelSlot;
    if (cancel && f.command === READER_COMMANDS.cancel[0]) {
      this.settle(cancel, f);
      // The reader sends no response to the cancelled activate: end it here.
      const act = this.inflight;
      if (act?.name === 'activate') {
        this.settle(act, { command: f.command, sub: CANCELLED_STATUS, data: Buffer.alloc(0) });
      }
      this.pump();
      return true;
    }
    const p = this.inflight;
    if (p && f.command === READER_COMMANDS[p.name][0]) {
      this.settle(p, f);
      this.pump();
      return true;
    }
    return false;
  }

  /** Reject everything in flight or queued. */
  failAll(err: PosError): void {
    const all = [this.inflight, this.cancelSlot, ...this.queue].filter((p): p is Pending => p !== undefined);
    this.inflight = undefined;
    this.cancelSlot = undefined;
    this.queue = [];
    for (const p of all) {
      p.timer?.cancel();
      p.reject(err);
    }
  }

  /** Send the next queued command if the line is free. */
  pump(): void {
    if (this.inflight || this.cancelSlot) return;
    const next = this.queue.shift();
    if (!next) {
      this.hooks.onIdle();
      return;
    }
    this.inflight = next;
    this.transmit(next);
  }

  private transmit(p: Pending): void {
    p.timer = this.hooks.clock.setTimeout(() => this.onTimeout(p), p.timeoutMs);
    this.hooks.write(p.frame);
  }

  private onTimeout(p: Pending): void {
    if (this.inflight !== p && this.cancelSlot !== p) return;
    this.timeouts++;
    if (p.retriesLeft > 0) {
      p.retriesLeft--;
      this.transmit(p);
      return;
    }
    this.hooks.onNoResponse(p.name, p.timeoutMs);
  }

  private settle(p: Pending, f: NeoFrame): void {
    p.timer?.cancel();
    if (this.inflight === p) this.inflight = undefined;
    if (this.cancelSlot === p) this.cancelSlot = undefined;
    p.resolve(f);
  }
}
