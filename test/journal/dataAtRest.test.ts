import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewTxn } from '../../src/journal/index.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { ICC, PAN_A, PAN_B, purchaseFields, TRACK_A, tempJournal } from './journalFixture.js';

const TRACK_B = `${PAN_B}D30121010000000000`;
const SECRETS = [PAN_A, PAN_B, TRACK_A, TRACK_B];

let fx: ReturnType<typeof tempJournal>;
afterEach(() => fx?.cleanup());

const files = () => [fx.path, `${fx.path}-wal`, `${fx.path}-shm`];

describe('scanFilesForCardData', () => {
  it('finds a PAN as ASCII, UTF-16 and packed BCD (both alignments) and a track with either separator', () => {
    fx = tempJournal();
    const p = join(fx.dir, 'leak.bin');
    const bcdOdd = Buffer.from(`0${PAN_B}`, 'hex'); // right-justified, 19 digits
    const bcdShifted = Buffer.from(`${PAN_B}F`, 'hex'); // left-justified, F pad
    const trackBcd = Buffer.from(`${TRACK_A.replace('=', 'D')}F`.slice(0, 34), 'hex');
    writeFileSync(
      p,
      Buffer.concat([
        Buffer.from(`xx${PAN_A}yy`),
        Buffer.from(PAN_A, 'hex'),
        Buffer.from(PAN_A, 'utf16le'),
        bcdOdd,
        bcdShifted,
        Buffer.from(TRACK_B.replace('D', '=')),
        trackBcd,
      ]),
    );
    const hits = scanFilesForCardData([p, join(fx.dir, 'missing')], SECRETS);
    const kinds = hits.map((h) => `${h.secret}:${h.encoding}`);
    expect(kinds).toContain('621234******1232:ascii');
    expect(kinds).toContain('621234******1232:utf16le');
    expect(kinds).toContain('621234******1232:bcd');
    expect(kinds).toContain('625809*********0123:bcd');
    expect(kinds).toContain('625809*********0123:bcd-shifted');
    expect(hits.filter((h) => h.secret.startsWith('[track')).map((h) => h.encoding)).toEqual(
      expect.arrayContaining(['ascii', 'bcd']),
    );
    expect(JSON.stringify(hits)).not.toContain(PAN_A); // hits never show the secret
  });
});

describe('card data at rest', () => {
  function workload() {
    const j = fx.journal;
    const card = (pan: string) => ({ pan, expiry: '3012', panSeq: '001', iccData: ICC });
    const purchase = (pan: string): NewTxn => ({
      kind: 'purchase',
      amountMinor: 100,
      card: card(pan),
      fields: purchaseFields,
    });
    // track data and PIN blocks have no place in the API
    const withTrack = { ...purchase(PAN_A), card: { ...card(PAN_A), track2: TRACK_A } } as unknown as NewTxn;
    expect(() => j.begin(withTrack)).toThrow(expect.objectContaining({ code: 'JOURNAL_SENSITIVE_FIELD' }));
    expect(() => j.begin({ ...purchase(PAN_A), fields: { 35: TRACK_A } })).toThrow(
      expect.objectContaining({ code: 'JOURNAL_SENSITIVE_FIELD' }),
    );
    const ids = { approved: [] as number[], reversal: [] as number[], advices: [] as number[] };
    for (let i = 0; i < 20; i++) {
      for (const pan of [PAN_A, PAN_B]) {
        const t = j.begin(purchase(pan));
        j.markSent(t.id);
        if (i % 4 === 0) {
          j.recordNoAnswer(t.id, '98');
          ids.reversal.push(t.id);
        } else {
          j.recordAnswer(t.id, { responseCode: i % 3 ? '00' : '05', rrn: String(100000000000 + i) });
          ids.approved.push(t.id);
        }
        ids.advices.push(
          j.enqueueAdvice({ amountMinor: 50, authCode: 'OFF1', card: card(pan), fields: {} }).advice.id,
        );
      }
    }
    return ids;
  }

  it('is never in clear in the .db, -wal or -shm, even before it is finished', () => {
    fx = tempJournal();
    workload();
    expect(scanFilesForCardData(files(), SECRETS)).toEqual([]);
    fx.journal.close();
    expect(scanFilesForCardData(files(), SECRETS)).toEqual([]);
    fx.reopen();
  });

  it('after finishing and purge, no card data and no ciphertext remain; masked PANs stay', () => {
    fx = tempJournal();
    const ids = workload();
    // remember the ciphertexts, to prove purge really erased them
    const db = (fx.journal as unknown as { ctx: { db: Database.Database } }).ctx.db;
    const blobs = (
      db
        .prepare(
          'SELECT card_blob AS b FROM txns WHERE card_blob IS NOT NULL UNION ALL SELECT card_blob FROM advices',
        )
        .all() as {
        b: Buffer;
      }[]
    ).map((r) => r.b);
    expect(blobs.length).toBeGreaterThan(40);
    for (const id of ids.reversal) {
      fx.journal.reversalAttempt(id);
      fx.journal.reversalResult(id, '00');
    }
    for (const id of ids.advices) {
      fx.journal.adviceAttempt(id);
      fx.journal.adviceResult(id, { responseCode: '00' });
    }
    expect(fx.journal.purge()).toMatchObject({ walTruncated: true });
    expect(fx.journal.listTransactions({ limit: 1000 }).filter((t) => t.hasCardData)).toEqual([]);
    expect(fx.journal.listQueue().filter((a) => a.hasCardData)).toEqual([]);
    expect(fx.journal.get(ids.approved[0])?.maskedPan).toMatch(/^\d{6}\*+\d{4}$/);
    // while still open (the WAL would otherwise hold old page versions until a checkpoint)
    const leftovers = () =>
      files().flatMap((f) => {
        try {
          const bytes = readFileSync(f);
          return blobs.filter((b) => bytes.includes(b.subarray(13, 45))).map(() => f);
        } catch {
          return [];
        }
      });
    expect(leftovers()).toEqual([]);
    expect(scanFilesForCardData(files(), SECRETS)).toEqual([]);
    fx.journal.close();
    expect(leftovers()).toEqual([]);
    expect(scanFilesForCardData(files(), SECRETS)).toEqual([]);
    fx.reopen();
  });
});
