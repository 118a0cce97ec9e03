#!/usr/bin/env node
/**
 * posterm command line: argument dispatch only. Each command lives in its own module and is
 * loaded on demand, so `posterm decode` does not load serialport or SQLite.
 */
import { isPosError, isUnavailable } from '../errors.js';
import { type CliCommand, type CliIo, ExitCode } from './command.js';

type Loader = () => Promise<CliCommand>;

/** The command table. Add one line per command (the module's default export is a CliCommand). */
const COMMANDS: Record<string, Loader> = {
  decode: () => import('./decode.js').then((m) => m.default),
  diag: () => import('./diag.js').then((m) => m.default),
  encode: () => import('./encode.js').then((m) => m.default),
  'host-sim': () => import('./hostSim.js').then((m) => m.default),
  reader: () => import('./reader.js').then((m) => m.default),
  'reader-sim': () => import('./readerSim.js').then((m) => m.default),
  start: () => import('./start.js').then((m) => m.default),
  run: () => import('./run.js').then((m) => m.default),
  sale: () => import('./txnCommands.js').then((m) => m.sale),
  void: () => import('./txnCommands.js').then((m) => m.voidCmd),
  refund: () => import('./txnCommands.js').then((m) => m.refund),
  inquiry: () => import('./txnCommands.js').then((m) => m.inquiry),
  'txn-status': () => import('./txnCommands.js').then((m) => m.txnStatus),
  queue: () => import('./txnCommands.js').then((m) => m.queue),
  settle: () => import('./txnCommands.js').then((m) => m.settle),
  status: () => import('./txnCommands.js').then((m) => m.status),
  settlement: () => import('./settlementCommands.js').then((m) => m.settlement),
  report: () => import('./report.js').then((m) => m.report),
};

async function helpText(): Promise<string> {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const rows = await Promise.all(
    names.map(async (n) => `  ${n.padEnd(width)}${(await COMMANDS[n]()).summary}`),
  );
  return [
    'posterm: POS terminal runtime (card reader, ISO 8583, host link, journal)',
    '',
    'usage: posterm COMMAND [options]',
    '',
    'commands:',
    ...rows,
    '',
    'posterm help COMMAND   shows the options of one command',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const target = rest[0];
    if (name === 'help' && target && COMMANDS[target]) {
      io.stdout.write(`${(await COMMANDS[target]()).usage}\n`);
      return ExitCode.Ok;
    }
    io.stdout.write(`${await helpText()}\n`);
    return name ? ExitCode.Ok : ExitCode.Usage;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`posterm: unknown command '${name}'\n\n${await helpText()}\n`);
    return ExitCode.Usage;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${cmd.usage}\n`);
    return ExitCode.Ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isPosError(e)) {
      io.stderr.write(`posterm ${name}: ${e.code}: ${e.message}\n`);
      if (e.code === 'CLI_USAGE') return ExitCode.Usage;
      return isUnavailable(e) ? ExitCode.Unavailable : ExitCode.Failed;
    }
    throw e;
  }
}

const isEntry = process.argv[1] && /(?:^|[\\/])main\.(?:ts|js)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`posterm: internal error: ${(e as Error).message}\n`);
      process.exitCode = 70;
    },
  );
}
