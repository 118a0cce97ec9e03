import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CODEC_VECTORS, type CodecVector } from '../helpers/codecVectors.js';
import { fakeIo } from './fakeIo.js';

const vectors = CODEC_VECTORS;
type Vector = CodecVector;
const v1 = vectors[0];
const v2 = vectors[1];
const PAN = v1.fields['2'];
const TRACK = v1.fields['35'];
const ICC = v1.fields['55'];

async function run(args: string[], stdin = '') {
  const io = fakeIo(stdin);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

function vectorFields(v: Vector): Record<string, string> {
  const { t: _t, ...rest } = v.fields;
  return rest;
}

describe('posterm decode', () => {
  it('decodes one message as masked describe text', async () => {
    const r = await run(['decode', v1.hex]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0200');
    expect(r.out).toContain('625809*********0123');
    expect(r.out).not.toContain(PAN);
    expect(r.out).not.toContain(TRACK.slice(20));
    expect(r.out).not.toContain(ICC.slice(0, 20));
    expect(r.out).toMatch(/60\.1 .*: 22/);
    expect(r.out).toMatch(/60\.2 .*: 000001/);
  });

  it('--reveal shows card data in clear', async () => {
    const r = await run(['decode', '--reveal', v1.hex]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(PAN);
    expect(r.out).toContain(TRACK);
  });

  it('--json gives the fields of the vector (revealed) and masks by default', async () => {
    const revealed = await run(['decode', '--json', '--reveal', v1.hex]);
    expect(revealed.code).toBe(0);
    const j = JSON.parse(revealed.out);
    expect(j).toEqual({ ok: true, mti: '0200', fields: vectorFields(v1) });

    const masked = JSON.parse((await run(['decode', '--json', v1.hex])).out);
    expect(masked.ok).toBe(true);
    expect(masked.fields['2']).toBe('625809*********0123');
    expect(masked.fields['35']).not.toContain('6258');
    expect(masked.fields['35']).toMatch(/hidden/);
    expect(masked.fields['55']).toMatch(/hidden/);
    expect(masked.fields['4']).toBe('000000012345');
    expect(JSON.stringify(masked)).not.toContain(PAN);
  });

  it('--json error shape names code, field and offset', async () => {
    const truncated = v1.hex.slice(0, v1.hex.length - 4); // two bytes short of field 64
    const r = await run(['decode', '--json', truncated]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(false);
    expect(j.code).toMatch(/^ISO_/);
    expect(j.field).toBe(64);
    expect(j.offset).toBe(v1.hex.length / 2 - 8);
    expect(typeof j.message).toBe('string');
  });

  it('bad hex is CLI_BAD_HEX (odd length and non-hex)', async () => {
    const odd = JSON.parse((await run(['decode', '--json', '020'])).out);
    expect(odd).toMatchObject({ ok: false, code: 'CLI_BAD_HEX' });
    const nonHex = await run(['decode', '--json', '02ZZ']);
    expect(nonHex.code).toBe(1);
    expect(JSON.parse(nonHex.out)).toMatchObject({ ok: false, code: 'CLI_BAD_HEX', offset: 2 });
    const text = await run(['decode', 'xyz1']);
    expect(text.code).toBe(1);
    expect(text.out).toContain('CLI_BAD_HEX');
  });

  it('decodes many stdin lines; a bad line in the middle does not stop the rest', async () => {
    const stdin = `${v1.hex}\n\nnot-hex\n${v1.hex.slice(0, 30)}\n\n${v2.hex}\n`;
    const r = await run(['decode', '--json', '-'], stdin);
    expect(r.code).toBe(1);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ ok: true, mti: '0200' });
    expect(lines[1]).toMatchObject({ ok: false, code: 'CLI_BAD_HEX' });
    expect(lines[2].ok).toBe(false);
    expect(lines[2].code).toMatch(/^ISO_/);
    expect(lines[3]).toMatchObject({ ok: true, mti: '0210' });
  });

  it('exit code 0 when every stdin line decodes; text results separated by a blank line', async () => {
    const r = await run(['decode', '-'], `${v1.hex}\r\n${v2.hex}\r\n`);
    expect(r.code).toBe(0);
    expect(r.out).toContain('625809*********0123');
    expect(r.out).toContain('0210');
    expect(r.out).toMatch(/\n\n/);
  });

  it('--framed checks the length and shows TPDU and header', async () => {
    const body = Buffer.from(v1.hex, 'hex');
    const frame = Buffer.concat([
      Buffer.from([0, body.length + 11]),
      Buffer.from('6000030000', 'hex'),
      Buffer.from('603100310000', 'hex'),
      body,
    ]);
    const j = JSON.parse((await run(['decode', '--framed', '--json', frame.toString('hex')])).out);
    expect(j).toMatchObject({ ok: true, tpdu: '6000030000', header: '603100310000', mti: '0200' });
    const text = await run(['decode', '--framed', frame.toString('hex')]);
    expect(text.out).toContain('TPDU   6000030000');
    expect(text.out).toMatch(/software 310000/);

    const badLen = Buffer.from(frame);
    badLen[1] += 1;
    const bad = await run(['decode', '--framed', '--json', badLen.toString('hex')]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, code: 'CLI_BAD_FRAME', offset: 0 });
  });

  it('iso87-ascii dialect and usage errors', async () => {
    const enc = await run([
      'encode',
      '--dialect',
      'iso87-ascii',
      JSON.stringify({ mti: '0800', fields: { 11: '000001', 70: '301' } }),
    ]);
    expect(enc.code).toBe(0);
    const hex = enc.out.trim();
    const j = JSON.parse((await run(['decode', '--dialect', 'iso87-ascii', '--json', hex])).out);
    expect(j).toEqual({ ok: true, mti: '0800', fields: { 11: '000001', 70: '301' } });
    expect((await run(['decode', '--dialect', 'nope', v1.hex])).code).toBe(2);
    expect((await run(['decode', '--bogus', v1.hex])).code).toBe(2);
    expect((await run(['decode'])).code).toBe(2);
  });
});
