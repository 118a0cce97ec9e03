/**
 * What the journal accepts as card data (checkCardData), how a sealed record that is not one is
 * refused (CardVault.open), and the settlement tracking record read whole (SettlementStore).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isPosError, type PosError } from '../../src/errors.js';
import { CardVault, checkCardData } from '../../src/journal/CardVault.js';
import { PAN_A, purchaseFields, tempJournal } from './journalFixture.js';

function errorOf(fn: () => unknown): PosError {
  try {
    fn();
  } catch (e) {
    if (isPosError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** A blob in the vault's layout around any plaintext, sealed with `key` for `rid`. */
function sealRaw(key: Buffer, rid: string, plain: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(rid, 'utf8'));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, c.getAuthTag(), body]);
}

describe('checkCardData', () => {
  it('keeps the PAN and the optional expiry, sequence and chip data, nothing else', () => {
    expect(checkCardData({ pan: '621234567890' })).toStrictEqual({ pan: '621234567890' });
    expect(
      checkCardData({ pan: '6212345678901234567', expiry: '3012', panSeq: '1', iccData: '' }),
    ).toStrictEqual({
      pan: '6212345678901234567',
      expiry: '3012',
      panSeq: '1',
      iccData: '',
    });
    expect(checkCardData({ pan: PAN_A, panSeq: '001', iccData: '9F26AB' })).toStrictEqual({
      pan: PAN_A,
      panSeq: '001',
      iccData: '9F26AB',
    });
  });

  it('refuses track data, PIN blocks or any other key by name', () => {
    for (const k of ['track2', 'pinBlock', 'cvv']) {
      const e = errorOf(() => checkCardData({ pan: PAN_A, [k]: 'x' }));
      expect(e.code).toBe('JOURNAL_SENSITIVE_FIELD');
      expect(e.message).toBe('card data holds a field the journal does not store');
      expect(e.context).toEqual({ field: k });
    }
  });

  it('refuses what is not an object, and each field in a bad format, naming it', () => {
    for (const v of [null, 'x', 42]) {
      expect(errorOf(() => checkCardData(v))).toMatchObject({
        code: 'JOURNAL_BAD_INPUT',
        message: 'card data must be an object',
      });
    }
    const bad: [string, Record<string, unknown>][] = [
      ['pan', { pan: '62123456789' }],
      ['pan', { pan: '62123456789012345678' }],
      ['pan', { pan: '6212345678901A' }],
      ['pan', { pan: 6212345678901232 }],
      ['pan', {}],
      ['expiry', { pan: PAN_A, expiry: '301' }],
      ['expiry', { pan: PAN_A, expiry: '30121' }],
      ['panSeq', { pan: PAN_A, panSeq: '0001' }],
      ['panSeq', { pan: PAN_A, panSeq: '' }],
      ['iccData', { pan: PAN_A, iccData: '9F2' }],
      ['iccData', { pan: PAN_A, iccData: '9f26' }],
    ];
    for (const [field, card] of bad) {
      const e = errorOf(() => checkCardData(card));
      expect(e.code, JSON.stringify(card)).toBe('JOURNAL_BAD_INPUT');
      expect(e.message).toBe(`card data ${field} has a bad format`);
      expect(e.context).toEqual({ field });
    }
  });
});

describe('CardVault.open of a record that is not card data', () => {
  const key = randomBytes(32);
  const vault = new CardVault(key);

  it('a header and nothing more is malformed, with the record id and length', () => {
    const blob = vault.seal('txn:1', { pan: PAN_A });
    const e = errorOf(() => vault.open('txn:1', blob.subarray(0, 29)));
    expect(e).toMatchObject({
      code: 'JOURNAL_RECORD_CORRUPT',
      message: 'encrypted card record is malformed',
    });
    expect(e.context).toEqual({ key: 'txn:1', length: 29 });
  });

  it('authentic but not JSON, or JSON holding track data: corrupt, never returned', () => {
    for (const plain of ['not json', JSON.stringify({ pan: PAN_A, track2: `${PAN_A}D3012` })]) {
      const e = errorOf(() => vault.open('advice:3', sealRaw(key, 'advice:3', plain)));
      expect(e).toMatchObject({
        code: 'JOURNAL_RECORD_CORRUPT',
        message: 'decrypted card record is not valid',
      });
      expect(e.context).toEqual({ key: 'advice:3' });
    }
    expect(vault.open('advice:3', sealRaw(key, 'advice:3', JSON.stringify({ pan: PAN_A })))).toEqual({
      pan: PAN_A,
    });
  });

  it('a failed authentication names the record and keeps the cause', () => {
    const blob = vault.seal('txn:1', { pan: PAN_A });
    const e = errorOf(() => vault.open('txn:2', blob));
    expect(e.code).toBe('JOURNAL_RECORD_AUTH');
    expect(e.message).toBe('encrypted card record failed authentication (tampered, wrong key or moved)');
    expect(e.context).toEqual({ key: 'txn:2' });
    expect((e as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
  });

  it('keeps its own copy of the key, and refuses a key that is not a 32-byte buffer', () => {
    const k = randomBytes(32);
    const v = new CardVault(k);
    const blob = v.seal('txn:1', { pan: PAN_A });
    k.fill(0);
    expect(v.open('txn:1', blob)).toEqual({ pan: PAN_A });
    const e = errorOf(() => new CardVault('x'.repeat(32) as unknown as Buffer));
    expect(e).toMatchObject({ code: 'JOURNAL_KEY', message: 'journal key must be 32 bytes' });
    expect(e.context).toEqual({ length: 32 });
    expect(errorOf(() => new CardVault(undefined as unknown as Buffer)).context).toEqual({
      length: undefined,
    });
  });
});

describe('the settlement tracking record', () => {
  let fx: ReturnType<typeof tempJournal> | undefined;
  afterEach(() => {
    fx?.cleanup();
    fx = undefined;
  });

  it('online: authorised at the answer; offline: at the approval, queued until forwarded; the batch once settled', () => {
    fx = tempJournal();
    const j = fx.journal;
    const t0 = fx.clock.now();
    const online = j.begin({
      kind: 'purchase',
      amountMinor: 1000,
      card: { pan: PAN_A },
      fields: purchaseFields,
    });
    j.markSent(online.id);
    fx.clock.advance(5_000);
    j.recordAnswer(online.id, { responseCode: '00', rrn: '000000000001', authCode: 'A1B2C3' });
    fx.clock.advance(60_000);
    const { txn: off, advice } = j.enqueueAdvice({
      amountMinor: 2000,
      authCode: 'Y00001',
      card: { pan: PAN_A },
      fields: purchaseFields,
    });
    fx.clock.advance(120_000);
    j.adviceAttempt(advice.id);
    j.adviceResult(advice.id, { responseCode: '00', rrn: '000000000002' });
    const tracked = j.trackedSettlements(0);
    expect(tracked).toStrictEqual([
      {
        txnId: online.id,
        rrn: '000000000001',
        kind: 'purchase',
        approvalMode: 'online',
        amountMinor: 1000,
        maskedPan: '621234******1232',
        batch: '000001',
        authorisedAt: t0 + 5_000,
      },
      {
        txnId: off.id,
        rrn: '000000000002',
        kind: 'offline-sale',
        approvalMode: 'offline',
        amountMinor: 2000,
        maskedPan: '621234******1232',
        batch: '000001',
        authorisedAt: t0 + 65_000,
        queuedOffline: { from: t0 + 65_000, forwardedAt: t0 + 185_000 },
      },
    ]);
    fx.clock.advance(1_000);
    j.settlementAttempt('000001');
    fx.clock.advance(1_000);
    j.closeBatch('000001');
    expect(j.trackedSettlements(0).map((t) => t.batchSettledAt)).toEqual([t0 + 186_000, t0 + 186_000]);
    expect(j.trackedSettlements(t0).map((t) => t.txnId)).toEqual([online.id, off.id]);
    expect(j.trackedSettlements(t0 + 1).map((t) => t.txnId)).toEqual([off.id]);
    expect(j.settlementInquiriesSince(0)).toEqual([]);
  });
});
