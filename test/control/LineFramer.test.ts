import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FramedItem, LineFramer } from '../../src/control/LineFramer.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const show = (items: FramedItem[]) =>
  items.map((i) => (i.kind === 'line' ? i.bytes.toString('latin1') : `<too-long ${i.bytes}>`));

/** What the framer must produce for the whole stream, computed the obvious way. */
function expected(text: string, max: number, ended: boolean): string[] {
  const parts = text.split('\n');
  const last = parts.pop()!;
  const out: string[] = [];
  for (const p of parts) out.push(p.length > max ? `<too-long>` : p);
  if (last.length > max) out.push('<too-long>');
  else if (ended && last !== '') out.push(last);
  return out;
}

describe('LineFramer', () => {
  it('splits lines, keeps a partial one until its newline, and gives the last one on end()', () => {
    const f = new LineFramer(10);
    expect(show(f.push(b('ab\ncd')))).toEqual(['ab']);
    expect(show(f.push(b('e\n\nfg')))).toEqual(['cde', '']);
    expect(show(f.end())).toEqual(['fg']);
    expect(show(f.end())).toEqual([]);
  });

  it('reports a long line once and drops its tail up to the newline', () => {
    const f = new LineFramer(4);
    expect(show(f.push(b('12345')))).toEqual(['<too-long 5>']);
    expect(show(f.push(b('6789')))).toEqual([]);
    expect(show(f.push(b('0\nok\n')))).toEqual(['ok']);
    expect(show(f.push(b('1234\n')))).toEqual(['1234']);
    expect(show(f.push(b('toolong')))).toEqual(['<too-long 7>']);
    expect(show(f.end())).toEqual([]);
  });

  it('any chunking of any stream gives the same items as the whole stream at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('\n', 'a', 'bb', '{}'), fc.string({ maxLength: 12 })), {
          maxLength: 30,
        }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        (pieces, cuts, max, ended) => {
          const text = pieces.join('');
          const data = b(text);
          const f = new LineFramer(max);
          const got: FramedItem[] = [];
          let at = 0;
          for (const c of [...cuts.map((n) => n % (data.length + 1)), data.length].sort((x, y) => x - y)) {
            got.push(...f.push(data.subarray(at, Math.max(at, c))));
            at = Math.max(at, c);
          }
          if (ended) got.push(...f.end());
          const norm = show(got).map((s) => (s.startsWith('<too-long') ? '<too-long>' : s));
          expect(norm).toEqual(expected(text, max, ended));
        },
      ),
    );
  });
});
