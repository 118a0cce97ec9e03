import { existsSync, readFileSync } from 'node:fs';
import { maskPan, maskTrack } from '../../src/mask.js';

/** A secret to look for: a PAN (digits) or a track 2 ('=' or 'D' separator). */
export type CardSecret = string;

export interface CardDataHit {
  path: string;
  /** masked form of the secret that was found (never the secret itself) */
  secret: string;
  encoding:
    | 'ascii'
    | 'utf16le'
    | 'utf16be'
    | 'bcd'
    | 'bcd-shifted'
    | 'hex-of-text'
    | 'base64-of-text'
    | 'base64-of-bcd';
  /** byte offset of the hit */
  offset: number;
}

/**
 * Scans files for card data in the encodings it could be written in: ASCII, UTF-16 (LE and BE),
 * packed BCD nibbles at any nibble alignment (so left- or right-justified packing, 'F' or '0'
 * padding, and the track separator as nibble D are all covered), the hex of the text (either
 * case), and base64 / base64url of the text or of the BCD bytes at every byte alignment. Missing
 * files are skipped. Hits name the secret masked, so test output never shows card data.
 */
export function scanFilesForCardData(
  paths: readonly string[],
  secrets: readonly CardSecret[],
): CardDataHit[] {
  const hits: CardDataHit[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    const hex = bytes.toString('hex').toUpperCase();
    const latin1 = bytes.toString('latin1');
    const lower = latin1.toLowerCase();
    const find = (hay: string, needle: string, encoding: CardDataHit['encoding'], label: string) => {
      for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1))
        hits.push({ path, secret: label, encoding, offset: at });
    };
    for (const secret of secrets) {
      const label = /^\d+$/.test(secret) ? maskPan(secret) : maskTrack(secret);
      for (const text of textForms(secret)) {
        find(lower, Buffer.from(text, 'latin1').toString('hex'), 'hex-of-text', label);
        for (const b64 of base64Inner(Buffer.from(text, 'latin1')))
          find(latin1, b64, 'base64-of-text', label);
        for (const [encoding, needle] of [
          ['ascii', Buffer.from(text, 'latin1')],
          ['utf16le', Buffer.from(text, 'utf16le')],
          ['utf16be', Buffer.from(text, 'utf16le').swap16()],
        ] as const) {
          for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
            hits.push({ path, secret: label, encoding, offset: at });
          }
        }
      }
      const nibbles = secret.toUpperCase().replace(/=/g, 'D');
      if (!/^[0-9D]+$/.test(nibbles)) continue;
      for (let at = hex.indexOf(nibbles); at !== -1; at = hex.indexOf(nibbles, at + 1)) {
        hits.push({ path, secret: label, encoding: at % 2 === 0 ? 'bcd' : 'bcd-shifted', offset: at >> 1 });
      }
      // the BCD bytes wholly inside the secret, at both nibble alignments, in base64
      for (const from of [0, 1]) {
        const whole = nibbles.slice(from, from + ((nibbles.length - from) & ~1));
        for (const b64 of base64Inner(Buffer.from(whole, 'hex'))) find(latin1, b64, 'base64-of-bcd', label);
      }
    }
  }
  return hits;
}

/** The secret as written, and with the track separator in its other usual forms. */
function textForms(secret: string): string[] {
  if (!/[=Dd]/.test(secret)) return [secret];
  const base = secret.replace(/[=Dd]/g, '=');
  return [...new Set([base, base.replace(/=/g, 'D'), base.replace(/=/g, 'd')])];
}

/**
 * The base64 (and base64url) characters that depend only on `secret`, for each of the three
 * byte alignments it can have inside a longer blob.
 */
function base64Inner(secret: Buffer): string[] {
  const out = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), secret]).toString('base64');
    const inner = b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + secret.length)) / 6));
    if (inner.length < 8) continue;
    out.add(inner);
    out.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}
