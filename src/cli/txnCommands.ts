/**
 * `posterm sale|void|refund|inquiry|txn-status|queue|settle|status`: clients of a running `posterm run`
 * through its control API (PostermClient, protobuf over the profile's control socket).
 */
import { parseArgs } from 'node:util';
import { PostermClient } from '../control/PostermClient.js';
import { isPosError, PosError } from '../errors.js';
import { formatAmount } from '../money.js';
import { loadProfile } from '../profile/loadProfile.js';
import { statusIsHealthy } from '../runtime/runtimeStatus.js';
import type { SaleMode, TxnResult } from '../txn/types.js';
import { amountArg, type CliCommand, type CliIo, ExitCode } from './command.js';
import { formatResult, formatStatus } from './format.js';

const COMMON = {
  profile: { type: 'string', default: 'emulator' },
  socket: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export function socketOf(values: { profile?: string; socket?: string }): string {
  if (values.socket) return values.socket;
  const p = loadProfile(values.profile ?? 'emulator');
  if (!p.control.socket) {
    throw new PosError('CLI_USAGE', `profile ${p.name} names no control.socket; pass --socket`, {
      key: 'control.socket',
    });
  }
  return p.control.socket;
}

type Flags = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

export function parse(argv: string[], extra: Flags = {}) {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...COMMON, ...extra },
      allowPositionals: true,
      strict: true,
    });
    return {
      positionals: r.positionals,
      values: r.values as { profile?: string; socket?: string; json: boolean } & Record<
        string,
        string | boolean | undefined
      >,
    };
  } catch (e) {
    throw new PosError('CLI_USAGE', (e as Error).message);
  }
}

/** One connection for one command; closed whatever happens. */
export async function withClient<T>(socket: string, fn: (c: PostermClient) => Promise<T>): Promise<T> {
  const c = await PostermClient.connect(socket, { software: 'posterm-cli' });
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

const TILL_ID = { 'till-id': { type: 'string' } } as const;

function tillIdOf(values: Record<string, unknown>): { tillId?: string } {
  const id = values['till-id'];
  return typeof id === 'string' ? { tillId: id } : {};
}

/**
 * A money request whose answer never came back (the connection closed, or no answer in time):
 * the same code, and what to do, since the runtime may have charged it (or reversed it).
 */
export function unansweredTxn(e: unknown, tillId: string | undefined): unknown {
  if (!isPosError(e) || (e.code !== 'CONTROL_CLOSED' && e.code !== 'CONTROL_TIMEOUT')) return e;
  const ask = tillId
    ? `ask 'posterm txn-status ${tillId}' once the runtime answers again`
    : "check 'posterm status' and the journal once the runtime answers again; with --till-id, txn-status would tell";
  return new PosError(
    e.code,
    `${e.message}; the outcome of this request is not known here: do not repeat it blindly, ${ask} (an outcome the runtime could not learn is reversed)`,
    { ...e.context, ...(tillId ? { tillId } : {}) },
  );
}

async function runTxn(
  io: CliIo,
  values: ReturnType<typeof parse>['values'],
  call: (c: PostermClient) => Promise<TxnResult>,
): Promise<number> {
  let r: TxnResult;
  try {
    r = await withClient(socketOf(values), call);
  } catch (e) {
    throw unansweredTxn(e, tillIdOf(values).tillId);
  }
  io.stdout.write(`${values.json ? JSON.stringify(r) : formatResult(r)}\n`);
  return r.outcome === 'approved' ? ExitCode.Ok : ExitCode.Failed;
}

export const sale: CliCommand = {
  summary: 'a purchase through the running runtime',
  usage: `posterm sale AMOUNT [--online-only | --offline] [--till-id ID] [--profile NAME|FILE] [--socket PATH] [--json]
  AMOUNT in yuan (12.34). --online-only never approves offline; --offline approves on the
  terminal within the profile's offline limits (the advice is forwarded later). --till-id makes
  the request idempotent: the same id again returns the first result, never a second charge.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      'online-only': { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
      ...TILL_ID,
    });
    const mode: SaleMode | undefined = values.offline
      ? 'force-offline'
      : values['online-only']
        ? 'require-online'
        : undefined;
    const amountMinor = amountArg(positionals[0]);
    const req = { amountMinor, ...(mode ? { mode } : {}), ...tillIdOf(values) };
    return runTxn(io, values, (c) => c.sale(req));
  },
};

export const voidCmd: CliCommand = {
  summary: 'void a purchase of the open batch by its RRN',
  usage: 'posterm void RRN [--till-id ID] [--profile NAME|FILE] [--socket PATH] [--json]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, TILL_ID);
    const rrn = positionals[0];
    if (!rrn || !/^[0-9A-Za-z]{12}$/.test(rrn)) throw new PosError('CLI_USAGE', 'RRN must be 12 characters');
    return runTxn(io, values, (c) => c.void({ rrn, ...tillIdOf(values) }));
  },
};

export const refund: CliCommand = {
  summary: 'refund (part of) a purchase by its RRN',
  usage: 'posterm refund RRN AMOUNT [--till-id ID] [--profile NAME|FILE] [--socket PATH] [--json]',
  async run(argv, io) {
    const { values, positionals } = parse(argv, TILL_ID);
    const rrn = positionals[0];
    if (!rrn || !/^[0-9A-Za-z]{12}$/.test(rrn)) throw new PosError('CLI_USAGE', 'RRN must be 12 characters');
    const amountMinor = amountArg(positionals[1]);
    return runTxn(io, values, (c) => c.refund({ rrn, amountMinor, ...tillIdOf(values) }));
  },
};

export const txnStatus: CliCommand = {
  summary: 'what became of a request by its till id: unknown, in progress, or done with its answer',
  usage: `posterm txn-status TILLID [--profile NAME|FILE] [--socket PATH] [--json]
  Exit 0 when done and approved; 1 otherwise (unknown: nothing was charged under this id).`,
  async run(argv, io) {
    const { values, positionals } = parse(argv);
    const tillId = positionals[0];
    if (!tillId) throw new PosError('CLI_USAGE', 'TILLID is required');
    const r = await withClient(socketOf(values), (c) => c.transactionStatus({ tillId }));
    if (values.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.state === 'done' && r.result) io.stdout.write(`${tillId}: done\n${formatResult(r.result)}\n`);
    else
      io.stdout.write(
        r.state === 'unknown'
          ? `${tillId}: unknown (no request with this id was charged; it may be sent again)\n`
          : `${tillId}: in progress\n`,
      );
    return r.state === 'done' && r.result?.outcome === 'approved' ? ExitCode.Ok : ExitCode.Failed;
  },
};

export const inquiry: CliCommand = {
  summary: 'balance inquiry',
  usage: 'posterm inquiry [--profile NAME|FILE] [--socket PATH] [--json]',
  async run(argv, io) {
    const { values } = parse(argv);
    return runTxn(io, values, (c) => c.inquiry());
  },
};

export const queue: CliCommand = {
  summary: 'store-and-forward queue: list, forward',
  usage: `posterm queue list [--all] [--json]     pending reversals and advices (state, age, attempts, last result)
posterm queue forward [--json]        forward everything now (reversals first, then advices oldest first)
  common: [--profile NAME|FILE] [--socket PATH]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { all: { type: 'boolean', default: false } });
    const sub = positionals[0] ?? 'list';
    const socket = socketOf(values);
    if (sub === 'forward') {
      const r = await withClient(socket, (c) => c.queueForward());
      io.stdout.write(
        `${
          values.json
            ? JSON.stringify(r)
            : Object.entries(r)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')
        }\n`,
      );
      return r.remaining === 0 ? ExitCode.Ok : ExitCode.Failed;
    }
    if (sub !== 'list') throw new PosError('CLI_USAGE', `unknown queue command '${sub}'`);
    const rows = await withClient(socket, (c) => c.queueList({ all: values.all === true }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify(rows)}\n`);
      return ExitCode.Ok;
    }
    if (rows.length === 0) {
      io.stdout.write('queue empty: nothing owed to the host\n');
      return ExitCode.Ok;
    }
    io.stdout.write(
      'type      id  state              STAN    amount      card                 age      tries  last\n',
    );
    for (const q of rows) {
      const flag = q.overLimit ? '  ! over the attempt limit' : '';
      io.stdout.write(
        `${q.type.padEnd(8)} ${String(q.id).padStart(3)}  ${(q.state + (q.reason ? ` ${q.reason}` : '')).padEnd(17)}  ${q.stan}  ${formatAmount(q.amountMinor).padStart(10)}  ${(q.maskedPan ?? '-').padEnd(19)}  ${`${q.ageS}s`.padStart(7)}  ${String(q.attempts).padStart(5)}  ${q.lastResult ?? '-'}${flag}\n`,
      );
    }
    return ExitCode.Ok;
  },
};

export const settle: CliCommand = {
  summary: 'forward everything owed, then settle the open batch (0500)',
  usage: `posterm settle [--profile NAME|FILE] [--socket PATH] [--json]
  Sends pending reversals and advices first and refuses to settle while any is left. Batches
  left unsettled are settled first, each under its own number. Balanced: the batch closes and
  the next one opens. Unbalanced: the batch is uploaded (0320) and then closes; an interrupted
  upload resumes on the next settle.`,
  async run(argv, io) {
    const { values } = parse(argv);
    const r = await withClient(socketOf(values), (c) => c.settle());
    if (values.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      const t = r.totals;
      io.stdout.write(
        `${r.outcome.toUpperCase()}: ${r.textEn} / ${r.textZh}${r.reason ? ` [${r.reason.code}]` : ''}\n` +
          `  batch ${r.batch}: ${t.debitCount} sales ${formatAmount(t.debitAmountMinor)} CNY, ` +
          `${t.creditCount} refunds ${formatAmount(t.creditAmountMinor)} CNY\n` +
          `  forwarded first: ${r.forwarded.reversalsDone} reversal(s), ${r.forwarded.advicesDone} advice(s)\n` +
          (r.uploaded
            ? `  batch upload: ${r.uploaded.entries} entries in ${r.uploaded.messages} message(s)\n`
            : '') +
          (r.earlier ?? []).map((e) => `  earlier batch ${e.batch}: ${e.outcome.toUpperCase()}\n`).join('') +
          `  open batch now ${r.openBatch}\n`,
      );
    }
    return r.outcome === 'balanced' || r.outcome === 'uploaded' ? ExitCode.Ok : ExitCode.Failed;
  },
};

export const status: CliCommand = {
  summary: 'state of the running runtime: sign-on, reader, host and its last error, journal, what is owed',
  usage: 'posterm status [--profile NAME|FILE] [--socket PATH] [--json]',
  async run(argv, io) {
    const { values } = parse(argv);
    const s = await withClient(socketOf(values), (c) => c.status());
    io.stdout.write(values.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
    return statusIsHealthy(s) ? ExitCode.Ok : ExitCode.Failed;
  },
};
