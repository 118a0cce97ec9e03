import { existsSync, readFileSync } from 'node:fs';
import { maskPan, maskTrack } from '../../src/mask.js';

/** A secret to look for: a PAN (digits) or a track 2 ('=' or 'D' separator). */
export type CardSecret = string;

export interface CardDataHit {
  path: string;
  /** masked form of the secret that was found (never the secret itself) */
  secret: string;
  encoding: 'ascii' | 'utf16le' | 'bcd' | 'bcd-shifted';
  /** byte offset of the hit */
  offset: number;
}

/**
 * Scans files for card data in the encodings it could be written in: ASCII, UTF-16LE and packed
 * BCD nibbles at any nibble alignment (so left- or right-justified packing, 'F' or '0' padding,
 * and the track separator as nibble D are all covered). Missing files are skipped. Hits name the
 * secret masked, so test output never shows card data.
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
    for (const secret of secrets) {
      const label = /^\d+$/.test(secret) ? maskPan(secret) : maskTrack(secret);
      for (const text of textForms(secret)) {
        for (const [encoding, needle] of [
          ['ascii', Buffer.from(text, 'latin1')],
          ['utf16le', Buffer.from(text, 'utf16le')],
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
