/**
 * One open byte stream to the acquirer: splits incoming frames, writes with a send timeout and
 * reports its end once (peer close, error, or a local close).
 */
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import { PosError } from '../errors.js';
import { FrameSplitter, type HostFrame } from './framing.js';
import { endpointLabel, type HostEndpoint } from './HostEndpoint.js';

export interface ConnectionEnd {
  reason: string;
  /** Bytes of an incomplete frame left when the stream ended (a peer that closed mid-message). */
  partialBytes: number;
}

export class HostConnection {
  private readonly splitter: FrameSplitter;
  private ended: ConnectionEnd | undefined;
  readonly label: string;

  constructor(
    private readonly stream: Duplex,
    readonly endpoint: HostEndpoint,
    private readonly clock: Clock,
    onFrame: (frame: HostFrame) => void,
    onBadFrame: (err: PosError) => void,
    private readonly onEnd: (end: ConnectionEnd) => void,
  ) {
    this.label = endpointLabel(endpoint);
    this.splitter = new FrameSplitter(onFrame, onBadFrame);
    stream.on('data', (chunk: Buffer) => {
      if (!this.ended) this.splitter.push(chunk);
    });
    stream.on('end', () => this.finish('peer closed'));
    stream.on('close', () => this.finish('closed'));
    stream.on('error', (err: NodeJS.ErrnoException) => this.finish(`error ${err.code ?? 'unknown'}`));
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  get end(): ConnectionEnd | undefined {
    return this.ended;
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = { reason, partialBytes: this.splitter.pending };
    this.splitter.reset();
    this.stream.destroy();
    this.onEnd(this.ended);
  }

  /** Close locally (the end is reported with this reason). */
  close(reason: string): void {
    this.finish(reason);
  }

  /** Write a whole frame; HOST_TIMEOUT when it is not flushed within `timeoutMs`. */
  write(bytes: Buffer, timeoutMs: number): Promise<void> {
    if (this.ended) {
      return Promise.reject(
        new PosError('HOST_DISCONNECTED', `connection to ${this.label} is closed`, {
          reason: this.ended.reason,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const timer = this.clock.setTimeout(() => {
        if (done) return;
        done = true;
        reject(new PosError('HOST_TIMEOUT', `send to ${this.label} timed out`, { phase: 'send', timeoutMs }));
        this.finish('send timeout');
      }, timeoutMs);
      this.stream.write(bytes, (err) => {
        if (done) return;
        done = true;
        timer.cancel();
        if (err) {
          reject(
            new PosError('HOST_DISCONNECTED', `send to ${this.label} failed`, {
              reason: (err as NodeJS.ErrnoException).code ?? 'write error',
            }),
          );
        } else resolve();
      });
    });
  }
}
