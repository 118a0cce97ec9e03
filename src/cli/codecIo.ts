/** Helpers shared by `posterm decode` and `posterm encode`: arguments, hex input, result lines. */
import { createInterface } from 'node:readline';
import { isPosError, PosError } from '../errors.js';
import { type Dialect, getDialect } from '../iso8583/index.js';

/** The dialect named by --dialect (default cup-pos); an unknown name is a usage error. */
export function resolveDialect(name: string | undefined): Dialect {
  try {
    return getDialect(name ?? 'cup-pos');
  } catch (e) {
    if (isPosError(e, 'ISO_UNKNOWN_DIALECT')) {
      throw new PosError('CLI_USAGE', 'unknown dialect (known: cup-pos, iso87-ascii)', {
        key: 'dialect',
      });
    }
    throw e;
  }
}

/** Parse a hex string (whitespace ignored) or throw CLI_BAD_HEX naming the character offset. */
export function parseHex(text: string): Buffer {
  const hex = text.replace(/\s+/g, '');
  if (hex.length === 0) throw new PosError('CLI_BAD_HEX', 'empty hex input', { offset: 0 });
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (!ok) throw new PosError('CLI_BAD_HEX', `character ${i} of the input is not hex`, { offset: i });
  }
  if (hex.length % 2 !== 0) {
    throw new PosError('CLI_BAD_HEX', `odd number of hex characters (${hex.length})`, { offset: hex.length });
  }
  return Buffer.from(hex, 'hex');
}

/** Any failure as a coded error (unexpected ones become CLI_INTERNAL without their text). */
export function asPosError(e: unknown): PosError {
  if (isPosError(e)) return e;
  return new PosError('CLI_INTERNAL', 'unexpected failure', {}, { cause: e });
}

/** The JSON error line: {"ok":false,"code","field","offset","message"}. */
export function errorJson(err: PosError): string {
  const { field, offset } = err.context;
  return JSON.stringify({ ok: false, code: err.code, field, offset, message: err.message });
}

/** One-line text form of an error. */
export function errorText(err: PosError): string {
  const where: string[] = [];
  if (err.context.field !== undefined) where.push(`field ${err.context.field}`);
  if (err.context.offset !== undefined) where.push(`offset ${err.context.offset}`);
  return `error ${err.code}${where.length ? ` (${where.join(', ')})` : ''}: ${err.message}`;
}

/** Non-empty lines of a stream, trimmed, as they arrive. */
export async function* nonEmptyLines(input: NodeJS.ReadableStream): AsyncGenerator<string> {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    const t = line.trim();
    if (t.length > 0) yield t;
  }
}

/** The whole stream as text. */
export async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** node:util parseArgs errors become CLI_USAGE (exit code 2). */
export function usageError(e: unknown): PosError {
  if (isPosError(e)) return e;
  const msg = e instanceof Error ? e.message : 'bad arguments';
  return new PosError('CLI_USAGE', msg.split('\n')[0]);
}
