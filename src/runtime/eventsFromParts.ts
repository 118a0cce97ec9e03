/**
 * Runtime events from its parts: the host link (up / down), the session (sign-on), the reader
 * driver (connected / unavailable, once per change; a card presented or removed), and the queue depth when it changed.
 */
import type { HostLink } from '../host/HostLink.js';
import type { HostSession } from '../host/HostSession.js';
import type { Journal } from '../journal/Journal.js';
import type { ReaderDriver } from '../reader/ReaderDriver.js';
import type { Forwarder } from '../txn/Forwarder.js';
import type { RuntimeEventBody } from './RuntimeApi.js';

export function eventsFromParts(
  parts: { link: HostLink; session: HostSession; driver?: ReaderDriver },
  emit: (e: RuntimeEventBody) => void,
): void {
  const { link, session, driver } = parts;
  link.on('connected', ({ endpoint }) => emit({ type: 'link', state: 'up', endpoint }));
  link.on('disconnected', ({ endpoint }) =>
    emit({ type: 'link', state: 'down', endpoint, cause: session.health.lastFailure?.cause }),
  );
  session.on('signed-on', () => emit({ type: 'sign-on', ok: true }));
  let readerState: 'connected' | 'unavailable' | undefined;
  const readerEvent = (state: 'connected' | 'unavailable', reason?: string) => {
    if (state === readerState) return; // reconnect attempts repeat 'unavailable'
    readerState = state;
    emit({ type: 'reader', state, reason });
  };
  driver?.on('connected', () => readerEvent('connected'));
  driver?.on('disconnected', ({ reason }) => readerEvent('unavailable', reason));
  driver?.on('reconnecting', ({ reason }) => readerEvent('unavailable', reason));
  driver?.on('card', ({ state, entryInterface }) =>
    emit({
      type: 'reader',
      state: state === 'presented' ? 'card-presented' : 'card-removed',
      reason: entryInterface,
    }),
  );
}

/** What is owed (reversals, held ones included; advices waiting or in flight), when it changed. */
export class QueueDepth {
  private last = '';

  changed(journal: Journal, forwarder: Forwarder): RuntimeEventBody | undefined {
    const owed = journal.owedCounts();
    const reversals = owed.reversals + forwarder.held.reversals;
    const advices = owed.advicesPending + owed.advicesSent;
    const depth = `${reversals}/${advices}`;
    if (depth === this.last) return undefined;
    this.last = depth;
    return { type: 'queue', reversals, advices };
  }
}
