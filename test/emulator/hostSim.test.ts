import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type HostSim, startHostSim } from '../../src/emulator/hostSim.js';
import { checkValue, unwrapKey } from '../../src/iso8583/crypto/index.js';
import { FakeTerminal, MID, PAN, purchase, responseMacOk, TID, TMK } from './hostSimHelpers.js';

// 2026-01-07 10:00:00 Asia/Shanghai (a Wednesday).
const START = Date.UTC(2026, 0, 7, 2, 0, 0);

let sim: HostSim;
let clock: ManualClock;
let term: FakeTerminal;

beforeEach(async () => {
  clock = new ManualClock(START);
  sim = await startHostSim({ tmk: TMK, clock });
  term = await FakeTerminal.connect(sim.port);
});

afterEach(async () => {
  term.close();
  await sim.close();
});

describe('sign-on', () => {
  it('returns fresh PIK and MAK under the TMK with correct check values', async () => {
    const r = await term.request({
      mti: '0800',
      fields: { 11: '000001', 41: TID, 42: MID, 60: '00000007003', 63: '01 ' },
    });
    expect(r.msg.mti).toBe('0810');
    expect(r.msg.fields).toMatchObject({
      11: '000001',
      39: '00',
      41: TID,
      42: MID,
      60: '00000007003',
      12: '100000',
      13: '0107',
    });
    expect(r.msg.fields[37]).toMatch(/^\d{12}$/);
    expect(r.msg.fields[32]).toMatch(/^\d+$/);
    expect(r.msg.fields[64]).toBeUndefined();
    const f62 = Buffer.from(r.msg.fields[62], 'hex');
    expect(f62).toHaveLength(40);
    const pik = unwrapKey(TMK, f62.subarray(0, 16));
    const mak = unwrapKey(TMK, f62.subarray(20, 36));
    expect(checkValue(pik, 4).equals(f62.subarray(16, 20))).toBe(true);
    expect(checkValue(mak, 4).equals(f62.subarray(36, 40))).toBe(true);
    expect(pik.equals(mak)).toBe(false);
    // TPDU swapped, header echoed with processing requirement 0.
    expect(r.frame.tpdu).toEqual({ id: 0x60, destination: 0x0000, source: 0x0003 });
    expect(r.frame.header.processingRequirement).toBe(0);
    expect(r.frame.header.softwareVersion).toBe('310000');
    // A second sign-on hands out a new MAK.
    await term.signOn();
    const again = await term.signOn();
    expect(Buffer.from(again.msg.fields[62], 'hex').subarray(20, 36).equals(f62.subarray(20, 36))).toBe(
      false,
    );
  });
});

describe('financial rules', () => {
  beforeEach(async () => {
    await term.signOn();
  });

  it('approves a purchase with a MAC the terminal can verify, and records it masked', async () => {
    const r = await term.request(purchase('000101', 12345), term.mak);
    expect(r.msg.mti).toBe('0210');
    expect(r.msg.fields).toMatchObject({
      3: '000000',
      4: '000000012345',
      11: '000101',
      39: '00',
      41: TID,
      25: '00',
    });
    expect(r.msg.fields[38]).toMatch(/^.{6}$/);
    expect(r.msg.fields[37]).toMatch(/^\d{12}$/);
    expect(r.msg.fields[12]).toBe('100000');
    expect(r.msg.fields[13]).toBe('0107');
    expect(r.msg.fields[15]).toBe('0107');
    expect(r.msg.fields[32]).toBeDefined();
    expect(r.msg.fields[44]).toBeDefined();
    expect(responseMacOk(r, term.mak!)).toBe(true);
    const [e] = sim.ledger(TID);
    expect(e).toMatchObject({
      kind: 'purchase',
      stan: '000101',
      amount: 12345,
      rrn: r.msg.fields[37],
      authCode: r.msg.fields[38],
      responseCode: '00',
      reversed: false,
      voided: false,
      advice: false,
      batch: '000001',
      maskedPan: '625809*********0123',
    });
    expect(JSON.stringify(sim.ledger())).not.toContain(PAN);
  });

  it.each(['51', '05', '54', '55', '61', '96', '13'])(
    'amount ending in %s declines with the same code',
    async (code) => {
      const r = await term.request(purchase('000201', Number(`1${code}`)), term.mak);
      expect(r.msg.fields[39]).toBe(code);
      expect(r.msg.fields[38]).toBeUndefined();
      expect(responseMacOk(r, term.mak!)).toBe(true);
      expect(sim.ledger(TID).at(-1)).toMatchObject({ responseCode: code, authCode: '' });
    },
  );

  it('RRNs are unique', async () => {
    const rrns = new Set<string>();
    for (let i = 1; i <= 5; i++)
      rrns.add((await term.request(purchase(`00030${i}`, 100), term.mak)).msg.fields[37]);
    expect(rrns.size).toBe(5);
  });

  it('a bad MAC gets A0 and no ledger entry', async () => {
    const wrong = Buffer.alloc(16, 0x11);
    const r = await term.request(purchase('000401', 100), wrong);
    expect(r.msg.fields[39]).toBe('A0');
    expect(responseMacOk(r, term.mak!)).toBe(true);
    expect(sim.ledger(TID)).toHaveLength(0);
    expect(sim.stats.macFailures).toBe(1);
  });

  it('a missing MAC gets A0', async () => {
    const r = await term.request(purchase('000402', 100));
    expect(r.msg.fields[39]).toBe('A0');
  });

  it('a duplicate (terminal + batch + STAN, same amount) gets 94 and no new entry', async () => {
    expect((await term.request(purchase('000501', 100), term.mak)).msg.fields[39]).toBe('00');
    expect((await term.request(purchase('000501', 100), term.mak)).msg.fields[39]).toBe('94');
    expect(sim.ledger(TID)).toHaveLength(1);
    // Same STAN in another batch is a new transaction.
    expect((await term.request(purchase('000501', 100, '000002'), term.mak)).msg.fields[39]).toBe('00');
    expect(sim.ledger(TID)).toHaveLength(2);
  });

  it('balance inquiry returns 54', async () => {
    const msg = purchase('000601', 0);
    msg.fields[3] = '310000';
    delete msg.fields[4];
    msg.fields[60] = '01000001000';
    const r = await term.request(msg, term.mak);
    expect(r.msg.fields[39]).toBe('00');
    expect(r.msg.fields[54]).toMatch(/^1002156C\d{12}$/);
  });
});

describe('reversal, void, refund, advice', () => {
  beforeEach(async () => {
    await term.signOn();
  });

  function reversal(stan: string, amount: number, batch = '000001') {
    const m = purchase(stan, amount, batch);
    m.mti = '0400';
    m.fields[39] = '98';
    m.fields[61] = batch + stan;
    return m;
  }

  it('marks the original reversed, is idempotent, unknown original -> 25', async () => {
    await term.request(purchase('000701', 500), term.mak);
    const r1 = await term.request(reversal('000701', 500), term.mak);
    expect(r1.msg.mti).toBe('0410');
    expect(r1.msg.fields[39]).toBe('00');
    expect(responseMacOk(r1, term.mak!)).toBe(true);
    expect(sim.ledger(TID)[0].reversed).toBe(true);
    const r2 = await term.request(reversal('000701', 500), term.mak);
    expect(r2.msg.fields[39]).toBe('00');
    expect(sim.ledger(TID)).toHaveLength(1);
    const r3 = await term.request(reversal('000799', 500), term.mak);
    expect(r3.msg.fields[39]).toBe('25');
    expect(sim.ledger(TID)).toHaveLength(1);
  });

  it('void finds the original by RRN and marks it voided; unknown -> 25', async () => {
    const sale = await term.request(purchase('000801', 700), term.mak);
    const v = purchase('000802', 700);
    v.fields[3] = '200000';
    v.fields[37] = sale.msg.fields[37];
    v.fields[38] = sale.msg.fields[38];
    v.fields[60] = '23000001000';
    v.fields[61] = '000001000801';
    const r = await term.request(v, term.mak);
    expect(r.msg.fields[39]).toBe('00');
    expect(sim.ledger(TID)[0].voided).toBe(true);
    expect(sim.ledger(TID)[1]).toMatchObject({ kind: 'void', originalRrn: sale.msg.fields[37] });
    // Reversing the void un-voids the sale.
    const rv = reversal('000802', 700);
    rv.fields[3] = '200000';
    expect((await term.request(rv, term.mak)).msg.fields[39]).toBe('00');
    expect(sim.ledger(TID)[0].voided).toBe(false);
    const unknown = { ...v, fields: { ...v.fields, 11: '000803', 37: '999999999999' } };
    expect((await term.request(unknown, term.mak)).msg.fields[39]).toBe('25');
  });

  it('refund needs the original by RRN', async () => {
    const sale = await term.request(purchase('000901', 900), term.mak);
    const refund = purchase('000902', 300);
    refund.mti = '0220';
    refund.fields[3] = '200000';
    refund.fields[37] = sale.msg.fields[37];
    refund.fields[60] = '25000001000';
    refund.fields[61] = '0000010009010107';
    const r = await term.request(refund, term.mak);
    expect(r.msg.mti).toBe('0230');
    expect(r.msg.fields[39]).toBe('00');
    expect(responseMacOk(r, term.mak!)).toBe(true);
    const missing = { mti: '0220', fields: { ...refund.fields, 11: '000903', 37: '999999999999' } };
    expect((await term.request(missing, term.mak)).msg.fields[39]).toBe('25');
  });

  function advice(stan: string, amount: number) {
    const m = purchase(stan, amount);
    m.mti = '0220';
    m.fields[12] = '093000';
    m.fields[13] = '0107';
    m.fields[38] = 'OFF123';
    m.fields[60] = '30000001000';
    return m;
  }

  it('offline advice: 00 with an offline entry, 94 when repeated, refused after the fact by amount', async () => {
    const r = await term.request(advice('001001', 1000), term.mak);
    expect(r.msg.fields[39]).toBe('00');
    expect(sim.ledger(TID)[0]).toMatchObject({
      kind: 'advice',
      advice: true,
      approvalMode: 'offline',
      authCode: 'OFF123',
      at: Date.UTC(2026, 0, 7, 1, 30, 0),
    });
    expect((await term.request(advice('001001', 1000), term.mak)).msg.fields[39]).toBe('94');
    expect((await term.request(advice('001002', 1005), term.mak)).msg.fields[39]).toBe('05');
  });

  it('settlement balanced (1) and unbalanced (2), batch upload 00, status inquiry', async () => {
    const sale = await term.request(purchase('001101', 1000), term.mak);
    await term.request(purchase('001102', 2000), term.mak);
    await term.request(reversal('001102', 2000), term.mak);
    await term.request(purchase('001103', 3051), term.mak); // declined 51
    const refund = purchase('001104', 400);
    refund.mti = '0220';
    refund.fields[3] = '200000';
    refund.fields[37] = sale.msg.fields[37];
    refund.fields[60] = '25000001000';
    await term.request(refund, term.mak);

    const settle = (totals: string) => ({
      mti: '0500',
      fields: { 11: '001105', 41: TID, 42: MID, 48: `${totals}0`, 49: '156', 60: '00000001201', 63: '01 ' },
    });
    const status = () =>
      term.request({
        mti: '0800',
        fields: {
          11: '001109',
          41: TID,
          42: MID,
          60: '00000001951',
          62: Buffer.from(`${sale.msg.fields[37]}999999999999`, 'latin1').toString('hex').toUpperCase(),
        },
      });

    const before = Buffer.from((await status()).msg.fields[62], 'hex').toString('latin1');
    expect(before).toHaveLength(118);
    expect(before.slice(0, 15)).toBe(`${sale.msg.fields[37]}PT1`);
    expect(before.slice(59, 72)).toBe('999999999999X');

    // Ledger: debit 1000 x1 (the reversed and the declined sale do not count), credit 400 x1.
    const bad = await term.request(settle('000000003000' + '002' + '000000000400' + '001'), term.mak);
    expect(bad.msg.mti).toBe('0510');
    expect(bad.msg.fields[39]).toBe('00');
    expect(bad.msg.fields[48]).toBe('000000003000' + '002' + '000000000400' + '001' + '2');
    expect(responseMacOk(bad, term.mak!)).toBe(true);
    expect(Buffer.from((await status()).msg.fields[62], 'hex').toString('latin1')[12]).toBe('P');

    clock.advance(60_000);
    const good = await term.request(settle('000000001000' + '001' + '000000000400' + '001'), term.mak);
    expect(good.msg.fields[48]).toBe('000000001000' + '001' + '000000000400' + '001' + '1');

    // Settled: still waiting for the clearing run at the 23:00 cut-off, then cleared.
    expect(
      Buffer.from((await status()).msg.fields[62], 'hex')
        .toString('latin1')
        .slice(12, 15),
    ).toBe('PT1');
    clock.advance(START + 13 * 3600_000 - clock.now());
    const after = Buffer.from((await status()).msg.fields[62], 'hex').toString('latin1');
    expect(after.slice(12, 15)).toBe('CT1');
    expect(after.slice(15, 29)).toBe('20260108090000');
    expect(after.slice(29, 43)).toBe('20260107230000');
    expect(after.slice(43, 59)).toBe(`${' '.repeat(14)}00`);

    // batch upload: one entry, then the end message; a wrong total count answers 95
    const pan = '6212345678901232';
    const entry = `01001102${'2000'.padStart(12, '0')}16${pan}000`;
    const upload = await term.request(
      { mti: '0320', fields: { 11: '001106', 41: TID, 42: MID, 48: entry, 60: '00000001201' } },
      term.mak,
    );
    expect(upload.msg.mti).toBe('0330');
    expect(upload.msg.fields[39]).toBe('00');
    expect(responseMacOk(upload, term.mak!)).toBe(true);
    expect(sim.uploads(TID, '000001')).toEqual([
      { stan: '001102', amount: 2000, maskedPan: '621234******1232' },
    ]);
    const wrong = await term.request(
      { mti: '0320', fields: { 11: '001107', 41: TID, 42: MID, 48: '0002', 60: '00000001202' } },
      term.mak,
    );
    expect(wrong.msg.fields[39]).toBe('95');
    const end = await term.request(
      { mti: '0320', fields: { 11: '001108', 41: TID, 42: MID, 48: '0001', 60: '00000001202' } },
      term.mak,
    );
    expect(end.msg.fields[39]).toBe('00');

    // fault 'unbalanced': the next 0510 says 2 although the totals agree, and the batch stays unsettled
    sim.setFaults('unbalanced*1');
    const forced = await term.request(settle('000000001000' + '001' + '000000000400' + '001'), term.mak);
    expect(forced.msg.fields[48]?.slice(-1)).toBe('2');
    const again = await term.request(settle('000000001000' + '001' + '000000000400' + '001'), term.mak);
    expect(again.msg.fields[48]?.slice(-1)).toBe('1');
  });

  it('echo 0820 -> 0830 00 without MAC', async () => {
    const r = await term.request({
      mti: '0820',
      fields: { 11: '001201', 41: TID, 42: MID, 60: '00000001301' },
    });
    expect(r.msg).toMatchObject({ mti: '0830', fields: { 39: '00', 11: '001201' } });
    expect(r.msg.fields[64]).toBeUndefined();
  });
});

describe('before sign-on', () => {
  it('a financial message gets A0 and no entry', async () => {
    const r = await term.request(purchase('000001', 100));
    expect(r.msg.fields[39]).toBe('A0');
    expect(r.msg.fields[64]).toBeUndefined();
    expect(sim.ledger()).toHaveLength(0);
  });
});
