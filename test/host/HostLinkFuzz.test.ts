import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostLink } from '../../src/host/HostLink.js';
import { FakeAcquirer } from './FakeAcquirer.js';
import { makeLink, purchase } from './linkHelpers.js';

let fa: FakeAcquirer;
let link: HostLink;
let junk: Buffer[] = [];
const logged: string[] = [];

beforeAll(async () => {
  fa = await FakeAcquirer.start((r, f) => {
    for (const j of junk) {
      const framed = Buffer.alloc(2 + j.length);
      framed.writeUInt16BE(j.length, 0);
      j.copy(framed, 2);
      r.socket.write(framed);
    }
    f.answer(r, { fields: { 44: `ok${r.message.fields[11]}` } });
  });
  const capture = (obj: object, msg: string) => logged.push(`${msg} ${JSON.stringify(obj)}`);
  link = makeLink(fa.port, { logger: { debug: capture, info: capture, warn: capture, error: capture } }).link;
});

afterAll(async () => {
  link.close();
  await fa.close();
});

describe('HostLink under random frames from the host', () => {
  it('junk frames before the answer are ignored; the request gets its own answer', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 80 }), { maxLength: 6 }),
        async (frames) => {
          junk = frames.map((f) => Buffer.from(f));
          const stan = String(++n).padStart(6, '0');
          const res = await link.request(purchase(stan));
          expect(res.message.fields[11]).toBe(stan);
          expect(res.message.fields[44]).toBe(`ok${stan}`);
        },
      ),
      { numRuns: 60 },
    );
    expect(link.stats.responses).toBe(n);
    for (const line of logged) expect(line).not.toContain('6258091234567890123');
  });
});
