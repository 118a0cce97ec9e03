import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CardVault, Journal, loadKeyFile } from '../../src/journal/index.js';
import { codeOf, ICC, PAN_A, PAN_B, purchaseFields, tempJournal } from './journalFixture.js';

const card = { pan: PAN_A, expiry: '3012', panSeq: '001', iccData: ICC };

describe('CardVault (AES-256-GCM)', () => {
  const vault = new CardVault(randomBytes(32));

  it('round-trips, with a fresh nonce per record', () => {
    const a = vault.seal('txn:1', card);
    const b = vault.seal('txn:1', card);
    expect(vault.open('txn:1', a)).toEqual(card);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.includes(Buffer.from(PAN_A))).toBe(false);
  });

  it('never repeats a nonce, also across refills of its nonce pool', () => {
    const v = new CardVault(randomBytes(32));
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const blob = v.seal(`advice:${i}`, card);
      nonces.add(blob.subarray(1, 13).toString('hex'));
      if (i % 97 === 0) expect(v.open(`advice:${i}`, blob)).toEqual(card);
    }
    expect(nonces.size).toBe(1000);
    expect(nonces.has('0'.repeat(24))).toBe(false);
  });

  it('rejects tampering anywhere, a wrong key and a swapped record id', () => {
    const blob = vault.seal('txn:1', card);
    for (const at of [1, 12, 13, 28, 29, blob.length - 1]) {
      const t = Buffer.from(blob);
      t[at] ^= 0x01;
      expect(
        codeOf(() => vault.open('txn:1', t)),
        `byte ${at}`,
      ).toBe('JOURNAL_RECORD_AUTH');
    }
    expect(codeOf(() => new CardVault(randomBytes(32)).open('txn:1', blob))).toBe('JOURNAL_RECORD_AUTH');
    expect(codeOf(() => vault.open('txn:2', blob))).toBe('JOURNAL_RECORD_AUTH');
    expect(codeOf(() => vault.open('advice:1', blob))).toBe('JOURNAL_RECORD_AUTH');
    expect(codeOf(() => vault.open('txn:1', blob.subarray(0, 20)))).toBe('JOURNAL_RECORD_CORRUPT');
    for (const version of [0, 1, 3, 255]) {
      // 1: the JSON version; its reader refuses the compact plaintext (not JSON) as corrupt
      const other = Buffer.from(blob);
      other[0] = version;
      expect(codeOf(() => vault.open('txn:1', other))).toBe('JOURNAL_RECORD_CORRUPT');
    }
  });

  it('writes the compact plaintext (version 2) and round-trips every shape of card', () => {
    const blob = vault.seal('txn:1', card);
    expect(blob[0]).toBe(2);
    // chip data as bytes: the blob is its header, PAN=EXPIRY=SEQ=, and the chip bytes
    expect(blob.length).toBe(29 + `${PAN_A}=3012=001=`.length + ICC.length / 2);
    const digits = fc.stringMatching(/^\d+$/);
    const shape = fc.record(
      {
        pan: fc.stringMatching(/^\d{12,19}$/),
        expiry: fc.stringMatching(/^\d{4}$/),
        panSeq: fc.stringMatching(/^\d{1,3}$/),
        iccData: fc.uint8Array({ maxLength: 255 }).map((b) => Buffer.from(b).toString('hex').toUpperCase()),
      },
      { requiredKeys: ['pan'] },
    );
    fc.assert(
      fc.property(shape, digits, (c, id) => {
        expect(vault.open(`advice:${id}`, vault.seal(`advice:${id}`, c))).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });

  it('still opens the JSON blobs (version 1) that journals hold from before', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from('advice:3'));
    const body = Buffer.concat([cipher.update(JSON.stringify(card)), cipher.final()]);
    const v1 = Buffer.concat([Buffer.of(1), nonce, cipher.getAuthTag(), body]);
    const v = new CardVault(key);
    expect(v.open('advice:3', v1)).toEqual(card);
    expect(codeOf(() => v.open('advice:4', v1))).toBe('JOURNAL_RECORD_AUTH');
    const asCompact = Buffer.from(v1);
    asCompact[0] = 2; // JSON read as the compact plaintext: refused, not misread
    expect(codeOf(() => v.open('advice:3', asCompact))).toBe('JOURNAL_RECORD_CORRUPT');
  });

  it('random mutations give a coded error, never a crash or a wrong value', () => {
    const blob = vault.seal('advice:7', card);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), fc.nat(), (noise, pos) => {
        const t = Buffer.from(blob);
        if (noise.length === 0) return;
        t[pos % t.length] ^= noise[0] || 1;
        const code = codeOf(() => vault.open('advice:7', t));
        expect(['JOURNAL_RECORD_AUTH', 'JOURNAL_RECORD_CORRUPT']).toContain(code);
        expect(codeOf(() => vault.open('advice:7', noise))).toMatch(/^JOURNAL_RECORD_(AUTH|CORRUPT)$/);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(codeOf(() => new CardVault(randomBytes(16)))).toBe('JOURNAL_KEY');
  });
});

describe('journal records bound to their id', () => {
  let fx: ReturnType<typeof tempJournal>;
  afterEach(() => fx?.cleanup());

  it('a blob moved to another record, or a tampered one, is refused when read', () => {
    fx = tempJournal();
    const t1 = fx.journal.begin({ kind: 'purchase', amountMinor: 1, card, fields: purchaseFields });
    const t2 = fx.journal.begin({
      kind: 'purchase',
      amountMinor: 2,
      card: { pan: PAN_B },
      fields: purchaseFields,
    });
    fx.journal.close();
    const db = new Database(fx.path);
    const b1 = (db.prepare('SELECT card_blob FROM txns WHERE id = ?').get(t1.id) as { card_blob: Buffer })
      .card_blob;
    db.prepare('UPDATE txns SET card_blob = ? WHERE id = ?').run(b1, t2.id);
    const tampered = Buffer.from(b1);
    tampered[tampered.length - 1] ^= 0x80;
    db.prepare('UPDATE txns SET card_blob = ? WHERE id = ?').run(tampered, t1.id);
    db.close();
    const j = fx.reopen();
    expect(j.keyCheck().status).toBe('mismatch'); // both records bad
    expect(codeOf(() => j.requestOf(t2.id))).toBe('JOURNAL_RECORD_AUTH');
    expect(codeOf(() => j.requestOf(t1.id))).toBe('JOURNAL_RECORD_AUTH');
    // opened with another key: records cannot be read
    j.close();
    const other = Journal.open({ path: fx.path, key: randomBytes(32) });
    expect(codeOf(() => other.requestOf(t1.id))).toBe('JOURNAL_RECORD_AUTH');
    expect(other.keyCheck()).toEqual({ status: 'mismatch', checked: 2 });
    other.close();
    fx.reopen();
  });

  it('the key is not in the database files', () => {
    fx = tempJournal();
    expect(fx.journal.keyCheck()).toEqual({ status: 'unverifiable', checked: 0 });
    fx.journal.begin({ kind: 'purchase', amountMinor: 1, card, fields: purchaseFields });
    fx.journal.close();
    for (const f of [fx.path, `${fx.path}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(fx.key)).toBe(false);
      expect(bytes.includes(Buffer.from(fx.key.toString('hex')))).toBe(false);
    }
    fx.reopen();
  });
});

describe('loadKeyFile', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte key with mode 0600 and loads the same key again', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-key-'));
    const path = join(dir, 'keys', 'journal.key');
    const k1 = loadKeyFile(path);
    expect(k1).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(loadKeyFile(path).equals(k1)).toBe(true);
  });

  it('refuses a bad key file with a coded error', () => {
    dir = mkdtempSync(join(tmpdir(), 'posterm-key-'));
    const cases: [string, string | Buffer][] = [
      ['short', 'abcd'],
      ['not-hex', 'z'.repeat(64)],
      ['too-long', 'a'.repeat(66)],
      ['empty', ''],
      ['binary', randomBytes(32)],
    ];
    for (const [name, content] of cases) {
      const p = join(dir, name);
      writeFileSync(p, content, { mode: 0o600 });
      expect(
        codeOf(() => loadKeyFile(p)),
        name,
      ).toBe('JOURNAL_KEY_FILE');
    }
    expect(codeOf(() => loadKeyFile(dir))).toBe('JOURNAL_KEY_FILE'); // a directory
    const loose = join(dir, 'loose');
    writeFileSync(loose, 'a'.repeat(64));
    chmodSync(loose, 0o644);
    expect(codeOf(() => loadKeyFile(loose))).toBe('JOURNAL_KEY_FILE_MODE');
  });
});

describe('CardVault wipes the card data it handled in clear', () => {
  const key = randomBytes(32);
  const vault = new CardVault(key);
  const real = { from: Buffer.from, alloc: Buffer.alloc, concat: Buffer.concat };

  /** Runs fn, keeping every buffer Buffer.<makers> made meanwhile (the vault's plaintexts among them). */
  function caught<T>(fn: () => T, makers: (keyof typeof real)[]): { result: T; made: Buffer[] } {
    const made: Buffer[] = [];
    const spies = makers.map((m) =>
      vi.spyOn(Buffer, m as 'from').mockImplementation(((...args: unknown[]) => {
        const b = (real[m] as (...a: unknown[]) => Buffer).apply(Buffer, args);
        made.push(b);
        return b;
      }) as typeof Buffer.from),
    );
    try {
      return { result: fn(), made };
    } finally {
      for (const s of spies) s.mockRestore();
    }
  }
  const zeroed = (b: Buffer) => b.every((x) => x === 0);

  it('seal: the plaintext is zeroed once encrypted', () => {
    for (const c of [card, { pan: PAN_B }]) {
      const { result: blob, made } = caught(() => vault.seal('txn:9', c), ['from', 'alloc']);
      const aad = Buffer.from('txn:9');
      const plain = made.filter((b) => b !== blob && !b.equals(aad));
      expect(plain).toHaveLength(1);
      expect(plain[0].length).toBe(blob.length - 29); // GCM: as long as the ciphertext
      expect(zeroed(plain[0])).toBe(true);
      expect(vault.open('txn:9', blob)).toEqual(c);
    }
  });

  /** Runs fn, keeping every buffer a decipher's update() gave meanwhile (the plaintexts). */
  function deciphered<T>(fn: () => T): { result: T; made: Buffer[] } {
    const made: Buffer[] = [];
    const proto = Object.getPrototypeOf(createDecipheriv('aes-256-gcm', key, randomBytes(12)));
    const update = proto.update as (...a: unknown[]) => Buffer;
    const spy = vi.spyOn(proto, 'update').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const b = update.apply(this, args);
      made.push(b);
      return b;
    });
    try {
      return { result: fn(), made };
    } finally {
      spy.mockRestore();
    }
  }

  it('open: the decrypted plaintext is zeroed once read, when it is no card, and when its tag fails', () => {
    const blob = vault.seal('txn:9', card);
    const ok = deciphered(() => vault.open('txn:9', blob));
    expect(ok.result).toEqual(card);
    expect(ok.made).toHaveLength(1);
    expect(ok.made[0].length).toBe(blob.length - 29);
    expect(zeroed(ok.made[0])).toBe(true);

    // version 2, authentic, but its plaintext is no card (no separators)
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from('txn:9'));
    const body = Buffer.concat([cipher.update(Buffer.from('6212345678901232')), cipher.final()]);
    const bad = Buffer.concat([Buffer.of(2), nonce, cipher.getAuthTag(), body]);
    const refused = deciphered(() => codeOf(() => vault.open('txn:9', bad)));
    expect(refused.result).toBe('JOURNAL_RECORD_CORRUPT');
    expect(refused.made).toHaveLength(1);
    expect(refused.made[0].length).toBe(16);
    expect(zeroed(refused.made[0])).toBe(true);

    // the tag fails (the record moved to another id): what update() gave before the check is wiped
    const moved = deciphered(() => codeOf(() => vault.open('txn:10', blob)));
    expect(moved.result).toBe('JOURNAL_RECORD_AUTH');
    expect(moved.made).toHaveLength(1);
    expect(moved.made[0].length).toBe(blob.length - 29);
    expect(zeroed(moved.made[0])).toBe(true);
  });
});
