/** Adapts the reader driver to the transaction engine's CardReaderPort. */
import type { Clock } from '../clock.js';
import { isPosError, isReaderLinkDown } from '../errors.js';
import type { Logger } from '../log.js';
import type { ReaderDriver } from '../reader/ReaderDriver.js';
import type { CardReaderPort, CardReadResult } from '../txn/ports.js';

export class ReaderCardSource implements CardReaderPort {
  constructor(
    private readonly driver: ReaderDriver,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async readCard(req: {
    amountMinor: number;
    type: 'purchase' | 'refund' | 'inquiry';
    timeoutS: number;
    signal?: AbortSignal;
  }): Promise<CardReadResult> {
    if (this.driver.state !== 'connected') {
      return { outcome: 'unavailable', reason: `reader is ${this.driver.state}` };
    }
    if (req.signal?.aborted) return { outcome: 'cancelled', reason: 'aborted' };
    const t0 = this.clock.monotonic();
    let res: Awaited<ReturnType<ReaderDriver['activate']>>;
    // An abort cancels the pending activate: the reader answers it 'cancelled'.
    const onAbort = () => {
      this.driver.cancel().catch((e: unknown) => {
        this.log.warn({ code: (e as { code?: string }).code }, 'reader cancel failed');
      });
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const type = req.type === 'inquiry' ? 'balance-inquiry' : req.type;
      res = await this.driver.activate({ amountMinor: req.amountMinor, type, timeoutSec: req.timeoutS });
    } catch (e) {
      if (!isPosError(e)) throw e;
      this.log.warn({ code: e.code }, 'card read failed');
      // The reader went away during the read: the same answer as a reader that is not there.
      if (isReaderLinkDown(e)) return { outcome: 'unavailable', reason: e.code };
      return { outcome: 'failed', reason: e.code };
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
    const cardMs = this.clock.monotonic() - t0;
    if ((res.outcome === 'online' || res.outcome === 'approved-offline') && res.pan && res.entryInterface) {
      return {
        outcome: 'card',
        cardMs,
        card: {
          pan: res.pan,
          track2: res.track2,
          expiry: res.expiry,
          panSequence: res.panSequence ? res.panSequence.padStart(3, '0') : undefined,
          entryInterface: res.entryInterface,
          iccData: res.iccData?.toString('hex').toUpperCase(),
        },
      };
    }
    if (res.outcome === 'no-card') return { outcome: 'no-card', reason: 'no card presented in time' };
    if (res.outcome === 'cancelled') return { outcome: 'cancelled', reason: 'cancelled' };
    return { outcome: 'declined', reason: `reader status ${res.status}` };
  }
}
