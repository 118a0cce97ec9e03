/**
 * Redaction for everything that leaves the terminal in a support bundle: known secrets (the
 * TMK, the journal key) removed in hex (either case) and base64; tokens in UTF-16, base64 or the
 * hex of text whose decoded bytes hold a digit run, BCD digits, a track or a key removed whole;
 * track 2 shapes removed; PAN-like digit runs masked (first 6, last 4); long hex runs removed (a
 * key, a PIN block or a raw message in a debug line); fields named like key material dropped
 * from JSON. Counts what it did.
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
/** 16 to 31 hex digits: the hex of a PAN written as text fits (checked decoded) */
const SHORT_HEX = /(?<![0-9A-Za-z])[0-9A-Fa-f]{16,31}(?![0-9A-Za-z])/g;
/** a base64 or base64url token long enough to hold a BCD card number (checked decoded) */
const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{10,}={0,2}(?![A-Za-z0-9+/_=-])/g;
/** printable ASCII written as UTF-16 (little or big endian), read as text: every other char NUL */
const UTF16LE = /(?:[\x20-\x7e]\x00){8,}/g;
const UTF16BE = /(?:\x00[\x20-\x7e]){8,}/g;
/** what makes decoded bytes card data: a digit run as text, or 13+ BCD digit nibbles */
const DIGITS_AS_TEXT = /\d{13,}/;
/** BCD packing starts on a byte: 13+ decimal nibbles from an even nibble offset */
const BCD_DIGITS = /^(?:[0-9a-f]{2})*?\d{13}/;
/** error codes and identifiers (HOST_UNREACHABLE, settlementStatusInquiry) are not base64 */
const IDENTIFIER = /^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:[A-Z][a-z]+)+)$/;
/** a TLS SPKI pin (SHA-256 of a public key, base64): public, kept in JSON fields named pin */
const SPKI_PIN = /^[A-Za-z0-9+/]{43}=$/;
const PIN_FIELD = /^(serverPin|pins)$/;

export interface RedactionCounts {
  secrets: number;
  /** card data or keys inside base64, hex-of-text or UTF-16 */
  encoded: number;
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
  readonly counts: RedactionCounts = { secrets: 0, encoded: 0, track: 0, pans: 0, hex: 0, fields: 0 };
  private readonly secrets: RegExp | undefined;
  private readonly rawSecrets: readonly Buffer[];

  /** secrets: binary keys to remove in every form (the TMK, the journal key). */
  constructor(secrets: readonly Buffer[] = []) {
    this.rawSecrets = secrets;
    const forms = secrets.flatMap(secretForms).sort((a, b) => b.length - a.length);
    this.secrets = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'gi') : undefined;
  }

  /** Whether decoded bytes hold card data or a key: digits as text, BCD digits, a known key. */
  private sensitive(bytes: Buffer): boolean {
    const text = bytes.toString('latin1');
    TRACK2.lastIndex = 0;
    if (DIGITS_AS_TEXT.test(text) || TRACK2.test(text)) return true;
    if (BCD_DIGITS.test(bytes.toString('hex'))) return true;
    if (this.secrets?.test(text)) return true;
    if (this.secrets) this.secrets.lastIndex = 0;
    return this.rawSecrets.some((k) => bytes.includes(k));
  }

  /** Card data or keys hidden in UTF-16, base64 or the hex of text: the whole token goes. */
  private encoded(s: string): string {
    const drop = (what: string) => () => {
      this.counts.encoded++;
      return `[${what} removed]`;
    };
    const utf16 = (token: string) => {
      const plain = token.replace(/\x00/g, '');
      return new Redactor(this.rawSecrets).text(plain) !== plain;
    };
    let out = s.replace(UTF16LE, (t) => (utf16(t) ? drop('utf-16')() : t));
    out = out.replace(UTF16BE, (t) => (utf16(t) ? drop('utf-16')() : t));
    // 13 to 19 digits are a PAN run (masked below); 20 or more may be the hex of digits as text
    const panRun = (t: string) => /^\d+$/.test(t) && t.length <= 19;
    out = out.replace(SHORT_HEX, (t) =>
      t.length % 2 === 0 && !panRun(t) && this.sensitive(Buffer.from(t, 'hex')) ? drop('hex')() : t,
    );
    return out.replace(BASE64, (t) => {
      // digits only: a PAN run (masked below); hex only: the hex rules
      if (/^\d+$/.test(t) || /^[0-9A-Fa-f]+$/.test(t) || IDENTIFIER.test(t)) return t;
      // 10 or 11 characters only with padding (a 7-byte BCD card number); shorter words stay
      if (t.length < 12 && !t.endsWith('=')) return t;
      const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      return this.sensitive(b) ? drop('base64')() : t;
    });
  }

  text(s: string): string {
    let out = s;
    if (this.secrets) {
      out = out.replace(this.secrets, () => {
        this.counts.secrets++;
        return '[key removed]';
      });
    }
    out = this.encoded(out);
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
  value(v: unknown, key?: string): unknown {
    if (typeof v === 'string') return key && PIN_FIELD.test(key) && SPKI_PIN.test(v) ? v : this.text(v);
    if (Array.isArray(v) && key && PIN_FIELD.test(key)) return v.map((x) => this.value(x, key));
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (KEY_FIELD.test(k) && (typeof x === 'string' || Buffer.isBuffer(x))) {
          this.counts.fields++;
          continue;
        }
        out[k] = this.value(x, k);
      }
      return out;
    }
    return v;
  }
}
