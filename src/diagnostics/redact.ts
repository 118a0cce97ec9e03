/**
 * Redaction for everything that leaves the terminal in a support bundle: known secrets (the
 * TMK, the journal key) removed in hex (either case) and base64; track 2 shapes removed; PAN-like
 * digit runs masked (first 6, last 4); long hex runs removed (a key, a PIN block or a raw message
 * in a debug line); fields named like key material dropped from JSON. Counts what it did.
 */
import { maskPan } from '../mask.js';

const KEY_FIELD =
  /^(tmk|mak|pik|tpk|tak|zmk|key|keyHex|workingKeys?|pinBlock|track2?|track2Data|cvv2?|pan|cardBlob|panBlob)$/i;
/** track 2 as written: PAN, separator (= or D), YYMM and more digits */
const TRACK2 = /(?<!\d)\d{12,19}[=Dd]\d{4,}F?(?![0-9A-Fa-f])/g;
/** PAN-like: 13 to 19 digits in a row (as maskPansInText; Luhn not required) */
const PAN_RUN = /(?<!\d)\d{13,19}(?!\d)/g;
/** 32 or more hex digits in a row */
const LONG_HEX = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])/g;

export interface RedactionCounts {
  secrets: number;
  track: number;
  pans: number;
  hex: number;
  fields: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The forms a binary secret can be written in: hex (both cases), base64, base64url. */
export function secretForms(secret: Buffer): string[] {
  const hex = secret.toString('hex');
  const b64 = secret.toString('base64');
  return [
    ...new Set([hex, hex.toUpperCase(), b64, b64.replace(/=+$/, ''), secret.toString('base64url')]),
  ].filter((s) => s.length >= 8);
}

export class Redactor {
  readonly counts: RedactionCounts = { secrets: 0, track: 0, pans: 0, hex: 0, fields: 0 };
  private readonly secrets: RegExp | undefined;

  /** secrets: binary keys to remove in every form (the TMK, the journal key). */
  constructor(secrets: readonly Buffer[] = []) {
    const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
    this.secrets = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'gi') : undefined;
  }

  text(s: string): string {
    let out = s;
    if (this.secrets) {
      out = out.replace(this.secrets, () => {
        this.counts.secrets++;
        return '[key removed]';
      });
    }
    out = out.replace(TRACK2, () => {
      this.counts.track++;
      return '[track data removed]';
    });
    out = out.replace(LONG_HEX, () => {
      this.counts.hex++;
      return '[hex removed]';
    });
    return out.replace(PAN_RUN, (run: string, at: number, all: string) => {
      // a log line's own time stamp ("time":1764486608000) is not a card number
      if (run.length === 13 && all.slice(Math.max(0, at - 7), at) === '"time":') return run;
      this.counts.pans++;
      return maskPan(run);
    });
  }

  /** A JSON value with fields named like key material dropped and every string redacted. */
  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (KEY_FIELD.test(k) && (typeof x === 'string' || Buffer.isBuffer(x))) {
          this.counts.fields++;
          continue;
        }
        out[k] = this.value(x);
      }
      return out;
    }
    return v;
  }
}
