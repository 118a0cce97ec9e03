/**
 * The runtime's event stream: numbered events (see RuntimeApi for the seq policy), the last
 * `limit` kept in memory for replay, listeners isolated from each other and from the runtime.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { RuntimeEvent, RuntimeEventBody, Subscription } from './RuntimeApi.js';

/** Events kept for replay. */
export const EVENT_HISTORY = 1000;

/** seq = run * RUN_SPAN + n (n from 1 in each run). */
export const RUN_SPAN = 2 ** 32;

type Listener = (e: RuntimeEvent) => void;

export class RuntimeEvents {
  private readonly history: RuntimeEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private n = 0;

  constructor(
    private readonly run: number,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly limit = EVENT_HISTORY,
  ) {}

  /** The seq of the newest event (run * 2^32 before the first). */
  get lastSeq(): number {
    return this.run * RUN_SPAN + this.n;
  }

  emit(body: RuntimeEventBody): RuntimeEvent {
    this.n++;
    const e = { ...body, seq: this.lastSeq, at: new Date(this.clock.now()).toISOString() } as RuntimeEvent;
    this.history.push(e);
    if (this.history.length > this.limit) this.history.shift();
    for (const l of [...this.listeners]) this.deliver(l, e);
    return e;
  }

  subscribe(fromSeq: number, listener: Listener): Subscription {
    let open = true;
    const own: Listener = (e) => {
      if (open) listener(e);
    };
    const from = Number.isFinite(fromSeq) ? fromSeq : 0;
    for (const e of this.history) {
      if (!open) break;
      if (e.seq > from) this.deliver(own, e);
    }
    if (open) this.listeners.add(own);
    return {
      close: () => {
        open = false;
        this.listeners.delete(own);
      },
    };
  }

  private deliver(l: Listener, e: RuntimeEvent): void {
    try {
      l(e);
    } catch (err) {
      this.log.warn(
        { seq: e.seq, type: e.type, err: (err as { code?: string })?.code ?? 'listener error' },
        'event listener threw: ignored',
      );
    }
  }
}
