/**
 * Between the reader's card data, the journal's stored request and cup-pos messages: which
 * fields are card data (kept encrypted, never track or PIN) and which are clear.
 */
import type { IsoMessage } from '../iso8583/message.js';
import type { CardData as ViewCard } from '../iso8583/views/cupPos.js';
import { EntryMode, PinCapability, ReadCapability } from '../iso8583/views/cupPos.js';
import type { ClearFields, StoredCard, StoredRequest } from '../journal/types.js';
import type { CardRead } from './ports.js';

/** Fields that hold card data: never stored in clear (2, 14, 23, 55) or never stored at all (35, 36, 52, 53). */
const CARD_FIELDS = new Set([2, 14, 23, 35, 36, 52, 53, 55]);

const ENTRY: Record<CardRead['entryInterface'], string> = {
  contact: EntryMode.ContactChip,
  contactless: EntryMode.ContactlessChip,
  magstripe: EntryMode.MagneticStripe,
};

/** Card part of a request as the reader gave it (track 2 included: it goes on the wire, never to disk). */
export function viewCard(card: CardRead): ViewCard & { readCapability?: string; icCondition?: string } {
  const chip = card.entryInterface !== 'magstripe';
  return {
    pan: card.pan,
    track2: card.track2,
    expiry: card.expiry,
    panSequence: chip ? card.panSequence : undefined,
    iccData: chip ? card.iccData : undefined,
    entryMode: ENTRY[card.entryInterface],
    // No PIN pad on this terminal model: online PIN is not captured.
    pinCapability: PinCapability.CannotAcceptPin,
    readCapability:
      card.entryInterface === 'contact'
        ? ReadCapability.Contact
        : card.entryInterface === 'contactless'
          ? ReadCapability.Contactless
          : undefined,
    icCondition: chip ? '0' : undefined,
  };
}

/** Split a packed-to-be request into clear fields and the card data the journal encrypts. */
export function splitForJournal(msg: IsoMessage): { fields: ClearFields; card: StoredCard | undefined } {
  const fields: ClearFields = {};
  for (const [k, v] of Object.entries(msg.fields)) {
    const f = Number(k);
    if (!CARD_FIELDS.has(f) && f !== 64) fields[f] = v;
  }
  const pan = msg.fields[2];
  const card: StoredCard | undefined = pan
    ? { pan, expiry: msg.fields[14], panSeq: msg.fields[23], iccData: msg.fields[55] }
    : undefined;
  return { fields, card };
}

/** Rebuild a stored request (as it went on the wire, less track and PIN data). */
export function fromJournal(mti: string, stored: StoredRequest): IsoMessage {
  const fields: Record<number, string> = { ...stored.fields };
  const c = stored.card;
  if (c) {
    fields[2] = c.pan;
    if (c.expiry) fields[14] = c.expiry;
    if (c.panSeq) fields[23] = c.panSeq;
    if (c.iccData) fields[55] = c.iccData;
  }
  return { mti, fields };
}
