/**
 * `posterm diag --bundle`: a real run against the host simulator with a journal holding a card
 * transaction and a log full of card data and keys. The bundle is a valid tar.gz (read here by
 * hand, and by the system's tar when there is one); every member, decompressed, is scanned for
 * the test cards' PANs and track 2 (ASCII, UTF-16, BCD) and for the TMK and the journal key in
 * hex and base64, and none is found; the id printed is the bundle's SHA-256.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Redactor, secretForms } from '../../src/diagnostics/redact.js';
import { tar } from '../../src/diagnostics/tarGz.js';
import { startHostSim } from '../../src/emulator/hostSim.js';
import { TEST_CARDS, testCardTrack2 } from '../../src/emulator/VirtualReaderCards.js';
import { Journal } from '../../src/journal/Journal.js';
import { loadKeyFile } from '../../src/journal/loadKeyFile.js';
import { profileTmk } from '../../src/profile/loadProfile.js';
import { fakeIo } from '../cli/fakeIo.js';
import { scanFilesForCardData } from '../helpers/scanForCardData.js';
import { hasTool } from '../helpers/systemTool.js';
import { PAN_A, PAN_B, purchaseFields, TRACK_A } from '../journal/journalFixture.js';
import { diagTerminal } from './diagKit.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The members of a tar archive, read by hand (ustar: 512-byte headers, octal sizes, checksums). */
function untar(buf: Buffer): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  for (let at = 0; at + 512 <= buf.length; ) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = Number.parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
    const stored = Number.parseInt(
      h
        .subarray(148, 156)
        .toString('ascii')
        .replace(/[\0 ].*$/s, ''),
      8,
    );
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    expect(sum, `checksum of ${name}`).toBe(stored);
    expect(h.subarray(257, 263).toString('latin1')).toBe('ustar\0');
    out.push({ name, data: buf.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** A 13-digit card number: its hex as text (26 digits) is shorter than the long-hex rule. */
const PAN_13 = '6212345678903';

/** A SHA-256 SPKI pin as the TLS check reports it (base64, 32 bytes). */
const serverPinForTest = createHash('sha256').update('a server public key').digest('base64');

const CARD_SECRETS = [
  ...Object.values(TEST_CARDS).flatMap((c) => [c.pan, testCardTrack2(c)]),
  PAN_A,
  PAN_B,
  TRACK_A,
  PAN_13,
];

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const bcd = (digits: string) =>
  Buffer.from(digits.replace(/=/g, 'D') + (digits.length % 2 ? 'F' : ''), 'hex');
const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

/** Log lines (bytes) leaking card data and a key in the other encodings: base64, hex of text, UTF-16. */
function encodedLeaks(tmk: Buffer): Buffer[] {
  const line = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));
  return [
    line(`{"level":20,"msg":"req b64 ${b64(`0200|${PAN_A}|${TRACK_A}|00`)}"}`),
    line(`{"level":20,"msg":"url ${Buffer.from(`x${TRACK_A}`).toString('base64url')}"}`),
    line(
      `{"level":20,"msg":"bcd b64 ${b64(Buffer.concat([Buffer.from([0x02, 0x00]), bcd(PAN_B), bcd(TRACK_A)]))}"}`,
    ),
    line(
      `{"level":20,"msg":"p13 ${Buffer.from(PAN_13).toString('hex')} ${b64(PAN_13)} ${b64(bcd(PAN_13))}"}`,
    ),
    line('{"level":20,"msg":"utf16 ', utf16le(`card ${PAN_B} t2 ${TRACK_A}`), ' be ', utf16be(PAN_A), '"}'),
    line('{"level":20,"msg":"key16 ', utf16le(tmk.toString('hex').toUpperCase()), '"}'),
  ];
}

describe('Redactor', () => {
  it('removes known keys in hex (either case) and base64, track 2 in both separators, masks PANs, keeps a log time stamp', () => {
    const key = Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex');
    const r = new Redactor([key]);
    const pan = TEST_CARDS['unionpay-chip'].pan;
    const line = `{"time":1764486608000,"k":"${key.toString('hex').toUpperCase()}","b":"${key.toString('base64')}","t2":"${testCardTrack2(TEST_CARDS['unionpay-chip'])}","t2e":"${TRACK_A}","msg":"card ${pan}"}`;
    const out = r.text(line);
    expect(out).toBe(
      '{"time":1764486608000,"k":"[key removed]","b":"[key removed]","t2":"[track data removed]","t2e":"[track data removed]","msg":"card 621700******7893"}',
    );
    expect(r.counts).toMatchObject({ secrets: 2, track: 2, pans: 1 });
    expect(r.value({ tmk: 'ABCD', nested: [{ pan }] })).toEqual({ nested: [{}] });
    expect(secretForms(key)).toContain(key.toString('base64url'));
  });

  it('leaves ordinary log lines alone (times, ids, RRN, STAN, masked card, error codes, words) and a TLS pin in JSON', () => {
    const lines = [
      '{"level":30,"time":1764486608000,"pid":4242,"hostname":"pos-terminal-0001","msg":"signed on","batch":"000001"}',
      '{"level":30,"at":"2026-11-30T08:01:50.053Z","rrn":"000000000013","stan":"000123","maskedPan":"621234******0012"}',
      '{"level":40,"msg":"settlementStatusInquiry answered","code":"HOST_UNREACHABLE","cause":"connect-timeout"}',
      '{"level":30,"msg":"reader connected","firmware":"NEO v2.00.14 VIRTUAL","serial":"VR0000000001","id":"3f9c2a71"}',
    ];
    const r = new Redactor([Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex')]);
    expect(lines.map((l) => r.text(l))).toEqual(lines);
    expect(r.counts).toMatchObject({ encoded: 0, hex: 0, pans: 0, track: 0, secrets: 0 });
    // a TLS pin in the diag JSON is public (a hash of the server's public key): kept
    expect(r.value({ evidence: { serverPin: serverPinForTest, pins: [serverPinForTest] } })).toEqual({
      evidence: { serverPin: serverPinForTest, pins: [serverPinForTest] },
    });
  });

  it('writes ustar the system tar reads', () => {
    const t = tar([
      { name: 'a.txt', data: 'hello\n' },
      { name: 'b.bin', data: Buffer.alloc(1025, 7) },
    ]);
    expect(t.length % 512).toBe(0);
    expect(untar(t).map((m) => [m.name, m.data.length])).toEqual([
      ['a.txt', 6],
      ['b.bin', 1025],
    ]);
  });
});

describe('posterm diag --bundle', () => {
  it('bundles the diag JSON, the profile without keys, versions, journal counts and the last 500 log lines, with no card data or key in any encoding', async () => {
    const t0 = diagTerminal();
    const sim = await startHostSim({ tmk: profileTmk(t0.profile), port: 0 });
    cleanups.push(() => sim.close());
    const t = diagTerminal((raw) => {
      raw.host.primary.port = sim.port;
    });
    // a journal with a card transaction in it (the PAN encrypted under the journal key)
    const journalKey = loadKeyFile(t.profile.journal.keyFile);
    const j = Journal.open({ path: t.profile.journal.path, key: journalKey });
    const txn = j.begin({
      kind: 'purchase',
      amountMinor: 1000,
      fields: purchaseFields,
      card: { pan: PAN_A, expiry: '3012' },
    });
    j.markSent(txn.id);
    j.recordAnswer(txn.id, { responseCode: '00', rrn: '000000000001', authCode: '123456' } as never);
    j.begin({ kind: 'inquiry', amountMinor: 0, fields: purchaseFields });
    j.close();
    // a log that leaked everything it could
    const tmk = profileTmk(t.profile);
    const leaks = [
      ...CARD_SECRETS.map((s, i) => `{"level":30,"time":1764486608000,"n":${i},"msg":"read ${s}"}`),
      `{"level":20,"time":1764486608001,"tmk":"${tmk.toString('hex')}","mak":"${tmk.toString('hex').toUpperCase()}"}`,
      `{"level":20,"msg":"keys ${tmk.toString('base64')} ${journalKey.toString('hex')} ${journalKey.toString('base64')} ${journalKey.toString('base64url')}"}`,
      `{"level":20,"msg":"raw 0200 ${Buffer.from(`${PAN_B}D3012`).toString('hex')}"}`,
    ];
    const filler = Array.from(
      { length: 600 - leaks.length },
      (_, i) => `{"level":30,"time":1764486600000,"msg":"line ${i}"}`,
    );
    const logFile = join(t.dir, 'posterm.log');
    const nl = Buffer.from('\n');
    const encoded = encodedLeaks(tmk);
    // the scanner can see every one of these leaks (a control: the scan below can fail)
    const planted = join(t.dir, 'planted.bin');
    writeFileSync(planted, Buffer.concat(encoded.flatMap((l) => [l, nl])));
    const seen = new Set(scanFilesForCardData([planted], CARD_SECRETS).map((h) => h.encoding));
    expect([...seen].sort()).toEqual(
      ['base64-of-bcd', 'base64-of-text', 'hex-of-text', 'utf16be', 'utf16le'].sort(),
    );
    writeFileSync(
      logFile,
      Buffer.concat([
        Buffer.from(`${[...filler.slice(encoded.length), ...leaks].join('\n')}\n`),
        ...encoded.flatMap((l) => [l, nl]),
      ]),
    );
    const bundleFile = join(t.dir, 'support.tar.gz');

    const io = fakeIo();
    const code = await main(['diag', '--profile', t.file, '--bundle', bundleFile, '--log-file', logFile], io);
    expect([0, 1]).toContain(code);
    const bytes = readFileSync(bundleFile);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(io.out()).toContain(`bundle id ${sha.slice(0, 8)}`);

    const tarBytes = gunzipSync(bytes);
    const members = untar(tarBytes);
    expect(members.map((m) => m.name)).toEqual([
      'diag.json',
      'profile.json',
      'versions.json',
      'journal.json',
      'log.txt',
      'manifest.json',
    ]);
    const dir = join(t.dir, 'unpacked');
    mkdirSync(dir);
    const files = [bundleFile, join(dir, 'bundle.tar')];
    writeFileSync(files[1], tarBytes);
    for (const m of members) {
      const f = join(dir, m.name);
      writeFileSync(f, m.data);
      files.push(f);
    }
    // no PAN or track 2, in any encoding, in any member, the tar or the tar.gz
    expect(scanFilesForCardData(files, CARD_SECRETS)).toEqual([]);
    // no key, in hex (either case) or base64, as text or UTF-16
    for (const m of members) {
      const text = m.data.toString('utf8').toLowerCase();
      const wide = m.data.toString('utf16le').toLowerCase();
      for (const form of [...secretForms(tmk), ...secretForms(journalKey)]) {
        expect(text.includes(form.toLowerCase()), `${m.name} holds a key`).toBe(false);
        expect(wide.includes(form.toLowerCase()), `${m.name} holds a key in UTF-16`).toBe(false);
      }
    }
    const member = (name: string) => members.find((m) => m.name === name)?.data.toString('utf8') ?? '';
    const log = member('log.txt').trimEnd().split('\n');
    expect(log).toHaveLength(500);
    expect(log.at(-7)).toContain('[hex removed]');
    expect(member('log.txt')).toContain('[base64 removed]');
    expect(member('log.txt')).toContain('[utf-16 removed]');
    expect(member('log.txt')).toContain('"read 621234******0012"'); // masked, not dropped
    expect(member('log.txt')).toContain('[track data removed]');
    expect(member('log.txt')).toContain('"time":1764486608000');
    const profile = JSON.parse(member('profile.json'));
    expect(profile.keys.tmk).toBeUndefined();
    expect(profile._removed).toEqual(['keys.tmk']);
    expect(profile.journal.keyFile).toBe(t.profile.journal.keyFile);
    expect(JSON.parse(member('journal.json'))).toMatchObject({
      available: true,
      transactions: 2,
      transactionsByState: { approved: 1, pending: 1 },
      transactionsByKind: { purchase: 1, inquiry: 1 },
    });
    expect(JSON.parse(member('versions.json'))).toMatchObject({ node: process.version });
    const diag = JSON.parse(member('diag.json'));
    expect(diag.results.map((r: { id: string }) => r.id)).toContain('clock.host');
    const manifest = JSON.parse(member('manifest.json'));
    expect(manifest.members.map((m: { name: string }) => m.name)).toEqual(
      members.map((m) => m.name).slice(0, -1),
    );
    expect(manifest.redaction.counts.secrets).toBeGreaterThan(0);
    if (hasTool('tar')) {
      const listed = spawnSync('tar', ['-tzf', bundleFile], { encoding: 'utf8' });
      expect(listed.status).toBe(0);
      expect(listed.stdout.trim().split('\n')).toEqual(members.map((m) => m.name));
    }
  });

  it('an unwritable bundle path is DIAG_BUNDLE_FAILED, exit 3; --log-file without --bundle and --bundle with --watch are bad usage', async () => {
    const t = diagTerminal((raw) => {
      raw.host.primary = { host: 'acquirer.invalid', port: 5800 };
    });
    const io = fakeIo();
    expect(await main(['diag', '--profile', t.file, '--bundle', join(t.dir, 'no-dir', 'b.tar.gz')], io)).toBe(
      3,
    );
    expect(io.err()).toContain('DIAG_BUNDLE_FAILED');
    expect(await main(['diag', '--log-file', 'x.log'], fakeIo())).toBe(3);
    expect(await main(['diag', '--watch', '--bundle', 'b.tar.gz'], fakeIo())).toBe(3);
  });
});
