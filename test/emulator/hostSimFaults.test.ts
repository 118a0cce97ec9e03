import { describe, expect, it } from 'vitest';
import { FaultSet, formatFault, parseFault, parseFaults } from '../../src/emulator/hostFaults.js';
import { isPosError } from '../../src/errors.js';

describe('fault list parsing', () => {
  it('parses kinds, arguments, MTI and count modifiers', () => {
    expect(parseFaults('delay:200,bad-mac@0200,no-answer*2')).toEqual([
      { kind: 'delay', ms: 200 },
      { kind: 'bad-mac', mti: '0200' },
      { kind: 'no-answer', count: 2 },
    ]);
    expect(parseFault('late:5000@0400*1')).toEqual({ kind: 'late', ms: 5000, mti: '0400', count: 1 });
    expect(parseFault('disconnect-mid*3@0200')).toEqual({ kind: 'disconnect-mid', mti: '0200', count: 3 });
    expect(parseFault(' sign-on-again ')).toEqual({ kind: 'sign-on-again' });
    expect(parseFault('drop-connect*1')).toEqual({ kind: 'drop-connect', count: 1 });
    expect(parseFault('garbage-62@0800*2')).toEqual({ kind: 'garbage-62', mti: '0800', count: 2 });
    expect(parseFaults('')).toEqual([]);
    expect(parseFaults(' , ')).toEqual([]);
  });

  it('round-trips through formatFault', () => {
    for (const t of ['delay:200', 'bad-mac@0200', 'no-answer*2', 'late:10@0400*1', 'drop-connect*2']) {
      expect(formatFault(parseFault(t))).toBe(t);
    }
  });

  it.each([
    'delay',
    'late',
    'delay:x',
    'bad-mac:10',
    'frobnicate',
    'no-answer@200',
    'no-answer*0',
    'no-answer@0200@0400',
    'no-answer*1*2',
    'drop-connect@0200',
    'delay:10 extra',
  ])('rejects %j with EMU_BAD_FAULT', (text) => {
    let err: unknown;
    try {
      parseFaults(text);
    } catch (e) {
      err = e;
    }
    expect(isPosError(err, 'EMU_BAD_FAULT')).toBe(true);
  });
});

describe('FaultSet', () => {
  it('garbage-62 flags the answers of its MTI only, as many as counted', () => {
    const set = new FaultSet(parseFaults('garbage-62@0800*1'));
    expect(set.forRequest('0200').garbage62).toBe(false);
    expect(set.forRequest('0800').garbage62).toBe(true);
    expect(set.forRequest('0800').garbage62).toBe(false);
  });

  it('applies faults to matching MTIs and uses up counted ones', () => {
    const set = new FaultSet(parseFaults('delay:100@0200,bad-mac*2,no-answer@0400*1'));
    const a = set.forRequest('0200');
    expect(a).toMatchObject({ delayMs: 100, badMac: true, noAnswer: false });
    const b = set.forRequest('0400');
    expect(b).toMatchObject({ delayMs: 0, badMac: true, noAnswer: true });
    const c = set.forRequest('0400');
    expect(c).toMatchObject({ badMac: false, noAnswer: false, fired: [] });
    expect(set.forRequest('0200').delayMs).toBe(100);
    expect(set.active.map(formatFault)).toEqual(['delay:100@0200']);
  });

  it('sums delay and late, flags late, sign-on-again and disconnect-mid', () => {
    const set = new FaultSet(parseFaults('delay:10,late:20,sign-on-again,disconnect-mid'));
    expect(set.forRequest('0820')).toMatchObject({
      delayMs: 30,
      late: true,
      signOnAgain: true,
      disconnectMid: true,
    });
  });

  it('hands out drop-connect per connection, never to requests', () => {
    const set = new FaultSet(parseFaults('drop-connect*2'));
    expect(set.forRequest('0200').fired).toEqual([]);
    expect(set.takeConnectionDrop()).toBe(true);
    expect(set.takeConnectionDrop()).toBe(true);
    expect(set.takeConnectionDrop()).toBe(false);
  });
});
