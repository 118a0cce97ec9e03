import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CODEC_VECTORS } from '../helpers/codecVectors.js';
import { fakeIo } from './fakeIo.js';

const vectors = CODEC_VECTORS;

async function run(args: string[], stdin = '') {
  const io = fakeIo(stdin);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('posterm encode', () => {
  it.each(vectors.map((v) => [v.name, v] as const))(
    'encodes vector %s (vector shape) to its hex',
    async (_n, v) => {
      const r = await run(['encode', JSON.stringify(v.fields)]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${v.hex}\n`);
      // The whole vector object (name, fields with t, hex) is accepted too.
      expect((await run(['encode', JSON.stringify(v)])).out).toBe(`${v.hex}\n`);
    },
  );

  it('decode --json --reveal then encode gives back the same bytes', async () => {
    for (const v of vectors) {
      const decoded = (await run(['decode', '--json', '--reveal', v.hex])).out.trim();
      const r = await run(['encode', decoded]);
      expect(r.out.trim()).toBe(v.hex);
    }
  });

  it('framed round trip keeps TPDU and header; --tpdu overrides the default', async () => {
    const v = vectors[0];
    const r = await run(['encode', '--framed', JSON.stringify(v.fields)]);
    const hex = r.out.trim();
    const len = (hex.length / 2 - 2).toString(16).toUpperCase().padStart(4, '0');
    expect(hex).toBe(`${len}6000030000603100310000${v.hex}`);
    const decoded = (await run(['decode', '--framed', '--json', '--reveal', hex])).out.trim();
    expect((await run(['encode', '--framed', decoded])).out.trim()).toBe(hex);
    const other = (await run(['encode', '--framed', '--tpdu', '6000070000', JSON.stringify(v.fields)])).out;
    expect(other.slice(4, 14)).toBe('6000070000');
  });

  it('reads stdin: one document, or one object per line; failures go to stderr with exit 1', async () => {
    const pretty = JSON.stringify({ mti: '0800', fields: vectors[2].fields }, null, 2);
    const one = await run(['encode', '-'], pretty);
    expect(one.code).toBe(0);
    expect(one.out.trim()).toBe(vectors[2].hex);

    const lines = [
      JSON.stringify(vectors[0].fields),
      '{"mti":"0200","fields":{"3":"12"}}',
      JSON.stringify(vectors[1].fields),
    ];
    const many = await run(['encode', '-'], `${lines.join('\n')}\n`);
    expect(many.code).toBe(1);
    expect(many.out.trim().split('\n')).toEqual([vectors[0].hex, vectors[1].hex]);
    expect(many.err).toContain('ISO_BAD_VALUE');
    expect(many.err).toContain('field 3');
  });

  it('bad input is a coded error, never card data in the message', async () => {
    const notJson = await run(['encode', '{nope']);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toContain('CLI_BAD_JSON');
    const badPan = await run([
      'encode',
      JSON.stringify({ mti: '0200', fields: { 2: '62580912345678901X' } }),
    ]);
    expect(badPan.code).toBe(1);
    expect(badPan.err).toMatch(/ISO_BAD_VALUE/);
    expect(badPan.err).not.toContain('6258091234');
    const noMti = await run(['encode', JSON.stringify({ fields: { 3: '000000' } })]);
    expect(noMti.err).toContain('CLI_BAD_JSON');
    expect((await run(['encode'])).code).toBe(2);
  });
});
