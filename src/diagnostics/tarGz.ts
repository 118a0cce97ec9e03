/**
 * A minimal tar.gz writer for the support bundle: POSIX ustar headers (512 bytes each: name,
 * mode, size and mtime in octal, a checksum), each file's bytes padded to 512, two zero blocks
 * at the end, gzip over the whole (node:zlib). Regular files only, names under 100 bytes.
 * Pure apart from zlib.
 */
import { gzipSync } from 'node:zlib';

export interface TarMember {
  name: string;
  data: Buffer | string;
  /** default 0o600 */
  mode?: number;
  /** seconds since the epoch (default 0) */
  mtimeS?: number;
}

const BLOCK = 512;

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  // width - 1 octal digits, then a NUL
  buf.write(value.toString(8).padStart(width - 1, '0'), offset, width - 1, 'ascii');
}

export function tarHeader(name: string, size: number, mode: number, mtimeS: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 99)
    throw new RangeError(`tar member name length ${nameBytes.length}`);
  const h = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(h, 0);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtimeS);
  h.fill(0x20, 148, 156); // checksum counted as spaces
  h.write('0', 156, 'ascii'); // regular file
  h.write('ustar\u000000', 257, 'ascii'); // magic "ustar\0", version "00"
  h.write('posterm', 265, 'ascii'); // uname
  h.write('posterm', 297, 'ascii'); // gname
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  return h;
}

/** The tar archive (uncompressed) of these members, in order. */
export function tar(members: readonly TarMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : m.data;
    parts.push(tarHeader(m.name, data.length, m.mode ?? 0o600, m.mtimeS ?? 0), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(2 * BLOCK, 0));
  return Buffer.concat(parts);
}

export function tarGz(members: readonly TarMember[]): Buffer {
  return gzipSync(tar(members), { level: 9 });
}
