/** Shared bits of the HostLink tests. */
import { ManualClock } from '../../src/clock.js';
import { isPosError, type PosError } from '../../src/errors.js';
import { HostLink, type HostLinkOptions } from '../../src/host/HostLink.js';
import type { IsoMessage } from '../../src/iso8583/message.js';

export const TPDU = '6000030000';
export const TID = '12345678';

export function purchase(stan: string, amount = '000000012345'): IsoMessage {
  return {
    mti: '0200',
    fields: {
      2: '6258091234567890123',
      3: '000000',
      4: amount,
      11: stan,
      22: '051',
      25: '00',
      41: TID,
      42: '123456789012345',
      49: '156',
      60: '22000001000',
    },
  };
}

export function echoTest(stan: string): IsoMessage {
  return { mti: '0820', fields: { 11: stan, 41: TID, 42: '123456789012345', 60: '00000001301' } };
}

/** Let socket I/O and promise chains run. */
export async function flush(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
}

/** Wait (real time, bounded) until cond() holds. */
export async function until(cond: () => boolean, what = 'condition', ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function makeLink(port: number, extra: Partial<HostLinkOptions> = {}) {
  const clock = (extra.clock as ManualClock | undefined) ?? new ManualClock();
  const link = new HostLink({
    primary: { host: '127.0.0.1', port },
    tpdu: TPDU,
    clock,
    timeouts: { connectMs: 1000, sendMs: 1000, readMs: 5000 },
    ...extra,
  });
  return { link, clock };
}

/** The PosError code a promise rejects with ('RESOLVED' if it does not). */
export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'RESOLVED';
  } catch (e) {
    return isPosError(e) ? e.code : `NOT A POSERROR: ${String(e)}`;
  }
}

export async function rejection(p: Promise<unknown>): Promise<PosError> {
  try {
    await p;
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}
