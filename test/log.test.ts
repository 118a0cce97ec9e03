import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

describe('createLogger', () => {
  it('censors card data keys at any depth and masks PANs in messages', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'posterm-log-')), 'x.log');
    const log = createLogger('test', { destination: file });
    log.info(
      { pan: '6258091234567890123', txn: { track2: '6258091234567890123D3012', stan: '000321' } },
      'tap',
    );
    log.warn({ stan: '000322' }, 'late answer for card 6258091234567890123');
    log.flush();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('6258091234567890123');
    expect(text).toContain('625809*********0123');
    expect(text).toContain('"stan":"000321"');
    expect(text.match(/\[hidden\]/g)?.length).toBe(2);
  });
});
