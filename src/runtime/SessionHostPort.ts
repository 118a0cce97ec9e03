/** Adapts the host session to the transaction engine's HostPort. */
import type { Clock } from '../clock.js';
import type { HostSession } from '../host/HostSession.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { HostAnswer, HostPort } from '../txn/ports.js';

export class SessionHostPort implements HostPort {
  constructor(
    private readonly session: HostSession,
    private readonly clock: Clock,
  ) {}

  /**
   * hostMs is the time on the wire and at the host: the link's send and wait time less what the
   * caller's onWritten hook took (the journal's "sent" mark is the terminal's own work).
   */
  async send(msg: IsoMessage, opts: { onWritten?: () => void } = {}): Promise<HostAnswer> {
    let hookMs = 0;
    const onWritten = opts.onWritten;
    const res = await this.session.send(msg, {
      onWritten: onWritten
        ? () => {
            const t0 = this.clock.monotonic();
            onWritten();
            hookMs = this.clock.monotonic() - t0;
          }
        : undefined,
    });
    return { message: res.message, hostMs: Math.max(0, res.timings.sendMs + res.timings.waitMs - hookMs) };
  }
}
