/** Adapts the host session to the transaction engine's HostPort. */
import type { HostLink } from '../host/HostLink.js';
import type { HostSession } from '../host/HostSession.js';
import type { IsoMessage } from '../iso8583/message.js';
import type { HostAnswer, HostPort } from '../txn/ports.js';

export class SessionHostPort implements HostPort {
  private connected = false;

  constructor(
    private readonly session: HostSession,
    link: HostLink,
  ) {
    link.on('connected', () => {
      this.connected = true;
    });
    link.on('disconnected', () => {
      this.connected = false;
    });
  }

  async send(msg: IsoMessage, opts: { onWritten?: () => void } = {}): Promise<HostAnswer> {
    const res = await this.session.send(msg, { onWritten: opts.onWritten });
    return { message: res.message, hostMs: res.timings.sendMs + res.timings.waitMs };
  }

  isUp(): boolean {
    return this.connected;
  }
}
