/**
 * `posterm host-sim`: run the acquirer host simulator standalone, or print a running one's ledger
 * through its admin channel (JSON lines on 127.0.0.1, port = sim port + 1).
 */
import { parseArgs } from 'node:util';
import { isPosError, PosError } from '../errors.js';
import { type CliCommand, ExitCode } from './command.js';

/** TMK used when --tmk is not given (test value, never for production). */
export const DEFAULT_SIM_TMK = '0123456789ABCDEFFEDCBA9876543210';
const DEFAULT_PORT = 5800;

const usage = `usage: posterm host-sim [--port N] [--tls] [--faults LIST] [--tmk HEX] [--scenario NAME [--speed N]]
       posterm host-sim --ledger [--port N] [--terminal TID]

Runs the cup-pos acquirer host simulator on 127.0.0.1:N (default ${DEFAULT_PORT}; 0 = any free port)
until interrupted, and prints the port it listens on. Its admin channel (JSON lines) listens
on 127.0.0.1:N+1.

  --port N        listening port (with --ledger: the port of the running simulator)
  --host ADDR     listening address (default 127.0.0.1)
  --tls           TLS with test/fixtures/tls/ when present, else a self-signed pair (openssl)
  --faults LIST   faults, e.g. delay:200,bad-mac@0200,no-answer*2 (see docs/host-simulator.md)
  --tmk HEX       terminal master key, 16 bytes hex (default: the test TMK)
  --scenario NAME settlement scenario (normal-week, after-cut-off, holiday, d0-limit, account-class,
                  risk-hold, maintenance, transfer-failure, delayed-settlement) or a .json file
  --speed N       with --scenario: a fast clock from the scenario's start, N host seconds per second
  --ledger        print the running simulator's ledger as JSON and exit
  --terminal TID  with --ledger: only this terminal

Exits 1 with EMU_ADDRESS_IN_USE when the port (or the admin port N+1) is taken.`;

const hostSim: CliCommand = {
  summary: 'run the acquirer host simulator (cup-pos), or print its ledger',
  usage,
  async run(argv, io) {
    let values: ReturnType<typeof parse>['values'];
    try {
      values = parse(argv).values;
    } catch (e) {
      throw new PosError('CLI_USAGE', (e as Error).message);
    }
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65534) {
      throw new PosError('CLI_USAGE', '--port must be 0..65534', { key: 'port' });
    }
    if (values.ledger) {
      const { queryHostSimAdmin } = await import('../emulator/hostSimAdmin.js');
      let answer: Record<string, unknown>;
      try {
        answer = await queryHostSimAdmin(port + 1, {
          cmd: 'ledger',
          ...(values.terminal ? { terminalId: values.terminal } : {}),
        });
      } catch (e) {
        io.stderr.write(`posterm host-sim: ${(e as Error).message}\n`);
        return ExitCode.Unavailable;
      }
      io.stdout.write(`${JSON.stringify(answer.ledger ?? answer, null, 2)}\n`);
      return answer.ok ? ExitCode.Ok : ExitCode.Failed;
    }
    const tmkHex = values.tmk ?? DEFAULT_SIM_TMK;
    if (!/^([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48})$/.test(tmkHex)) {
      throw new PosError('CLI_USAGE', '--tmk must be 8, 16 or 24 bytes of hex', { key: 'tmk' });
    }
    const { parseFaults } = await import('../emulator/hostFaults.js');
    const faults = parseFaults(values.faults ?? '');
    const { startHostSim } = await import('../emulator/hostSim.js');
    const { startHostSimAdmin } = await import('../emulator/hostSimAdmin.js');
    let tls: import('../emulator/hostSimTls.js').HostSimTlsMaterial | undefined;
    if (values.tls) tls = (await import('../emulator/hostSimTls.js')).hostSimTls();
    let scenario: import('../emulator/hostScenario.js').SettlementScenario | undefined;
    let clock: import('../clock.js').ManualClock | undefined;
    if (values.scenario !== undefined) {
      scenario = (await import('../emulator/hostScenario.js')).loadScenario(values.scenario);
    }
    if (values.speed !== undefined) {
      const speed = Number(values.speed);
      if (!scenario || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000)
        throw new PosError('CLI_USAGE', '--speed N (0 < N <= 1000000) needs --scenario', { key: 'speed' });
      const { ManualClock } = await import('../clock.js');
      const { SettlementEngine } = await import('../emulator/SettlementEngine.js');
      const { HostLedger } = await import('../emulator/hostLedger.js');
      const start = new SettlementEngine({ ledger: new HostLedger() }).hostTime(scenario.start);
      const fast = new ManualClock(start);
      clock = fast;
      const tick = 250;
      setInterval(() => fast.advance(tick * speed), tick).unref();
    }
    const opts = {
      port,
      host: values.host ?? '127.0.0.1',
      tmk: Buffer.from(tmkHex, 'hex'),
      faults,
      ...(tls ? { tls } : {}),
      ...(scenario ? { scenario } : {}),
      ...(clock ? { clock } : {}),
    };
    let sim = await startHostSim(opts);
    let admin: Awaited<ReturnType<typeof startHostSimAdmin>>;
    // The admin channel is on port + 1; with --port 0 that one may be taken: pick another port.
    for (let attempt = 1; ; attempt++) {
      try {
        admin = await startHostSimAdmin(sim, sim.port + 1);
        break;
      } catch (e) {
        if (port !== 0 || attempt >= 20 || !isPosError(e, 'EMU_ADDRESS_IN_USE')) {
          await sim.close();
          throw e;
        }
        await sim.close();
        sim = await startHostSim(opts);
      }
    }
    io.stdout.write(
      `${JSON.stringify({ port: sim.port, adminPort: admin.port, tls: tls ? tls.source : false, faults: values.faults ?? '', scenario: scenario?.name ?? null })}\n`,
    );
    sim.on('response', (ev) => {
      io.stdout.write(
        `${JSON.stringify({ mti: ev.mti, terminalId: ev.terminalId, stan: ev.stan, responseCode: ev.responseCode, note: ev.note, faults: ev.faults })}\n`,
      );
    });
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await admin.close();
    await sim.close();
    return ExitCode.Ok;
  },
};

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      tls: { type: 'boolean' },
      faults: { type: 'string' },
      tmk: { type: 'string' },
      ledger: { type: 'boolean' },
      terminal: { type: 'string' },
      scenario: { type: 'string' },
      speed: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
}

export default hostSim;
