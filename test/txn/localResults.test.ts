/**
 * The engine's local answers, whole: what the till shows when the terminal decides without the
 * host (refusals, card read outcomes), and which card fields go to the wire, the journal or nowhere.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profile/loadProfile.js';
import type { CardReadResult } from '../../src/txn/ports.js';
import { cancelledResult, readCardFor } from '../../src/txn/readCardFor.js';
import { amountLimitRefusal, diskFullRefusal, refundRefusal, voidRefusal } from '../../src/txn/refusals.js';
import { fromJournal, splitForJournal, viewCard } from '../../src/txn/requestFields.js';
import { CHIP_CARD, FakeReader } from './fakes.js';

const refused = (kind: string, code: string, en: string, zh: string, extra: object = {}) => ({
  id: 0,
  kind,
  outcome: 'failed',
  textEn: en,
  textZh: zh,
  reason: { code, message: en },
  timings: {},
  ...extra,
});

const none = { refundedMinor: 0, refunds: 0, voids: 0 };

describe('refusals', () => {
  it('amount limit: none set, at the limit and one fen over', () => {
    const p = loadProfile('emulator');
    delete p.limits;
    expect(amountLimitRefusal(p, 'purchase', 999_999_999_999)).toBeUndefined();
    p.limits = { maxSaleMinor: 1000 };
    expect(amountLimitRefusal(p, 'refund', 1000)).toBeUndefined();
    expect(amountLimitRefusal(p, 'refund', 1001)).toEqual(
      refused(
        'refund',
        'TXN_AMOUNT_LIMIT',
        "amount above this terminal's limit of 10.00 per transaction",
        '金额超过单笔限额 10.00',
        { amountMinor: 1001 },
      ),
    );
  });

  it('refund: after a void (flag or a void row), beyond what remains, up to what remains', () => {
    const voided = refused('refund', 'TXN_ALREADY_VOIDED', 'the purchase is voided', '原交易已撤销', {
      amountMinor: 100,
    });
    expect(refundRefusal({ amountMinor: 1000, voided: true }, none, 100)).toEqual(voided);
    expect(refundRefusal({ amountMinor: 1000, voided: false }, { ...none, voids: 1 }, 100)).toEqual(voided);
    const used = { refundedMinor: 700, refunds: 1, voids: 0 };
    expect(refundRefusal({ amountMinor: 1000, voided: false }, used, 300)).toBeUndefined();
    expect(refundRefusal({ amountMinor: 1000, voided: false }, used, 301)).toEqual(
      refused(
        'refund',
        'TXN_REFUND_TOO_LARGE',
        'refund above what remains of the original: 3.00 left',
        '退货金额超过原交易可退余额,剩余 3.00',
        { amountMinor: 301 },
      ),
    );
    // more refunded than the original (cannot happen through the engine): nothing remains, never negative
    const over = refundRefusal({ amountMinor: 1000, voided: false }, { ...used, refundedMinor: 1200 }, 1);
    expect(over?.textEn).toBe('refund above what remains of the original: 0.00 left');
  });

  it('void: after a void (flag or a void row), after a refund, else allowed', () => {
    const voided = refused('void', 'TXN_ALREADY_VOIDED', 'the purchase is already voided', '原交易已撤销');
    expect(voidRefusal({ voided: true }, none)).toEqual(voided);
    expect(voidRefusal({ voided: false }, { ...none, voids: 1 })).toEqual(voided);
    expect(voidRefusal({ voided: false }, { refundedMinor: 1, refunds: 1, voids: 0 })).toEqual(
      refused(
        'void',
        'TXN_ALREADY_REFUNDED',
        'the purchase has a refund: it cannot be voided',
        '原交易已退货,不能撤销',
      ),
    );
    expect(voidRefusal({ voided: false }, none)).toBeUndefined();
  });

  it('disk full: says whether a reversal is held (06)', () => {
    const en = 'storage is full: the journal cannot record transactions; free space on the terminal';
    expect(diskFullRefusal('void', 500, true)).toEqual(
      refused('void', 'JOURNAL_DISK_FULL', en, '存储空间不足,暂停交易', {
        amountMinor: 500,
        reversalPending: { reason: '06' },
      }),
    );
    expect(diskFullRefusal('inquiry', undefined, false)).toEqual(
      refused('inquiry', 'JOURNAL_DISK_FULL', en, '存储空间不足,暂停交易', {
        amountMinor: undefined,
        reversalPending: undefined,
      }),
    );
  });
});

describe('readCardFor', () => {
  const profile = loadProfile('emulator');

  it('asks the reader for the amount, the type and the profile timeout, with the signal', async () => {
    const reader = new FakeReader();
    const signal = new AbortController().signal;
    const r = await readCardFor({ reader, profile }, 4321, 'refund', { signal });
    expect(r).toEqual({ card: CHIP_CARD, cardMs: 5 });
    expect(reader.asked).toEqual([
      { amountMinor: 4321, type: 'refund', timeoutS: profile.reader.tapTimeoutS, signal },
    ]);
  });

  it('each outcome without a card is a local result of the right kind, code and texts', async () => {
    const cases: [CardReadResult, string, 'declined' | 'failed', string, string][] = [
      [
        { outcome: 'no-card', reason: 't' },
        'READER_NO_CARD',
        'declined',
        'no card presented',
        '未检测到卡片',
      ],
      [
        { outcome: 'declined', reason: 'aac' },
        'READER_DECLINED',
        'declined',
        'declined by the card',
        '卡片拒绝',
      ],
      [{ outcome: 'cancelled', reason: 'c' }, 'READER_CANCELLED', 'declined', 'cancelled', '交易已取消'],
      [{ outcome: 'failed', reason: 'x' }, 'READER_FAILED', 'declined', 'card read failed', '读卡失败'],
      [
        { outcome: 'unavailable', reason: 'unplugged' },
        'READER_UNAVAILABLE',
        'failed',
        'card reader unavailable, check its connection',
        '读卡器不可用, 请检查连接',
      ],
      // an outcome the engine does not know is a failed read
      [{ outcome: 'odd', reason: '?' } as never, 'READER_FAILED', 'declined', 'card read failed', '读卡失败'],
    ];
    for (const [type, kind] of [
      ['purchase', 'purchase'],
      ['refund', 'refund'],
      ['inquiry', 'inquiry'],
    ] as const) {
      for (const [result, code, outcome, en, zh] of cases) {
        const reader = new FakeReader();
        reader.next.push(result);
        const r = await readCardFor({ reader, profile }, 700, type);
        expect(r).toEqual({
          result: { ...refused(kind, code, en, zh, { amountMinor: 700 }), outcome },
        });
      }
    }
  });

  it('aborted before the read: cancelled, the reader is not asked', async () => {
    const reader = new FakeReader();
    const ac = new AbortController();
    ac.abort();
    const steps: string[] = [];
    const r = await readCardFor({ reader, profile }, 900, 'inquiry', {
      signal: ac.signal,
      onStep: (s) => steps.push(s),
    });
    expect(r).toEqual({ result: cancelledResult('inquiry', 900) });
    expect(reader.reads).toBe(0);
    expect(steps).toEqual([]);
    expect(cancelledResult('refund', 900)).toEqual({
      ...refused('refund', 'READER_CANCELLED', 'cancelled', '交易已取消', { amountMinor: 900 }),
      outcome: 'declined',
    });
  });
});

describe('request fields', () => {
  it('viewCard: chip data and read capability by interface; no PIN pad; magstripe sends no chip data', () => {
    const common = {
      pan: CHIP_CARD.pan,
      track2: CHIP_CARD.track2,
      expiry: CHIP_CARD.expiry,
      pinCapability: '2',
    };
    const chip = { panSequence: '001', iccData: CHIP_CARD.iccData, icCondition: '0' };
    expect(viewCard({ ...CHIP_CARD, entryInterface: 'contact' })).toEqual({
      ...common,
      ...chip,
      entryMode: '05',
      readCapability: '5',
    });
    expect(viewCard({ ...CHIP_CARD, entryInterface: 'contactless' })).toEqual({
      ...common,
      ...chip,
      entryMode: '07',
      readCapability: '6',
    });
    expect(viewCard({ ...CHIP_CARD, entryInterface: 'magstripe' })).toEqual({
      ...common,
      panSequence: undefined,
      iccData: undefined,
      icCondition: undefined,
      entryMode: '02',
      readCapability: undefined,
    });
  });

  it('splitForJournal: card fields sealed or dropped, field 64 dropped, the rest in clear', () => {
    const msg = {
      mti: '0200',
      fields: {
        2: '6212345678901232',
        3: '000000',
        4: '000000000100',
        14: '3012',
        22: '072',
        23: '001',
        35: '6212345678901232D3012',
        36: 'X',
        52: 'PINBLOCK',
        53: '2600000000000000',
        55: '9F2608',
        64: '0000000000000000',
      },
    };
    expect(splitForJournal(msg)).toEqual({
      fields: { 3: '000000', 4: '000000000100', 22: '072' },
      card: { pan: '6212345678901232', expiry: '3012', panSeq: '001', iccData: '9F2608' },
    });
    expect(splitForJournal({ mti: '0200', fields: { 3: '310000', 35: 'T2' } })).toEqual({
      fields: { 3: '310000' },
      card: undefined,
    });
  });

  it('fromJournal: puts back exactly the card fields that were kept', () => {
    const fields = { 3: '000000', 4: '000000000100' };
    expect(
      fromJournal('0400', {
        fields,
        card: { pan: '6212345678901232', expiry: '3012', panSeq: '001', iccData: 'AB' },
      }),
    ).toEqual({
      mti: '0400',
      fields: { ...fields, 2: '6212345678901232', 14: '3012', 23: '001', 55: 'AB' },
    });
    const panOnly = fromJournal('0220', { fields, card: { pan: '6212345678901232' } });
    expect(panOnly).toEqual({ mti: '0220', fields: { ...fields, 2: '6212345678901232' } });
    expect(Object.keys(panOnly.fields)).toEqual(['2', '3', '4']);
    expect(fromJournal('0400', { fields, card: null })).toEqual({ mti: '0400', fields });
  });
});
