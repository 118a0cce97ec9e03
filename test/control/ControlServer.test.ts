import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callRuntime } from '../../src/control/ControlClient.js';
import { type ControlHandler, ControlServer, MAX_LINE } from '../../src/control/ControlServer.js';
import { PosError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import {
  exchange,
  gate,
  nextServerSideEnd,
  type RecordingLogger,
  recordingLogger,
  tempSocketPath,
} from './controlTestKit.js';

let server: ControlServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const baseHandlers: Record<string, ControlHandler> = {
  add: async (p) => (p.a as number) + (p.b as number),
  echo: async (p) => p,
  refuse: async () => {
    throw new PosError('TXN_REVERSAL_PENDING', 'a reversal is pending');
  },
  crash: async () => {
    throw new Error('boom 6212345600000012');
  },
  crashSync: (() => {
    throw new TypeError('sync boom');
  }) as ControlHandler,
  crashNull: async () => {
    throw null;
  },
  bigint: async () => 10n,
};

async function start(
  extra: Record<string, ControlHandler> = {},
  log: RecordingLogger | typeof silentLogger = silentLogger,
): Promise<string> {
  const path = tempSocketPath();
  server = new ControlServer({ ...baseHandlers, ...extra }, log);
  await server.listen(path);
  return path;
}

const ADD = (id: number | string) => `{"id":${JSON.stringify(id)},"method":"add","params":{"a":1,"b":1}}\n`;
const badRequest = { ok: false, error: { code: 'CONTROL_BAD_REQUEST' } };

describe('control channel', () => {
  it('answers calls, passes coded errors through and hides internal ones', async () => {
    const path = await start();
    expect(await callRuntime(path, 'add', { a: 2, b: 3 })).toBe(5);
    await expect(callRuntime(path, 'refuse')).rejects.toMatchObject({ code: 'TXN_REVERSAL_PENDING' });
    await expect(callRuntime(path, 'crash')).rejects.toMatchObject({ code: 'CONTROL_INTERNAL' });
    await expect(callRuntime(path, 'nope')).rejects.toMatchObject({ code: 'CONTROL_UNKNOWN_METHOD' });
  });

  it('answers a bad line with a coded error and keeps serving the next lines', async () => {
    const path = await start();
    const lines = await exchange(path, `not json\n${ADD(7)}`);
    expect(lines[0]).toMatchObject(badRequest);
    expect(lines[1]).toEqual({ id: 7, ok: true, result: 2 });
  });

  it('reports an absent runtime with a coded error', async () => {
    const path = tempSocketPath('none.sock');
    await expect(callRuntime(path, 'add')).rejects.toMatchObject({ code: 'CONTROL_UNREACHABLE' });
  });
});

describe('no input crashes the server', () => {
  it('JSON that is not a request object, and odd id/method/params types, get CONTROL_BAD_REQUEST', async () => {
    const path = await start();
    const bad = [
      'null',
      '[]',
      '[{"id":1,"method":"add"}]',
      '42',
      '"x"',
      'true',
      'false',
      '{',
      '{"id":{},"method":"add"}',
      '{"id":[1],"method":"add"}',
      '{"id":true,"method":"add"}',
      '{"id":1e999,"method":"add"}',
      '{"id":1}',
      '{"id":2,"method":7}',
      '{"id":3,"method":null}',
      '{"id":4,"method":["add"]}',
      '{"id":5,"method":""}',
      '{"id":6,"method":"add","params":null}',
      '{"id":7,"method":"add","params":[1,2]}',
      '{"id":8,"method":"add","params":"a=1"}',
      '{"id":9,"method":"add","params":3}',
    ];
    const lines = await exchange(path, `${bad.join('\n')}\n\n  \n${ADD('after')}`);
    expect(lines).toHaveLength(bad.length + 1);
    for (const [i, l] of lines.slice(0, -1).entries()) expect(l, bad[i]).toMatchObject(badRequest);
    // The request's own id comes back when it could be read, so a till can match the error.
    expect(lines.slice(-8, -1).map((l) => (l as { id: unknown }).id)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(lines.at(-1)).toEqual({ id: 'after', ok: true, result: 2 });
    expect(await callRuntime(path, 'add', { a: 1, b: 2 })).toBe(3);
  });

  it('rejects invalid UTF-8 instead of guessing, also inside a JSON string', async () => {
    const path = await start();
    const lines = await exchange(
      path,
      Buffer.concat([
        Buffer.from([0xff, 0xfe, 0x00, 0x0a]),
        Buffer.from('{"id":1,"method":"echo","params":{"name":"'),
        Buffer.from([0xc3, 0x28]), // a broken two-byte sequence
        Buffer.from('"}}\n'),
        Buffer.from(ADD(2)),
      ]),
    );
    expect(lines).toEqual([
      { id: null, ok: false, error: { code: 'CONTROL_BAD_REQUEST', message: 'request is not valid UTF-8' } },
      { id: null, ok: false, error: { code: 'CONTROL_BAD_REQUEST', message: 'request is not valid UTF-8' } },
      { id: 2, ok: true, result: 2 },
    ]);
  });

  it('a line over 64 KiB is answered CONTROL_LINE_TOO_LONG once and its tail is not parsed', async () => {
    const path = await start();
    // The tail of the long line is itself a valid request: it must not be run.
    const long = `${'x'.repeat(100 * 1024)}${ADD('tail').trim()}\n`;
    const exact = `${' '.repeat(MAX_LINE - ADD(3).length + 1)}${ADD(3)}`; // MAX_LINE bytes + \n
    const lines = await exchange(path, `${long}${ADD(1)}${'y'.repeat(MAX_LINE + 1)}\n${exact}`);
    expect(lines).toEqual([
      {
        id: null,
        ok: false,
        error: { code: 'CONTROL_LINE_TOO_LONG', message: `request line over ${MAX_LINE} bytes; discarded` },
      },
      { id: 1, ok: true, result: 2 },
      expect.objectContaining({ error: expect.objectContaining({ code: 'CONTROL_LINE_TOO_LONG' }) }),
      { id: 3, ok: true, result: 2 },
    ]);
  });

  it('a long line arriving in small pieces is answered once, then the next request', async () => {
    const path = await start();
    const s = connect(path);
    const got: unknown[] = [];
    let buf = '';
    const done = new Promise<void>((resolve) =>
      s.on('data', (c: Buffer) => {
        buf += c.toString();
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          got.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
        if (got.length === 2) resolve();
      }),
    );
    await new Promise((r) => s.once('connect', r));
    for (let i = 0; i < 40; i++) s.write('z'.repeat(4096));
    s.write(`\n${ADD(11)}`);
    await done;
    s.destroy();
    expect(got).toMatchObject([{ error: { code: 'CONTROL_LINE_TOO_LONG' } }, { id: 11, result: 2 }]);
  });

  it("looks up only the API's own methods: inherited names are unknown, nothing logged as an error", async () => {
    const log = recordingLogger();
    const path = await start({}, log);
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const lines = await exchange(
      path,
      names.map((m, i) => `{"id":${i},"method":${JSON.stringify(m)},"params":{"a":1}}\n`).join(''),
    );
    expect(lines).toHaveLength(names.length);
    for (const [i, l] of lines.entries())
      expect(l, names[i]).toMatchObject({ id: i, ok: false, error: { code: 'CONTROL_UNKNOWN_METHOD' } });
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('a handler that throws a non-PosError (async, sync, null) or returns what JSON cannot carry: CONTROL_INTERNAL, logged, no card data', async () => {
    const log = recordingLogger();
    const path = await start({}, log);
    const lines = await exchange(
      path,
      ['crash', 'crashSync', 'crashNull', 'bigint', 'add']
        .map((m, i) => `{"id":${i},"method":"${m}","params":{"a":2,"b":2}}\n`)
        .join(''),
    );
    const byId = new Map(lines.map((l) => [(l as { id: number }).id, l]));
    for (const id of [0, 1, 2, 3])
      expect(byId.get(id)).toEqual({
        id,
        ok: false,
        error: { code: 'CONTROL_INTERNAL', message: 'internal error' },
      });
    expect(byId.get(4)).toEqual({ id: 4, ok: true, result: 4 });
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors.map((e) => e.obj.method).sort()).toEqual(['bigint', 'crash', 'crashNull', 'crashSync']);
    expect(JSON.stringify(log.entries)).not.toContain('6212345600000012');
  });
});

describe('half-close and clients that go away', () => {
  it('answers every request read after the client half-closes, also a last line without newline', async () => {
    const g = gate<number>();
    const path = await start({ slow: async () => g.wait() });
    const sawEnd = nextServerSideEnd(server!);
    const s = connect(path);
    const events: string[] = [];
    let text = '';
    s.on('data', (c: Buffer) => {
      text += c.toString();
      events.push('data');
    });
    const closed = new Promise<void>((resolve) =>
      s.on('end', () => {
        events.push('end');
        resolve();
      }),
    );
    await new Promise((r) => s.once('connect', r));
    s.write('{"id":1,"method":"slow"}\n');
    await g.started;
    s.end(ADD(2).trim()); // no trailing newline, then FIN
    await sawEnd; // the server has seen the FIN while the slow request is still running
    g.open(888);
    await closed;
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        { id: 2, ok: true, result: 2 },
        { id: 1, ok: true, result: 888 },
      ]),
    );
    expect(lines).toHaveLength(2);
    expect(events.at(-1)).toBe('end');
  });

  it('a client that vanishes mid-request: the handler finishes, the reply is dropped and logged at info', async () => {
    const log = recordingLogger();
    const g = gate();
    const path = await start({ sale: async () => g.wait() }, log);
    const sawEnd = nextServerSideEnd(server!);
    const s = connect(path);
    await new Promise((r) => s.once('connect', r));
    s.write('{"id":"till-42","method":"sale","params":{"amountMinor":888,"pan":"6212345600000012"}}\n');
    await g.started;
    s.destroy();
    await sawEnd;
    g.open();
    const dropped = await log.waitFor((e) => e.msg === 'control reply dropped: client gone');
    expect(g.finished).toBe(true);
    expect(dropped.level).toBe('info');
    expect(dropped.obj).toMatchObject({ method: 'sale', id: '"till-42"' });
    expect(['EPIPE', 'ECONNRESET', undefined]).toContain(dropped.obj.errno);
    expect(JSON.stringify(log.entries)).not.toContain('6212345600000012');
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    expect(await callRuntime(path, 'add', { a: 1, b: 1 })).toBe(2);
  });

  it('callRuntime still works against a server that now keeps half-open connections', async () => {
    const path = await start();
    const all = await Promise.all([1, 2, 3].map((a) => callRuntime(path, 'add', { a, b: 10 })));
    expect(all).toEqual([11, 12, 13]);
  });
});
