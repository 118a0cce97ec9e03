/** `posterm run --profile FILE`: the terminal runtime, until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { readerForProfile } from '../emulator/readerForProfile.js';
import { PosError } from '../errors.js';
import { createLogger } from '../log.js';
import { loadProfile } from '../profile/loadProfile.js';
import { Runtime } from '../runtime/Runtime.js';
import { type CliCommand, ExitCode } from './command.js';

const run: CliCommand = {
  summary: 'the terminal runtime: reader + host link + journal + control socket',
  usage: `posterm run [--profile NAME|FILE] [--log-level info|debug|warn] [--log-file PATH]
  Runs until SIGINT/SIGTERM. Logs are JSON lines (card data masked) on stderr or --log-file.
  'posterm sale|void|refund|inquiry|queue' talk to it over the profile's control socket.`,
  async run(argv, io) {
    let values: { profile?: string; 'log-level'?: string; 'log-file'?: string };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          profile: { type: 'string', default: 'emulator' },
          'log-level': { type: 'string' },
          'log-file': { type: 'string' },
        },
      }));
    } catch (e) {
      throw new PosError('CLI_USAGE', (e as Error).message);
    }
    const profile = loadProfile(values.profile ?? 'emulator');
    const log = createLogger('posterm', { level: values['log-level'], destination: values['log-file'] });
    const reader = await readerForProfile(profile);
    const rt = await Runtime.start({ profile, log, readerPath: reader.path });
    // Signal handlers first: whoever waits for the line below may stop the runtime at once.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.stdout.write(
      `posterm running: profile ${profile.name}, terminal ${profile.terminalId}, control ${profile.control.socket ?? '(none)'}\n`,
    );
    await stopped;
    await rt.stop();
    await reader.close();
    io.stdout.write('posterm stopped\n');
    return ExitCode.Ok;
  },
};

export default run;
