import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomFillSync,
} from 'node:crypto';
import { PosError } from '../errors.js';
import type { StoredCard } from './types.js';

/** Blob versions: 1, the card as JSON (still read); 2, the compact plaintext below (written). */
const VERSION_JSON = 1;
const VERSION_COMPACT = 2;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;
/** Nonces drawn from the CSPRNG at once: one call per 256 records instead of one per record. */
const NONCE_POOL_BYTES = NONCE_BYTES * 256;

/**
 * AES-256-GCM sealing of the card data a stored message needs to be forwarded.
 * Blob layout: version (1) | nonce (12, fresh random per record) | tag (16) | ciphertext.
 * The plaintext of version 2 is compact (encodeCard): about half of version 1's JSON for a chip
 * card, so a journal row with card data fits a 512-byte page more often (fewer pages per commit).
 * The record id (e.g. `txn:42`, `advice:7`) is bound as AAD, so a blob moved to another
 * record fails authentication. The key is held in memory only, as a KeyObject made once (not
 * re-imported for every record); each record still gets a cipher of its own.
 *
 * Sealing is on the hot path of every offline sale (two seals per enqueue, issue 13), so the
 * nonces come from a pool: 256 nonces' worth of CSPRNG bytes drawn in one call, each 12-byte
 * slice used once. They are as random as one call per record (the same generator), never
 * reused, and not secret (each is stored in clear in its blob).
 */
export class CardVault {
  private readonly key: KeyObject;
  private readonly nonces = Buffer.alloc(NONCE_POOL_BYTES);
  private nonceAt = NONCE_POOL_BYTES;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32) {
      throw new PosError('JOURNAL_KEY', 'journal key must be 32 bytes', { length: key?.length });
    }
    this.key = createSecretKey(key);
  }

  seal(recordId: string, card: StoredCard): Buffer {
    const plain = encodeCard(checkCardData(card));
    const blob = Buffer.alloc(HEADER_BYTES + plain.length); // GCM: ciphertext length = plain
    blob[0] = VERSION_COMPACT;
    const nonce = this.nextNonceInto(blob);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(recordId, 'utf8'));
    const body = cipher.update(plain);
    cipher.final(); // GCM is a stream mode: final() adds no bytes, it computes the tag
    plain.fill(0);
    body.copy(blob, HEADER_BYTES);
    cipher.getAuthTag().copy(blob, 1 + NONCE_BYTES);
    return blob;
  }

  /** Copies the next unused nonce of the pool into blob's nonce field (refilling the pool when spent). */
  private nextNonceInto(blob: Buffer): Buffer {
    if (this.nonceAt + NONCE_BYTES > this.nonces.length) {
      randomFillSync(this.nonces);
      this.nonceAt = 0;
    }
    const used = this.nonces.subarray(this.nonceAt, this.nonceAt + NONCE_BYTES);
    this.nonceAt += NONCE_BYTES;
    used.copy(blob, 1);
    return blob.subarray(1, 1 + NONCE_BYTES);
  }

  open(recordId: string, blob: Uint8Array): StoredCard {
    const buf = Buffer.from(blob);
    const version = buf[0];
    if (buf.length <= HEADER_BYTES || (version !== VERSION_JSON && version !== VERSION_COMPACT)) {
      throw new PosError('JOURNAL_RECORD_CORRUPT', 'encrypted card record is malformed', {
        key: recordId,
        length: buf.length,
      });
    }
    const nonce = buf.subarray(1, 1 + NONCE_BYTES);
    const tag = buf.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    // GCM is a stream mode: update() gives all the plaintext, final() only checks the tag. What
    // update() gave is wiped when the tag check fails too (unauthenticated plaintext).
    let plain: Buffer | undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
      decipher.setAAD(Buffer.from(recordId, 'utf8'));
      decipher.setAuthTag(tag);
      plain = decipher.update(buf.subarray(HEADER_BYTES));
      decipher.final();
    } catch (e) {
      plain?.fill(0);
      throw new PosError(
        'JOURNAL_RECORD_AUTH',
        'encrypted card record failed authentication (tampered, wrong key or moved)',
        { key: recordId },
        { cause: e },
      );
    }
    try {
      return checkCardData(
        version === VERSION_COMPACT ? decodeCard(plain) : JSON.parse(plain.toString('utf8')),
      );
    } catch (_e) {
      throw new PosError('JOURNAL_RECORD_CORRUPT', 'decrypted card record is not valid', { key: recordId });
    } finally {
      plain.fill(0);
    }
  }
}

/** `=`, between the digits-only parts of the compact plaintext. */
const SEP = 0x3d;

/**
 * The compact plaintext (version 2): `PAN=EXPIRY=PANSEQ`, then, when the card has chip data,
 * `=` and its bytes (not hex). Expiry and sequence are empty when absent. PAN, expiry and
 * sequence are digits only (checkCardData), so the first three `=` are always the separators.
 */
function encodeCard(card: StoredCard): Buffer {
  const head = `${card.pan}=${card.expiry ?? ''}=${card.panSeq ?? ''}`;
  if (card.iccData === undefined) return Buffer.from(head, 'latin1');
  const out = Buffer.alloc(head.length + 1 + card.iccData.length / 2);
  out.write(head, 0, 'latin1');
  out[head.length] = SEP;
  out.write(card.iccData, head.length + 1, 'hex');
  return out;
}

/** The card of a compact plaintext, for checkCardData to validate (any malformation fails there). */
function decodeCard(plain: Buffer): Record<string, string> {
  const a = plain.indexOf(SEP);
  const b = a < 0 ? -1 : plain.indexOf(SEP, a + 1);
  if (b < 0) return {}; // no PAN: refused by checkCardData
  const c = plain.indexOf(SEP, b + 1);
  const card: Record<string, string> = { pan: plain.toString('latin1', 0, a) };
  if (b > a + 1) card.expiry = plain.toString('latin1', a + 1, b);
  const seqEnd = c < 0 ? plain.length : c;
  if (seqEnd > b + 1) card.panSeq = plain.toString('latin1', b + 1, seqEnd);
  if (c >= 0) card.iccData = plain.toString('hex', c + 1).toUpperCase();
  return card;
}

const CARD_KEYS = new Set(['pan', 'expiry', 'panSeq', 'iccData']);

/** Validates card data; refuses anything else (track data, PIN block ...) by construction. */
export function checkCardData(card: unknown): StoredCard {
  if (typeof card !== 'object' || card === null) {
    throw new PosError('JOURNAL_BAD_INPUT', 'card data must be an object');
  }
  for (const k of Object.keys(card)) {
    if (!CARD_KEYS.has(k)) {
      throw new PosError('JOURNAL_SENSITIVE_FIELD', 'card data holds a field the journal does not store', {
        field: k,
      });
    }
  }
  const c = card as Record<string, unknown>;
  const out: StoredCard = { pan: check(c.pan, /^\d{12,19}$/, 'pan') as string };
  if (c.expiry !== undefined) out.expiry = check(c.expiry, /^\d{4}$/, 'expiry');
  if (c.panSeq !== undefined) out.panSeq = check(c.panSeq, /^\d{1,3}$/, 'panSeq');
  if (c.iccData !== undefined) out.iccData = check(c.iccData, /^(?:[0-9A-F]{2})*$/, 'iccData');
  return out;
}

function check(v: unknown, re: RegExp, field: string): string {
  if (typeof v !== 'string' || !re.test(v)) {
    throw new PosError('JOURNAL_BAD_INPUT', `card data ${field} has a bad format`, { field });
  }
  return v;
}
