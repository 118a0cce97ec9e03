import { describe, expect, it } from 'vitest';
import { silentLogger as log } from '../../src/log.js';
import type { RuntimeEvent } from '../../src/runtime/RuntimeApi.js';
import { RUN_SPAN, RuntimeEvents } from '../../src/runtime/RuntimeEvents.js';

const clock = { now: () => 0 } as unknown as ConstructorParameters<typeof RuntimeEvents>[1];

describe('RuntimeEvents', () => {
  it('numbers from run * 2^32, keeps a bounded history, replays after a seq, stops on close', () => {
    const ev = new RuntimeEvents(3, clock, log, 5);
    for (let i = 0; i < 8; i++) ev.emit({ type: 'queue', reversals: i, advices: 0 });
    expect(ev.lastSeq).toBe(3 * RUN_SPAN + 8);
    const all: RuntimeEvent[] = [];
    ev.subscribe(0, (e) => all.push(e)).close();
    expect(all.map((e) => e.seq - 3 * RUN_SPAN)).toEqual([4, 5, 6, 7, 8]);
    const after: RuntimeEvent[] = [];
    const sub = ev.subscribe(3 * RUN_SPAN + 6, (e) => after.push(e));
    expect(after.map((e) => e.seq - 3 * RUN_SPAN)).toEqual([7, 8]);
    ev.emit({ type: 'sign-on', ok: true });
    expect(after).toHaveLength(3);
    sub.close();
    ev.emit({ type: 'sign-on', ok: true });
    expect(after).toHaveLength(3);
  });

  it('a throwing listener neither stops the emitter nor the other listeners', () => {
    const ev = new RuntimeEvents(1, clock, log);
    const got: number[] = [];
    ev.subscribe(0, () => {
      throw new Error('broken');
    });
    ev.subscribe(0, (e) => got.push(e.seq));
    expect(() => ev.emit({ type: 'sign-on', ok: true })).not.toThrow();
    expect(got).toEqual([RUN_SPAN + 1]);
  });
});
