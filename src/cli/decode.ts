/**
 * posterm decode: ISO 8583 hex -> fields (describe text or JSON), masked unless --reveal.
 * With `-`, one message per stdin line; a bad line never stops the following ones.
 */
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { decodeFramePayload, type Header, type Tpdu } from '../host/framing.js';
import { type Dialect, describe, type IsoMessage, maskField, unpack } from '../iso8583/index.js';
import {
  asPosError,
  errorJson,
  errorText,
  nonEmptyLines,
  parseHex,
  resolveDialect,
  usageError,
} from './codecIo.js';
import { type CliCommand, type CliIo, ExitCode } from './command.js';

const usage = `usage: posterm decode [--dialect cup-pos|iso87-ascii] [--framed] [--json] [--reveal] [HEX | -]

Decodes one ISO 8583 message given as hex (from the MTI on), or with '-' one message per line
of standard input (empty lines skipped), one result per line.

  --dialect NAME  cup-pos (default) or iso87-ascii
  --framed        the hex starts with the 2-byte length, the TPDU (5 bytes) and the header (6)
  --json          {"ok":true,"mti":"0200","fields":{...}} or {"ok":false,"code","field","offset","message"}
  --reveal        show card data (PAN, track, PIN block, ICC data) in clear

Offsets in errors count from the MTI (also with --framed). Exit code 1 when any message failed.`;

export interface DecodeOptions {
  framed: boolean;
  json: boolean;
  reveal: boolean;
}

interface Decoded {
  msg: IsoMessage;
  tpdu?: Tpdu;
  header?: Header;
  tpduHex?: string;
  headerHex?: string;
}

function decodeBytes(dialect: Dialect, bytes: Buffer, framed: boolean): Decoded {
  if (!framed) return { msg: unpack(dialect, bytes) };
  if (bytes.length < 2)
    throw new PosError('CLI_BAD_FRAME', 'frame shorter than its 2-byte length', { offset: 0 });
  const len = bytes.readUInt16BE(0);
  if (len !== bytes.length - 2) {
    throw new PosError('CLI_BAD_FRAME', `frame length says ${len} bytes, ${bytes.length - 2} follow`, {
      offset: 0,
    });
  }
  const frame = decodeFramePayload(bytes.subarray(2));
  return {
    msg: unpack(dialect, frame.body),
    tpdu: frame.tpdu,
    header: frame.header,
    tpduHex: bytes.toString('hex', 2, 7).toUpperCase(),
    headerHex: bytes.toString('hex', 7, 13).toUpperCase(),
  };
}

function toJson(dialect: Dialect, d: Decoded, reveal: boolean): string {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.msg.fields)) {
    fields[k] = reveal ? v : maskField(dialect, Number(k), v);
  }
  const out: Record<string, unknown> = { ok: true };
  if (d.tpduHex !== undefined) {
    out.tpdu = d.tpduHex;
    out.header = d.headerHex;
  }
  out.mti = d.msg.mti;
  out.fields = fields;
  return JSON.stringify(out);
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function toText(dialect: Dialect, d: Decoded, reveal: boolean): string {
  const lines: string[] = [];
  if (d.tpdu && d.header) {
    const t = d.tpdu;
    const h = d.header;
    lines.push(
      `TPDU   ${d.tpduHex} (id ${t.id.toString(16)}, destination ${hex4(t.destination)}, source ${hex4(t.source)})`,
    );
    lines.push(
      `header ${d.headerHex} (application ${h.applicationType.toString(16)}, version ${h.version.toString(16)}, ` +
        `status ${h.terminalStatus}, processing requirement ${h.processingRequirement}, software ${h.softwareVersion})`,
    );
  }
  lines.push(describe(dialect, d.msg, { reveal }));
  return lines.join('\n');
}

/** Decode one hex line into its output text; never throws. */
export function decodeLine(
  dialect: Dialect,
  line: string,
  opts: DecodeOptions,
): { ok: boolean; out: string } {
  try {
    const d = decodeBytes(dialect, parseHex(line), opts.framed);
    return { ok: true, out: opts.json ? toJson(dialect, d, opts.reveal) : toText(dialect, d, opts.reveal) };
  } catch (e) {
    const err = asPosError(e);
    return { ok: false, out: opts.json ? errorJson(err) : errorText(err) };
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
  if (positionals.length !== 1) throw new PosError('CLI_USAGE', 'give one HEX message, or - to read stdin');
  const dialect = resolveDialect(values.dialect);
  const opts: DecodeOptions = { framed: !!values.framed, json: !!values.json, reveal: !!values.reveal };
  const input = positionals[0];
  if (input !== '-') {
    const r = decodeLine(dialect, input, opts);
    io.stdout.write(`${r.out}\n`);
    return r.ok ? ExitCode.Ok : ExitCode.Failed;
  }
  let failed = false;
  let first = true;
  for await (const line of nonEmptyLines(io.stdin)) {
    const r = decodeLine(dialect, line, opts);
    if (!r.ok) failed = true;
    // Text results are several lines each: a blank line between messages.
    io.stdout.write(`${!opts.json && !first ? '\n' : ''}${r.out}\n`);
    first = false;
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
      json: { type: 'boolean' },
      reveal: { type: 'boolean' },
    },
  });
}

const command: CliCommand = { summary: 'decode ISO 8583 messages from hex (masked by default)', usage, run };
export default command;
