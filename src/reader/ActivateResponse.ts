/**
 * Result of Activate Transaction (02-40). Card data lives in private fields: JSON, inspect and
 * describe() show it masked (PAN first 6 / last 4, track hidden); `wipe()` zeroes it.
 */
import { inspect } from 'node:util';
import { isPosError, PosError } from '../errors.js';
import { encodeTlv, parseTlv, type Tlv, tlvMap } from '../iso8583/tlv.js';
import { maskHidden, maskPan, maskTrack } from '../mask.js';
import { NeoStatus } from './NeoFrame.js';
import { CHIP_TAGS_FIELD55 } from './ReaderCommands.js';

export type ActivateOutcome = 'online' | 'approved-offline' | 'no-card' | 'failed' | 'cancelled';
export type EntryInterface = 'contact' | 'contactless' | 'magstripe';

const ENTRY_INTERFACE: Record<number, EntryInterface> = { 5: 'contact', 7: 'contactless', 2: 'magstripe' };

export class ActivateResponse {
  readonly outcome: ActivateOutcome;
  /** Reader status byte (-1 for a cancel ended by the terminal). */
  readonly status: number;
  readonly entryInterface?: EntryInterface;
  /** YYMM */
  readonly expiry?: string;
  readonly panSequence?: string;
  /** Tags present in the reader's answer, in order. */
  readonly tags: readonly string[];
  #pan?: string;
  #track2?: string;
  #iccData?: Buffer;

  constructor(init: {
    outcome: ActivateOutcome;
    status: number;
    entryInterface?: EntryInterface;
    pan?: string;
    track2?: string;
    expiry?: string;
    panSequence?: string;
    iccData?: Buffer;
    tags?: readonly string[];
  }) {
    this.outcome = init.outcome;
    this.status = init.status;
    this.entryInterface = init.entryInterface;
    this.expiry = init.expiry;
    this.panSequence = init.panSequence;
    this.tags = init.tags ?? [];
    this.#pan = init.pan;
    this.#track2 = init.track2;
    this.#iccData = init.iccData;
  }

  get pan(): string | undefined {
    return this.#pan;
  }
  /** Track 2 equivalent, digits with 'D' separator. */
  get track2(): string | undefined {
    return this.#track2;
  }
  /** Field-55 TLVs: the chip tags of the protocol page, in that order. */
  get iccData(): Buffer | undefined {
    return this.#iccData;
  }
  get hasCard(): boolean {
    return this.#pan !== undefined;
  }

  /** Zero the card data (after the host answered). */
  wipe(): void {
    this.#iccData?.fill(0);
    this.#pan = undefined;
    this.#track2 = undefined;
    this.#iccData = undefined;
  }

  toJSON(): Record<string, unknown> {
    return {
      outcome: this.outcome,
      status: this.status,
      entryInterface: this.entryInterface,
      pan: this.#pan === undefined ? undefined : maskPan(this.#pan),
      track2: this.#track2 === undefined ? undefined : maskTrack(this.#track2),
      expiry: this.expiry === undefined ? undefined : '****',
      panSequence: this.panSequence,
      iccData: this.#iccData === undefined ? undefined : maskHidden('chip data', this.#iccData.length),
      tags: this.tags,
    };
  }

  describe(): string {
    const parts = [`outcome=${this.outcome}`];
    if (this.entryInterface) parts.push(`entry=${this.entryInterface}`);
    if (this.#pan !== undefined) parts.push(`pan=${maskPan(this.#pan)}`);
    if (this.tags.length) parts.push(`tags=${this.tags.join(',')}`);
    return parts.join(' ');
  }

  [inspect.custom](): string {
    return `ActivateResponse { ${this.describe()} }`;
  }
}

function digitsOf(v: Buffer): string {
  return v.toString('hex').toUpperCase().replace(/F+$/, '');
}

/** Decode a 02-40 response (status + data). Bad TLVs give READER_BAD_RESPONSE. */
export function decodeActivateResponse(status: number, data: Buffer): ActivateResponse {
  let outcome: ActivateOutcome;
  if (status === NeoStatus.RequestOnlineAuthorization) outcome = 'online';
  else if (status === NeoStatus.OK) outcome = 'approved-offline';
  else if (status === NeoStatus.Timeout) outcome = 'no-card';
  else return new ActivateResponse({ outcome: 'failed', status });
  if (outcome === 'no-card') return new ActivateResponse({ outcome, status });

  let list: Tlv[];
  try {
    list = parseTlv(data, 0);
  } catch (e) {
    if (isPosError(e)) {
      throw new PosError('READER_BAD_RESPONSE', `activate response TLVs: ${e.message}`, e.context, {
        cause: e,
      });
    }
    throw e;
  }
  const m = tlvMap(list);
  const track2Raw = m.get('57');
  const track2 = track2Raw ? digitsOf(track2Raw) : undefined;
  if (track2 !== undefined && !/^\d{12,19}D\d{4}\d*$/.test(track2)) {
    throw new PosError('READER_BAD_RESPONSE', 'track 2 equivalent is malformed', { field: '57' });
  }
  const panRaw = m.get('5A');
  const pan = panRaw ? digitsOf(panRaw) : track2?.slice(0, track2.indexOf('D'));
  if (pan === undefined || !/^\d{12,19}$/.test(pan)) {
    throw new PosError('READER_BAD_RESPONSE', 'activate response has no valid PAN', { field: '5A' });
  }
  const exp = m.get('5F24');
  let expiry = exp ? exp.toString('hex').slice(0, 4) : undefined;
  if (expiry === undefined && track2) expiry = track2.slice(track2.indexOf('D') + 1, track2.indexOf('D') + 5);
  if (expiry !== undefined && !/^\d{4}$/.test(expiry)) {
    throw new PosError('READER_BAD_RESPONSE', 'expiry date is malformed', { field: '5F24' });
  }
  const psn = m.get('5F34');
  const entryByte = m.get('DF30')?.[0];
  const entryInterface = entryByte === undefined ? undefined : ENTRY_INTERFACE[entryByte];
  if (entryInterface === undefined) {
    throw new PosError('READER_BAD_RESPONSE', 'entry interface (DF30) missing or unknown', { field: 'DF30' });
  }
  const chip: Tlv[] = [];
  for (const tag of CHIP_TAGS_FIELD55) {
    const v = m.get(tag);
    if (v) chip.push({ tag, value: Buffer.from(v) });
  }
  return new ActivateResponse({
    outcome,
    status,
    entryInterface,
    pan,
    track2,
    expiry,
    panSequence: psn ? psn.toString('hex').padStart(2, '0') : undefined,
    iccData: entryInterface !== 'magstripe' && chip.length ? encodeTlv(chip) : undefined,
    tags: list.map((t) => t.tag),
  });
}
