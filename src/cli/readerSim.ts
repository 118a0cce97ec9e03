/**
 * `posterm reader-sim`: run the virtual NEO 2 reader standalone on a pty (socat) or TCP until
 * interrupted. Lines on stdin change it while it runs: `card NAME`, `faults LIST`, `unplug`,
 * `replug`, `boot`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { type CliCommand, type CliIo, ExitCode } from './command.js';

const usage = `usage: posterm reader-sim [--pty LINK_PATH | --tcp PORT] [--card NAME] [--faults LIST]

Runs a virtual NEO 2 card reader until interrupted and prints the device path to give to
'posterm reader --device' (a pty link made by socat, or tcp://127.0.0.1:PORT).

  --pty LINK_PATH   pty link to create (default: posterm-reader-sim in the temp directory)
  --tcp PORT        serve on TCP instead (0 = any free port)
  --card NAME       test card presented on activate (default unionpay-contactless)
  --faults LIST     comma list of: noise, split, bad-crc, reboot, unplug
  --list-cards      print the built-in test cards (masked) and exit

While it runs, stdin accepts: card NAME | faults LIST | unplug | replug | boot`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      pty: { type: 'string' },
      tcp: { type: 'string' },
      card: { type: 'string' },
      faults: { type: 'string' },
      'list-cards': { type: 'boolean' },
    },
  });
}

/** Runs until `stop` aborts; exported for tests. */
export async function runReaderSim(argv: string[], io: CliIo, stop: AbortSignal): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (e) {
    throw new PosError('CLI_USAGE', (e as Error).message);
  }
  const { TEST_CARDS } = await import('../emulator/VirtualReaderCards.js');
  if (values['list-cards']) {
    const { maskPan } = await import('../mask.js');
    for (const c of Object.values(TEST_CARDS)) {
      io.stdout.write(`${c.name.padEnd(22)} ${maskPan(c.pan)}  ${c.entry.padEnd(12)} ${c.behaviour}\n`);
    }
    return ExitCode.Ok;
  }
  if (values.pty !== undefined && values.tcp !== undefined) {
    throw new PosError('CLI_USAGE', 'give --pty or --tcp, not both');
  }
  let tcpPort: number | undefined;
  if (values.tcp !== undefined) {
    tcpPort = Number(values.tcp);
    if (!Number.isInteger(tcpPort) || tcpPort < 0 || tcpPort > 65535) {
      throw new PosError('CLI_USAGE', '--tcp must be a port number', { key: 'tcp' });
    }
  }
  const { parseFaults, testCard } = await import('../emulator/VirtualReader.js');
  const faults = parseFaults(values.faults ?? '');
  if (values.card) testCard(values.card);
  const { startVirtualReader } = await import('../emulator/VirtualReaderServer.js');
  const sim = await startVirtualReader({
    ...(tcpPort !== undefined ? { tcpPort } : { pty: values.pty ?? join(tmpdir(), 'posterm-reader-sim') }),
    card: values.card,
    faults,
  });
  io.stdout.write(`${JSON.stringify({ path: sim.path, card: sim.reader.currentCard.name, faults })}\n`);
  sim.reader.on('command', (c) => {
    io.stderr.write(
      `command ${c.command.toString(16).padStart(2, '0')}-${c.sub.toString(16).padStart(2, '0')}\n`,
    );
  });
  const rl = createInterface({ input: io.stdin });
  rl.on('line', (line) => {
    const [verb, arg = ''] = line.trim().split(/\s+/, 2);
    try {
      if (verb === 'card') sim.setCard(arg);
      else if (verb === 'faults') sim.setFaults(parseFaults(arg));
      else if (verb === 'unplug') void sim.unplug();
      else if (verb === 'replug') void sim.replug();
      else if (verb === 'boot') sim.reader.sendBoot();
      else if (verb) throw new PosError('CLI_USAGE', `unknown input '${verb}'`);
      if (verb) io.stderr.write(`ok ${verb}\n`);
    } catch (e) {
      io.stderr.write(`${(e as PosError).code ?? 'ERROR'}: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    stop.addEventListener('abort', () => resolve(), { once: true });
  });
  rl.close();
  await sim.close();
  return ExitCode.Ok;
}

const readerSim: CliCommand = {
  summary: 'run the virtual NEO 2 card reader on a pty or TCP',
  usage,
  async run(argv, io) {
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await runReaderSim(argv, io, ac.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

export default readerSim;
