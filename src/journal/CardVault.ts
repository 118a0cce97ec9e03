import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PosError } from '../errors.js';
import type { StoredCard } from './types.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/**
 * AES-256-GCM sealing of the card data a stored message needs to be forwarded.
 * Blob layout: version (1) | nonce (12, fresh random per record) | tag (16) | ciphertext.
 * The record id (e.g. `txn:42`, `advice:7`) is bound as AAD, so a blob moved to another
 * record fails authentication. The key is held in memory only.
 */
export class CardVault {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32) {
      throw new PosError('JOURNAL_KEY', 'journal key must be 32 bytes', { length: key?.length });
    }
    this.key = Buffer.from(key);
  }

  seal(recordId: string, card: StoredCard): Buffer {
    const plain = Buffer.from(JSON.stringify(checkCardData(card)), 'utf8');
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(recordId, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(recordId: string, blob: Uint8Array): StoredCard {
    const buf = Buffer.from(blob);
    if (buf.length <= HEADER_BYTES || buf[0] !== VERSION) {
      throw new PosError('JOURNAL_RECORD_CORRUPT', 'encrypted card record is malformed', {
        key: recordId,
        length: buf.length,
      });
    }
    const nonce = buf.subarray(1, 1 + NONCE_BYTES);
    const tag = buf.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
      decipher.setAAD(Buffer.from(recordId, 'utf8'));
      decipher.setAuthTag(tag);
      plain = Buffer.concat([decipher.update(buf.subarray(HEADER_BYTES)), decipher.final()]);
    } catch (e) {
      throw new PosError(
        'JOURNAL_RECORD_AUTH',
        'encrypted card record failed authentication (tampered, wrong key or moved)',
        { key: recordId },
        { cause: e },
      );
    }
    try {
      return checkCardData(JSON.parse(plain.toString('utf8')));
    } catch (_e) {
      throw new PosError('JOURNAL_RECORD_CORRUPT', 'decrypted card record is not valid', { key: recordId });
    } finally {
      plain.fill(0);
    }
  }
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
