/** `posterm start` (npm start): the emulator's day. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { type CliCommand, ExitCode } from './command.js';

const start: CliCommand = {
  summary: "the emulator's day: host simulator, virtual reader and runtime through a merchant's day",
  usage: `posterm start [--dir PATH] [--json]
  Runs the host simulator, a network that drops, the virtual reader and the runtime through a
  day of sales (declines, a timeout and its reversal, void, refund, an outage with offline sales
  forwarded afterwards) and checks that the host's ledger and the journal agree.
  --dir: where the day's journal, key and log go (default .posterm/day, emptied first).`,
  async run(argv, io) {
    let values: { dir?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { dir: { type: 'string' }, json: { type: 'boolean' } },
      }));
    } catch (e) {
      throw new PosError('CLI_USAGE', (e as Error).message);
    }
    const { runEmulatorDay } = await import('./emulatorDay.js');
    const dir = values.dir ?? join('.posterm', 'day');
    const summary = await runEmulatorDay({ dir, write: (s) => !values.json && io.stdout.write(s) });
    if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.ledgerAgrees ? ExitCode.Ok : ExitCode.Failed;
  },
};

export default start;
