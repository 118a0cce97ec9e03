/** Masking of one field value by the dialect's mask kind (PAN, track, PIN block, ICC data). */
import { maskHidden, maskPan, maskTrack } from '../mask.js';
import type { Dialect } from './compileDialect.js';

/** The value as it may be shown: PAN first 6/last 4, track/PIN/ICC data hidden, others as is. */
export function maskField(dialect: Dialect, field: number, value: string): string {
  const mask = dialect.fields[field]?.mask;
  switch (mask) {
    case 'pan':
      return maskPan(value);
    case 'track':
      return maskTrack(value);
    case 'pin':
      return maskHidden('PIN block', value.length >> 1);
    case 'tlv':
      return maskHidden('ICC data', value.length >> 1);
    default:
      return value;
  }
}

/** True when the field carries card data that maskField changes. */
export function isMaskedField(dialect: Dialect, field: number): boolean {
  return dialect.fields[field]?.mask !== undefined;
}
