/** `posterm start` (npm start): the emulator's day. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PosError } from '../errors.js';
import { type CliCommand, ExitCode } from './command.js';

const start: CliCommand = {
  summary: "the emulator's day: host simulator, virtual reader and runtime through a merchant's day",
  usage: `posterm start [--dir PATH] [--lang zh|en] [--scenario NAME] [--json]
  Runs the host simulator, a network that drops, the virtual reader and the runtime through a
  day of sales (declines, a timeout and its reversal, void, refund, an outage with offline sales
  forwarded afterwards) and checks that the host's ledger and the journal agree. Then a settlement
  week on the fast clock: one runtime per merchant of a settlement scenario (default every-cause,
  every cause of a late payment in one week) makes its sales, settles its batches and asks the
  host where the money is; at the end, which payments arrived when and why the late ones were
  late, with the remedy.
  --dir: where the journals, keys and logs go (default .posterm/day, emptied first).
  --lang: the week's report in one language (default English and Chinese).`,
  async run(argv, io) {
    let values: { dir?: string; json?: boolean; lang?: string; scenario?: string };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          dir: { type: 'string' },
          json: { type: 'boolean' },
          lang: { type: 'string' },
          scenario: { type: 'string' },
        },
      }));
    } catch (e) {
      throw new PosError('CLI_USAGE', (e as Error).message);
    }
    const lang = values.lang ?? 'both';
    if (lang !== 'both' && lang !== 'en' && lang !== 'zh')
      throw new PosError('CLI_USAGE', `--lang must be zh or en, got '${lang}'`, { key: 'lang' });
    const { loadScenario } = await import('../emulator/hostScenario.js');
    const scenario = loadScenario(values.scenario ?? 'every-cause');
    const { runEmulatorDay } = await import('./emulatorDay.js');
    const { runSettlementWeek } = await import('./settlementWeek.js');
    const dir = values.dir ?? join('.posterm', 'day');
    const write = (s: string) => !values.json && io.stdout.write(s);
    const summary = await runEmulatorDay({ dir, write });
    const week = await runSettlementWeek({ dir: join(dir, 'week'), scenario, lang, write });
    if (values.json) io.stdout.write(`${JSON.stringify({ ...summary, settlementWeek: week })}\n`);
    return summary.ledgerAgrees && week.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};

export default start;
