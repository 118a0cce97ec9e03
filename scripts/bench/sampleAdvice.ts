/** The offline sale bench:queue enqueues (and its I/O probe traces): a chip card, typical fields. */
import type { Journal } from '../../src/journal/index.js';

export const SAMPLE_CARD = {
  pan: '6212345678901232',
  expiry: '3012',
  panSeq: '001',
  iccData: '9F2608A1B2C3D4E5F607',
};
export const SAMPLE_FIELDS = {
  3: '000000',
  4: '000000001000',
  22: '051',
  25: '00',
  41: '12345678',
  60: '30',
};

/** One durable enqueue (one commit). */
export function enqueueSample(journal: Journal): void {
  journal.enqueueAdvice({ amountMinor: 1000, authCode: 'OFF001', card: SAMPLE_CARD, fields: SAMPLE_FIELDS });
}
