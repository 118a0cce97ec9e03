/**
 * `posterm diag` without the CLI: loads the profile, asks a running runtime (when its control
 * socket answers) for its status and queue, builds the ordered checks for that mode and runs
 * them. Running-runtime mode: serial port and journal are never opened here; their facts come
 * from the runtime. Standalone: the serial port and the journal (read through its normal open,
 * which takes the exclusive lock) are opened here and closed before this returns.
 */

import { loadProfile, type TerminalProfile } from '../profile/loadProfile.js';
import type { SerialBindingLike } from '../reader/ReaderPort.js';
import type { SettlementStatusResponse } from '../settlement/settlementReports.js';
import { askRuntime, type RuntimeEnv } from './askRuntime.js';
import { checkClockSync, judgeClockOffset, type NtpState } from './clockChecks.js';
import { type DiagCheck, type DiagReport, notApplicable, pass } from './DiagResult.js';
import { HostProbe } from './HostProbe.js';
import { JournalAccess } from './JournalAccess.js';
import {
  checkJournalDisk,
  checkJournalIntegrity,
  checkJournalKey,
  checkJournalQueue,
  checkJournalReversals,
  checkOpenBatch,
} from './journalChecks.js';
import { NEEDS_CARD, type OnCardWait, runtimeMacCheck, standaloneMacCheck } from './macChecks.js';
import {
  checkDns,
  checkTcp,
  checkTls,
  type EndpointState,
  type EndpointTarget,
  type LookupFn,
} from './networkChecks.js';
import { checkProfileKeys, checkProfileValid } from './profileChecks.js';
import { ReaderProbe } from './ReaderProbe.js';
import { exitCodeOf, runChecks, summarise } from './runChecks.js';
import {
  FROM_RUNTIME,
  runtimeDisk,
  runtimeHostExchange,
  runtimeJournalHealth,
  runtimeJournalKey,
  runtimeQueue,
  runtimeReader,
  runtimeReversals,
  runtimeSerialOpen,
  runtimeSignOn,
} from './runtimeFactChecks.js';
import { checkSerialDevice, checkSerialOpen, type SerialTarget } from './serialChecks.js';
import { SETTLEMENT_STAGE_CHECKS, settlementCheckList, statusFromJournal } from './settlementChecks.js';

export interface DiagnoseOptions {
  /** Profile name or file (default 'emulator'). */
  profile?: string;
  /** DNS lookup (tests). */
  lookup?: LookupFn;
  /** Serial binding (tests). */
  binding?: SerialBindingLike;
  /** Where udev puts stable serial names (default /dev/serial/by-id). */
  byIdDir?: string;
  /** Wait for the runtime's hello and answers (default 3 s). */
  controlTimeoutMs?: number;
  /** Longest a single check may take (default 60 s). */
  checkTimeoutMs?: number;
  /** NTP state as the system reports it (tests; default timedatectl). */
  ntp?: () => Promise<NtpState>;
  /** Present a card for host.mac (a balance inquiry whose answer's MAC is checked). */
  card?: boolean;
  /** Called when the card is asked for (the CLI prompts the technician). */
  onCardWait?: OnCardWait;
  /** Wall clock of the date-dependent checks (settlement.calendar; tests). */
  now?: () => number;
}

/** Every check id in order, for a profile with the given endpoints (the doc lists these). */
export function checkIds(roles: string[] = ['primary']): string[] {
  return [
    'profile.valid',
    'profile.keys',
    'runtime.control',
    'serial.device',
    'serial.open',
    'reader.ping',
    'reader.frames',
    ...roles.flatMap((r) => [`host.${r}.dns`, `host.${r}.tcp`, `host.${r}.tls`]),
    'host.signon',
    'host.echo',
    'host.mac',
    'clock.host',
    'clock.sync',
    'journal.integrity',
    'journal.key',
    'journal.reversals',
    'journal.queue',
    'journal.batch',
    'journal.disk',
    'settlement.calendar',
    ...SETTLEMENT_STAGE_CHECKS.map((c) => c.id),
  ];
}

interface Env extends RuntimeEnv {
  journal: JournalAccess;
  probe?: HostProbe;
  reader?: ReaderProbe;
  settlement?: { status?: SettlementStatusResponse };
}

const EMULATOR = "reader.device is 'emulator' (the virtual reader runs beside the runtime)";

function plan(env: Env, o: DiagnoseOptions): DiagCheck[] {
  const p = env.profile;
  const emulator = p.reader.device === 'emulator';
  const serial: SerialTarget = {
    device: p.reader.device,
    baud: p.reader.baud,
    interByteTimeoutMs: p.reader.interByteTimeoutMs,
    binding: o.binding,
    byIdDir: o.byIdDir,
  };
  const rt = () => env.runtime;
  const checks: DiagCheck[] = [
    { id: 'profile.keys', title: 'keys present, key files private', run: () => checkProfileKeys(p) },
    {
      id: 'runtime.control',
      title: 'runtime running (control socket)',
      run: () => askRuntime(env, o.controlTimeoutMs ?? 3000),
    },
    {
      id: 'serial.device',
      title: 'reader device exists',
      run: async () => (emulator ? notApplicable(EMULATOR) : checkSerialDevice(serial)),
    },
    {
      id: 'serial.open',
      title: 'serial port opens',
      requires: emulator ? [] : ['serial.device'],
      run: async () => {
        const f = rt();
        if (f) return runtimeSerialOpen(f);
        return emulator ? notApplicable(EMULATOR) : checkSerialOpen(serial);
      },
    },
    {
      id: 'reader.ping',
      title: 'reader answers (ping, firmware, serial number)',
      requires: ['serial.open'],
      run: async () => {
        const f = rt();
        if (f) return runtimeReader(f);
        env.reader = new ReaderProbe(serial);
        return env.reader.answers();
      },
    },
    {
      id: 'reader.frames',
      title: 'frame counters over a burst of pings',
      requires: ['reader.ping'],
      run: async () =>
        env.reader
          ? env.reader.burst()
          : notApplicable('the runtime holds the port (diag sends no burst while it runs)'),
    },
  ];
  const endpoints: [string, NonNullable<TerminalProfile['host']['backup']>][] = [['primary', p.host.primary]];
  if (p.host.backup) endpoints.push(['backup', p.host.backup]);
  const transports: string[] = [];
  for (const [role, e] of endpoints) {
    const target: EndpointTarget = {
      role,
      host: e.host,
      port: e.port,
      tls: e.tls ? (p.host.tls ?? {}) : undefined,
      connectTimeoutMs: p.host.connectTimeoutMs,
    };
    const state: EndpointState = {};
    const id = `host.${role}`;
    checks.push(
      { id: `${id}.dns`, title: `${role} host: DNS`, run: () => checkDns(target, state, o.lookup) },
      {
        id: `${id}.tcp`,
        title: `${role} host: TCP connect`,
        requires: [`${id}.dns`],
        run: () => checkTcp(target, state),
      },
      {
        id: `${id}.tls`,
        title: `${role} host: TLS`,
        requires: [`${id}.tcp`],
        run: async () =>
          e.tls
            ? checkTls(target, state)
            : notApplicable('the endpoint is plain TCP (no TLS in the profile)'),
      },
    );
    transports.push(e.tls ? `${id}.tls` : `${id}.tcp`);
  }
  const probe = () => {
    env.probe ??= new HostProbe(p, env.journal);
    return env.probe;
  };
  checks.push(
    {
      id: 'host.signon',
      title: 'sign-on and key check values',
      requiresAny: transports,
      run: async () => {
        const f = rt();
        return f ? runtimeSignOn(f) : probe().signOn();
      },
    },
    {
      id: 'host.echo',
      title: 'echo test (0820) round trip',
      requiresAny: transports,
      run: async () => {
        const f = rt();
        return f ? runtimeHostExchange(f) : probe().echo();
      },
    },
    {
      id: 'host.mac',
      title: 'MAC checked on a real answer (balance inquiry)',
      requires: o.card ? ['host.signon', 'reader.ping'] : [],
      // the technician's tap, then the host's answer
      timeoutMs: (p.reader.tapTimeoutS + 60) * 1000 + p.host.responseTimeoutMs + p.host.connectTimeoutMs,
      run: async () => {
        if (!o.card) return notApplicable(NEEDS_CARD);
        const timeoutS = p.reader.tapTimeoutS;
        if (env.client && rt()) return runtimeMacCheck(env.client, timeoutS, o.onCardWait);
        if (!env.reader) return notApplicable(EMULATOR);
        return standaloneMacCheck(env.reader, probe(), timeoutS, o.onCardWait);
      },
    },
    {
      id: 'clock.host',
      title: "system time against the host's (fields 12/13)",
      requiresAny: ['host.signon', 'host.echo'],
      run: async () =>
        rt()
          ? notApplicable('diag sends no message while the runtime runs (see clock.sync)')
          : judgeClockOffset(env.probe?.lastAnswer, p.timeZone),
    },
    {
      id: 'clock.sync',
      title: 'NTP sync and time zone',
      run: () => checkClockSync(p.timeZone, o.ntp),
    },
    {
      id: 'journal.integrity',
      title: 'journal opens, quick_check',
      run: async () => {
        const f = rt();
        return f ? runtimeJournalHealth(f) : checkJournalIntegrity(env.journal);
      },
    },
    {
      id: 'journal.key',
      title: 'journal key opens the card data',
      requires: ['journal.integrity'],
      run: async () => {
        const f = rt();
        return f ? runtimeJournalKey(f) : checkJournalKey(env.journal);
      },
    },
    {
      id: 'journal.reversals',
      title: 'pending reversals',
      requires: ['journal.integrity'],
      run: async () => {
        const f = rt();
        return f ? runtimeReversals(f) : checkJournalReversals(env.journal);
      },
    },
    {
      id: 'journal.queue',
      title: 'store-and-forward queue',
      requires: ['journal.integrity'],
      run: async () => {
        const f = rt();
        return f ? runtimeQueue(f, p.offline.maxAgeS) : checkJournalQueue(env.journal, p.offline.maxAgeS);
      },
    },
    {
      id: 'journal.batch',
      title: "the open batch's age",
      requires: ['journal.integrity'],
      run: async () =>
        rt()
          ? notApplicable('the runtime holds the journal; posterm settle settles the open batch')
          : checkOpenBatch(env.journal),
    },
    {
      id: 'journal.disk',
      title: 'disk space for the journal',
      run: async () => {
        const f = rt();
        return f ? runtimeDisk(f) : checkJournalDisk(p.journal.path, p.journal.minFreeBytes);
      },
    },
    ...settlementCheckList(
      p,
      () => {
        if (env.runtime) return env.runtime.settlement;
        if (!env.settlement) {
          const j = env.journal.journal();
          env.settlement = { status: j ? statusFromJournal(j, p) : undefined };
        }
        return env.settlement.status;
      },
      () => (env.runtime ? { source: FROM_RUNTIME, journalOpened: false } : {}),
      o.now,
    ),
  );
  return checks;
}

export async function diagnose(o: DiagnoseOptions = {}): Promise<DiagReport> {
  const startedAt = new Date().toISOString();
  const name = o.profile ?? 'emulator';
  let profile: TerminalProfile | undefined;
  const first = await runChecks(
    [
      {
        id: 'profile.valid',
        title: 'profile loads and is valid',
        run: () =>
          checkProfileValid(
            () => loadProfile(name),
            (p) => {
              profile = p;
            },
          ),
      },
    ],
    { checkTimeoutMs: o.checkTimeoutMs },
  );
  if (!profile) {
    const rest = checkIds()
      .slice(1)
      .map((id): DiagCheck => ({ id, title: id, requires: ['profile.valid'], run: async () => pass({}) }));
    const results = [...first, ...(await runChecks(rest, { prior: first }))];
    return {
      profile: name,
      mode: 'standalone',
      startedAt,
      results,
      summary: summarise(results),
      exitCode: exitCodeOf(results),
    };
  }
  const env: Env = { profile, journal: new JournalAccess(profile) };
  try {
    const rest = await runChecks(plan(env, o), { prior: first, checkTimeoutMs: o.checkTimeoutMs });
    const results = [...first, ...rest];
    return {
      profile: profile.name,
      mode: env.runtime ? 'running-runtime' : 'standalone',
      startedAt,
      results,
      summary: summarise(results),
      exitCode: exitCodeOf(results),
    };
  } finally {
    env.probe?.close();
    await env.reader?.close();
    env.journal.close();
    await env.client?.close().catch(() => {});
  }
}

export { FROM_RUNTIME };
