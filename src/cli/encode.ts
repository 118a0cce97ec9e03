/**
 * posterm encode: fields JSON -> ISO 8583 hex (uppercase). Accepts the decode --json shape
 * ({"mti","fields"}), or the vector shape with "t" for the MTI. With `-`, reads stdin: one JSON
 * document, or one JSON object per line.
 */
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { defaultHeader, encodeFrame, type Header, parseTpdu } from '../host/framing.js';
import { type Dialect, type IsoMessage, pack } from '../iso8583/index.js';
import { asPosError, errorText, readAll, resolveDialect, usageError } from './codecIo.js';
import { type CliCommand, type CliIo, ExitCode } from './command.js';

const DEFAULT_TPDU = '6000030000';

const usage = `usage: posterm encode [--dialect cup-pos|iso87-ascii] [--framed] [--tpdu HEX] FIELDS_JSON | -

Packs one message and prints it as uppercase hex (from the MTI on).
FIELDS_JSON: {"mti":"0200","fields":{"2":"...","3":"000000"}} (the shape decode --json prints), or
{"t":"0200","2":"...", ...} / {"fields":{"t":"0200", ...}} (the vector shape). Values: digits for n,
text for an/ans, track with D or =, uppercase hex for b fields and 55.
With '-', reads standard input: one JSON document, or one JSON object per line.

  --dialect NAME  cup-pos (default) or iso87-ascii
  --framed        prefix the 2-byte length, TPDU and header (TPDU ${DEFAULT_TPDU} and the default
                  header, or the "tpdu"/"header" of the JSON when present)
  --tpdu HEX      TPDU for --framed (5 bytes)`;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badJson(message: string, key?: string): PosError {
  return new PosError('CLI_BAD_JSON', message, key === undefined ? {} : { key });
}

/** The message of a JSON object in one of the accepted shapes. */
export function messageFromJson(o: unknown): IsoMessage {
  if (!isObject(o)) throw badJson('input must be a JSON object');
  const src = isObject(o.fields) ? o.fields : o;
  const mti = o.mti ?? src.mti ?? src.t ?? o.t;
  if (typeof mti !== 'string') throw badJson('missing "mti" (or "t")', 'mti');
  const fields: Record<number, string> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 't' || k === 'mti') continue;
    if (!/^[0-9]{1,3}$/.test(k)) {
      if (src === o) continue; // flat vector shape: other keys (name, hex ...) are not fields
      throw badJson(`"${k.slice(0, 20)}" is not a field number`, k.slice(0, 20));
    }
    if (typeof v !== 'string') throw badJson(`field ${k} must be a string`, k);
    fields[Number(k)] = v;
  }
  return { mti, fields };
}

function headerFromHex(hex: string): Header {
  if (!/^[0-9A-Fa-f]{12}$/.test(hex)) throw badJson('"header" must be 6 bytes of hex', 'header');
  const b = Buffer.from(hex, 'hex');
  return {
    applicationType: b[0],
    version: b[1],
    terminalStatus: b[2] >> 4,
    processingRequirement: b[2] & 0x0f,
    softwareVersion: b.toString('hex', 3, 6),
  };
}

export interface EncodeOptions {
  framed: boolean;
  tpdu?: string;
}

/** Encode one JSON value to uppercase hex; throws coded errors. */
export function encodeJson(dialect: Dialect, o: unknown, opts: EncodeOptions): string {
  const msg = messageFromJson(o);
  const body = pack(dialect, msg);
  if (!opts.framed) return body.toString('hex').toUpperCase();
  const j = o as Json;
  const tpduHex = opts.tpdu ?? (typeof j.tpdu === 'string' ? j.tpdu : DEFAULT_TPDU);
  const header = typeof j.header === 'string' ? headerFromHex(j.header) : defaultHeader();
  return encodeFrame({ tpdu: parseTpdu(tpduHex), header, body })
    .toString('hex')
    .toUpperCase();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badJson('input is not valid JSON');
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw usageError(e);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new PosError('CLI_USAGE', 'give one FIELDS_JSON, or - to read stdin');
  const dialect = resolveDialect(values.dialect);
  const opts: EncodeOptions = { framed: !!values.framed, tpdu: values.tpdu };
  if (opts.tpdu !== undefined) parseTpdu(opts.tpdu); // a bad --tpdu is reported once, up front
  let docs: string[];
  if (positionals[0] === '-') {
    const text = await readAll(io.stdin);
    let whole = true;
    try {
      JSON.parse(text);
    } catch {
      whole = false;
    }
    docs = whole ? [text] : text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  } else {
    docs = [positionals[0]];
  }
  let failed = false;
  for (const doc of docs) {
    try {
      io.stdout.write(`${encodeJson(dialect, parseJson(doc), opts)}\n`);
    } catch (e) {
      failed = true;
      io.stderr.write(`posterm encode: ${errorText(asPosError(e))}\n`);
    }
  }
  return failed ? ExitCode.Failed : ExitCode.Ok;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dialect: { type: 'string' },
      framed: { type: 'boolean' },
      tpdu: { type: 'string' },
    },
  });
}

const command: CliCommand = { summary: 'encode an ISO 8583 message from fields JSON to hex', usage, run };
export default command;
