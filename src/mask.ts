/**
 * Card data masking, shared by every output path (describe, logs, events, CLI, reports).
 * At most the first 6 and last 4 PAN digits are ever shown.
 */
export function maskPan(pan: string): string {
  const digits = pan.replace(/[^0-9]/g, '');
  if (digits.length < 13) return '*'.repeat(digits.length);
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}

/** Track 2 (or equivalent): never shown, only its length. */
export function maskTrack(track: string): string {
  return `[track data, ${track.length} chars hidden]`;
}

/** Any hidden binary blob (PIN block, chip data). */
export function maskHidden(what: string, byteLength: number): string {
  return `[${what}, ${byteLength} bytes hidden]`;
}

/**
 * Mask PAN-like digit runs (13-19 digits) in free text. Luhn is not required: test and
 * malformed PANs must not leak either, and a masked merchant id is a price worth paying.
 */
export function maskPansInText(text: string): string {
  return text.replace(/(?<!\d)\d{13,19}(?!\d)/g, maskPan);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}
