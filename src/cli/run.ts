/** `posterm run --profile FILE`: the terminal runtime, until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import type { Logger as PinoLogger } from 'pino';
import { serveRuntime } from '../control/serveRuntime.js';
import { isPosError, PosError } from '../errors.js';
import { createLogger } from '../log.js';
import { loadProfile } from '../profile/loadProfile.js';
import { Runtime } from '../runtime/Runtime.js';
import { type CliCommand, ExitCode } from './command.js';
import { RunService } from './RunService.js';
import { type ProfileReader, readerForProfile } from './readerForProfile.js';

const run: CliCommand = {
  summary: 'the terminal runtime: reader + host link + journal + control socket',
  usage: `posterm run [--profile NAME|FILE] [--log-level info|debug|warn] [--log-file PATH]
  Runs until SIGINT/SIGTERM (a clean stop: the sale in flight is finished; a second signal does
  not cut it short). SIGHUP re-reads the profile: log level, offline and amount limits, response
  timeout, echo interval, tap timeout, minimum free space and batch limits apply at once; other
  changes are logged as 'restart needed for: ...'; a bad file is logged and the running profile
  kept. Under systemd (NOTIFY_SOCKET set) it reports READY/RELOADING/STOPPING and pings the
  watchdog through systemd-notify (deploy/posterm.service).
  Logs are JSON lines (card data masked) on stdout, or in --log-file; the level comes from
  --log-level, else the profile's log.level, else POSTERM_LOG_LEVEL, else info.
  'posterm sale|void|refund|inquiry|queue|status' talk to it over the profile's control socket,
  which answers at once (sign-on runs in the background; 'status' shows signingOn).
  A missing or unplugged reader does not stop it: sales answer READER_UNAVAILABLE until the
  reader is back; advices, reversals and settlement go on.
  Exit codes: 0 stopped by a signal; 2 usage; 4 could not start (another runtime holds the
  journal, journal corrupt or its key missing or wrong, a key file open to others, the control
  socket's directory unusable or the socket not answering (CONTROL_NOT_READY), a bad profile),
  with one line 'posterm run: CODE: message' on stderr naming the file or device.`,
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
    let reader: ProfileReader | undefined;
    let rt: Runtime | undefined;
    let log: PinoLogger;
    const profileArg = values.profile ?? 'emulator';
    try {
      const profile = loadProfile(profileArg);
      // stdout by default: under systemd, journald takes the JSON lines from there
      log = createLogger('posterm', {
        level: values['log-level'] ?? profile.log?.level,
        destination: values['log-file'] ?? 1,
      });
      reader = await readerForProfile(profile);
      rt = await Runtime.start({ profile, log, readerPath: reader.path });
      await serveRuntime(rt, log); // the control socket, before the background sign-on ends
    } catch (e) {
      // Runtime.start closed what it had opened; close the virtual reader too, so the process ends.
      await rt?.stop();
      await reader?.close();
      if (!isPosError(e)) throw e;
      io.stderr.write(`posterm run: ${e.code}: ${e.message}\n`);
      return ExitCode.NotStarted;
    }
    // Signal handlers first: whoever waits for the line below may stop the runtime at once.
    const service = new RunService({ rt, profileArg, log });
    const { profile } = rt;
    io.stdout.write(
      `posterm running: profile ${profile.name}, terminal ${profile.terminalId}, control ${profile.control.socket ?? '(none)'}\n`,
    );
    try {
      await service.ready(); // READY=1 to systemd once the control socket answers
    } catch (e) {
      if (!isPosError(e)) throw e;
      log.error({ code: e.code }, e.message);
      io.stderr.write(`posterm run: ${e.code}: ${e.message}\n`);
      await rt.stop();
      await reader.close();
      await service.dispose();
      return ExitCode.NotStarted;
    }
    await service.stopRequested;
    await rt.stop();
    await reader.close();
    await service.dispose();
    io.stdout.write('posterm stopped\n');
    return ExitCode.Ok;
  },
};

export default run;
