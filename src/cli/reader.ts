/**
 * `posterm reader info|tap`: talk to a NEO 2 reader (a device or tcp://host:port).
 * Output is masked: PAN first 6 / last 4, no track data.
 */
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { parseTlv } from '../iso8583/tlv.js';
import { maskPan } from '../mask.js';
import type { ReaderDriver } from '../reader/ReaderDriver.js';
import { amountArg, type CliCommand, type CliIo, ExitCode } from './command.js';

const usage = `usage: posterm reader info --device PATH [--baud N] [--wait S] [--json]
       posterm reader tap --device PATH --amount 12.34 [--timeout S] [--type T] [--wait S] [--json]

PATH is a serial device (/dev/ttyUSB0, /dev/serial/by-id/...) or tcp://host:port.

  info            ping (round trip), firmware version, serial number, frame counters
  tap             activate a transaction and print the masked card data, the entry
                  interface and the chip tags present
  --device PATH   the reader
  --baud N        line speed (default 115200)
  --amount A      amount in major units, e.g. 12.34
  --timeout S     seconds the reader waits for a card (default 30)
  --type T        purchase (default), refund or balance-inquiry
  --wait S        seconds to wait for the reader to come up (default 5)
  --json          one JSON object instead of text`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      device: { type: 'string' },
      baud: { type: 'string' },
      amount: { type: 'string' },
      timeout: { type: 'string' },
      type: { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}

async function connect(
  device: string,
  baud: number,
  waitSec: number,
  io: CliIo,
): Promise<ReaderDriver | undefined> {
  const { ReaderDriver } = await import('../reader/ReaderDriver.js');
  const driver = new ReaderDriver({ path: device, baud, idlePingMs: 0, startTimeoutMs: waitSec * 1000 });
  try {
    await driver.start();
    return driver;
  } catch (e) {
    await driver.stop();
    io.stderr.write(
      `posterm reader: ${(e as PosError).code ?? 'READER_UNAVAILABLE'}: ${(e as Error).message}\n`,
    );
    return undefined;
  }
}

const reader: CliCommand = {
  summary: 'card reader: info (ping, version, serial, counters) or a test tap',
  usage,
  async run(argv, io) {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (e) {
      throw new PosError('CLI_USAGE', (e as Error).message);
    }
    const { values, positionals } = parsed;
    const sub = positionals[0];
    if (sub !== 'info' && sub !== 'tap')
      throw new PosError('CLI_USAGE', 'expected info or tap', { key: 'command' });
    if (!values.device) throw new PosError('CLI_USAGE', '--device is required', { key: 'device' });
    const baud = values.baud === undefined ? 115200 : Number(values.baud);
    if (!Number.isInteger(baud) || baud < 1200)
      throw new PosError('CLI_USAGE', '--baud must be a number', { key: 'baud' });
    const waitSec = values.wait === undefined ? 5 : Number(values.wait);
    if (!(waitSec > 0 && waitSec <= 600))
      throw new PosError('CLI_USAGE', '--wait must be 0..600 seconds', { key: 'wait' });
    let amountMinor = 0;
    let timeoutSec = 30;
    const type = (values.type ?? 'purchase') as 'purchase' | 'refund' | 'balance-inquiry';
    if (sub === 'tap') {
      if (values.amount === undefined)
        throw new PosError('CLI_USAGE', '--amount is required', { key: 'amount' });
      amountMinor = amountArg(values.amount, { allowZero: true });
      timeoutSec = values.timeout === undefined ? 30 : Number(values.timeout);
      if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 255) {
        throw new PosError('CLI_USAGE', '--timeout must be 1..255 seconds', { key: 'timeout' });
      }
      if (!['purchase', 'refund', 'balance-inquiry'].includes(type)) {
        throw new PosError('CLI_USAGE', '--type must be purchase, refund or balance-inquiry', {
          key: 'type',
        });
      }
    }
    const driver = await connect(values.device, baud, waitSec, io);
    if (!driver) return ExitCode.Unavailable;
    try {
      return sub === 'info'
        ? await info(driver, values.json === true, io)
        : await tap(driver, { amountMinor, timeoutSec, type }, values.json === true, io);
    } finally {
      await driver.stop();
    }
  },
};

async function info(driver: ReaderDriver, json: boolean, io: CliIo): Promise<number> {
  const pingMs = await driver.ping();
  const firmware = await driver.firmwareVersion();
  const serial = await driver.serialNumber();
  const counters = driver.counters;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ state: driver.state, pingMs: Number(pingMs.toFixed(2)), firmware, serial, counters })}\n`,
    );
  } else {
    io.stdout.write(
      [
        `reader:    ${driver.state}`,
        `ping:      ${pingMs.toFixed(2)} ms`,
        `firmware:  ${firmware}`,
        `serial:    ${serial}`,
        `frames:    ${counters.frames} ok, ${counters.badCrc} bad CRC, ${counters.badLength} bad length, ${counters.timeouts} timed out, ${counters.noiseBytes} noise bytes in ${counters.noiseRuns} runs`,
        '',
      ].join('\n'),
    );
  }
  return ExitCode.Ok;
}

async function tap(
  driver: ReaderDriver,
  req: { amountMinor: number; timeoutSec: number; type: 'purchase' | 'refund' | 'balance-inquiry' },
  json: boolean,
  io: CliIo,
): Promise<number> {
  if (!json) io.stderr.write(`present a card (waiting up to ${req.timeoutSec} s) ...\n`);
  const r = await driver.activate(req);
  const chipTags = r.iccData ? parseTlv(r.iccData).map((t) => t.tag) : [];
  const out = {
    outcome: r.outcome,
    entryInterface: r.entryInterface,
    pan: r.pan === undefined ? undefined : maskPan(r.pan),
    panSequence: r.panSequence,
    track2Present: r.track2 !== undefined,
    chipTags,
  };
  r.wipe();
  if (json) io.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    const lines = [`outcome:   ${out.outcome}`];
    if (out.entryInterface) lines.push(`entry:     ${out.entryInterface}`);
    if (out.pan) lines.push(`card:      ${out.pan}${out.panSequence ? ` (PSN ${out.panSequence})` : ''}`);
    if (out.pan) lines.push(`track 2:   ${out.track2Present ? 'present (hidden)' : 'absent'}`);
    if (chipTags.length) lines.push(`chip tags: ${chipTags.join(' ')}`);
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return out.outcome === 'online' || out.outcome === 'approved-offline' ? ExitCode.Ok : ExitCode.Failed;
}

export default reader;
