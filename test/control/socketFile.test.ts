/**
 * The protobuf control server's listen(): what is at the socket path, its directory, its length,
 * its mode and group. The checks that need an unprivileged user run as nobody (65534) when the
 * suite runs as root (effective ids dropped around the check; vitest runs each file in a fork).
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ControlListenOptions,
  controlListenError,
  SOCKET_MODE,
} from '../../src/control/listenUnixSocket.js';
import { ProtoControlServer } from '../../src/control/ProtoControlServer.js';
import { MAX_SOCKET_PATH_BYTES } from '../../src/control/prepareSocketPath.js';
import { parseGroupFile, resolveGroupId } from '../../src/control/resolveGroupId.js';
import { silentLogger } from '../../src/log.js';
import { callApi } from '../helpers/callApi.js';
import { FakeRuntimeApi } from './FakeRuntimeApi.js';

const servers: ProtoControlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const isRoot = process.getuid?.() === 0;
/** nobody / nogroup: who the unprivileged checks run as when the suite runs as root. */
const NOBODY = 65534;

/**
 * Runs `fn` without root's privileges: as root, with the effective uid and gid of nobody (given
 * back in `finally`); as anyone else, as is. The directories `fn` uses must let nobody in.
 */
async function unprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (!isRoot) return fn();
  process.setegid!(NOBODY);
  process.seteuid!(NOBODY);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
}

/** A server over a fake API; `software` (its hello) tells two servers apart. */
function server(software = 'pong'): ProtoControlServer {
  return new ProtoControlServer(new FakeRuntimeApi(), silentLogger, { software });
}

/** Connects, asks status, and answers who said hello. */
function ping(path: string): Promise<string> {
  return callApi(
    path,
    async (c) => {
      await c.status();
      return c.server.software;
    },
    10_000,
  );
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'posterm-sock-'));
}

async function listen(path: string, opts?: ControlListenOptions): Promise<ProtoControlServer> {
  const s = server();
  await s.listen(path, opts);
  servers.push(s);
  return s;
}

/** A socket file with nobody behind it, as a killed runtime leaves it. */
async function staleSocket(path: string): Promise<void> {
  const elsewhere = `${path}.tmp`;
  const srv: Server = createServer();
  await new Promise<void>((r) => srv.listen(elsewhere, r));
  renameSync(elsewhere, path); // close() unlinks the old name only: the renamed file stays
  await new Promise<void>((r) => srv.close(() => r()));
}

describe('socket path safety', () => {
  it('refuses a path where another server is listening, and that server keeps working', async () => {
    const path = join(tempDir(), 'control.sock');
    await listen(path);
    const second = server();
    await expect(second.listen(path)).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_IN_USE',
      message: `another posterm is listening on ${path}`,
      context: { path },
    });
    expect(await ping(path)).toBe('pong');
  });

  it('two runtimes racing for a fresh path: one listens, the other gets a coded EADDRINUSE', async () => {
    const path = join(tempDir(), 'control.sock');
    const a = server('a');
    const b = server('b');
    servers.push(a, b);
    const [ra, rb] = await Promise.allSettled([a.listen(path), b.listen(path)]);
    expect(ra.status).toBe('fulfilled');
    expect(rb).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'CONTROL_SOCKET_IN_USE',
        message: `another process bound ${path} (EADDRINUSE)`,
        context: { path, errno: 'EADDRINUSE' },
      },
    });
    expect(await ping(path)).toBe('a');
  });

  it('every listen errno becomes a coded CONTROL_ error naming the path and the errno', () => {
    const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
    const cases: [string, string][] = [
      ['EADDRINUSE', 'CONTROL_SOCKET_IN_USE'],
      ['EACCES', 'CONTROL_SOCKET_DIR'],
      ['ENOTDIR', 'CONTROL_SOCKET_DIR'],
      ['EEXIST', 'CONTROL_SOCKET_LISTEN'],
      ['EINVAL', 'CONTROL_SOCKET_LISTEN'],
    ];
    for (const [code, want] of cases) {
      const e = controlListenError('/run/posterm/control.sock', errno(code));
      expect(e, code).toMatchObject({
        code: want,
        context: { path: '/run/posterm/control.sock', errno: code },
      });
      expect(e.message).toContain(code);
    }
  });

  it('replaces a stale socket left by a killed runtime', async () => {
    const path = join(tempDir(), 'control.sock');
    await staleSocket(path);
    expect(statSync(path).isSocket()).toBe(true);
    await listen(path);
    expect(await ping(path)).toBe('pong');
  });

  it('never removes a regular file, a directory or a symlink at the path', async () => {
    const dir = tempDir();
    const file = join(dir, 'file.sock');
    writeFileSync(file, 'journal backup, do not lose');
    await expect(server().listen(file)).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_PATH',
      message: expect.stringContaining(`${file} exists and is a regular file`),
    });
    expect(readFileSync(file, 'utf8')).toBe('journal backup, do not lose');

    const sub = join(dir, 'sub.sock');
    mkdirSync(sub);
    await expect(server().listen(sub)).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_PATH',
    });
    expect(statSync(sub).isDirectory()).toBe(true);

    const link = join(dir, 'link.sock');
    symlinkSync(file, link);
    await expect(server().listen(link)).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_PATH',
    });
    expect(readFileSync(link, 'utf8')).toBe('journal backup, do not lose');
  });

  it('a path component that is a file: CONTROL_SOCKET_DIR naming the directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run'), '');
    for (const path of [join(dir, 'run', 'control.sock'), join(dir, 'run', 'posterm', 'control.sock')]) {
      const e = await server()
        .listen(path)
        .catch((x) => x);
      expect(e).toMatchObject({ code: 'CONTROL_SOCKET_DIR', context: { path } });
      expect(e.message).toContain(`cannot use directory ${join(path, '..')}`);
      expect(['ENOTDIR', 'EEXIST']).toContain(e.context.errno);
    }
  });

  it('a directory without write permission: CONTROL_SOCKET_DIR (EACCES)', async () => {
    const base = tempDir();
    const dir = join(base, 'ro');
    mkdirSync(dir, { mode: 0o500 });
    if (isRoot) {
      chmodSync(base, 0o711); // nobody may pass through to its own read-only directory
      chownSync(dir, NOBODY, NOBODY);
    }
    const path = join(dir, 'control.sock');
    await unprivileged(() =>
      expect(server().listen(path)).rejects.toMatchObject({
        code: 'CONTROL_SOCKET_DIR',
        context: { dir, errno: 'EACCES' },
      }),
    );
    expect(() => statSync(path)).toThrow(/ENOENT/);
    chmodSync(dir, 0o700);
  });

  it('a path longer than sun_path allows is refused before anything is created', async () => {
    const base = tempDir();
    const deep = join(base, 'missing');
    const path = join(deep, 'x'.repeat(MAX_SOCKET_PATH_BYTES));
    await expect(server().listen(path)).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_PATH_TOO_LONG',
      context: { limit: MAX_SOCKET_PATH_BYTES },
    });
    expect(() => statSync(deep)).toThrow(/ENOENT/);
    // Exactly at the limit is fine.
    const fits = join(base, 'y'.repeat(MAX_SOCKET_PATH_BYTES - Buffer.byteLength(base) - 1));
    expect(Buffer.byteLength(fits)).toBe(MAX_SOCKET_PATH_BYTES);
    await listen(fits);
    expect(await ping(fits)).toBe('pong');
  });

  it('creates missing parents with mode 0o750 and the socket with 0o660, whatever the umask', async () => {
    const base = tempDir();
    const path = join(base, 'run', 'posterm', 'control.sock');
    const old = process.umask(0o077);
    try {
      await listen(path);
    } finally {
      process.umask(old);
    }
    expect(statSync(join(base, 'run')).mode & 0o777).toBe(0o750);
    expect(statSync(join(base, 'run', 'posterm')).mode & 0o777).toBe(0o750);
    expect(statSync(path).mode & 0o777).toBe(SOCKET_MODE);
    expect(SOCKET_MODE).toBe(0o660);
  });

  it('leaves the mode of a directory that already existed alone', async () => {
    const base = tempDir();
    chmodSync(base, 0o711);
    await listen(join(base, 'control.sock'));
    expect(statSync(base).mode & 0o777).toBe(0o711);
  });
});

describe('socket group', () => {
  const gid = process.getgid!();
  const groupName = [...parseGroupFile(readFileSync('/etc/group', 'utf8'))].find(([, g]) => g === gid)?.[0];

  it('gives the socket to a numeric gid (our own)', async () => {
    const path = join(tempDir(), 'control.sock');
    await listen(path, { group: gid });
    expect(statSync(path).gid).toBe(gid);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    expect(await ping(path)).toBe('pong');
  });

  it.skipIf(groupName === undefined)('gives the socket to a group by name (our own)', async () => {
    const path = join(tempDir(), 'control.sock');
    await listen(path, { group: groupName! });
    expect(statSync(path).gid).toBe(gid);
    expect(statSync(path).mode & 0o777).toBe(0o660);
  });

  it.runIf(isRoot)('as root: gives the socket to a gid that is not the process group', async () => {
    const path = join(tempDir(), 'control.sock');
    const other = gid === 4242 ? 4243 : 4242;
    await listen(path, { group: String(other) });
    expect(statSync(path).gid).toBe(other);
  });

  it('an unknown group is refused before the socket is created', async () => {
    const path = join(tempDir(), 'control.sock');
    await expect(server().listen(path, { group: 'no-such-group-posterm' })).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_GROUP',
      context: { key: 'control.group' },
    });
    expect(() => statSync(path)).toThrow(/ENOENT/);
    await expect(server().listen(path, { group: -1 })).rejects.toMatchObject({
      code: 'CONTROL_SOCKET_GROUP',
    });
  });

  it('a group the runtime is not in: CONTROL_SOCKET_GROUP and nothing left listening', async () => {
    const dir = tempDir();
    if (isRoot) chownSync(dir, NOBODY, NOBODY); // the runtime's own socket directory
    const path = join(dir, 'control.sock');
    await unprivileged(async () => {
      const mine = new Set([...process.getgroups!(), process.getegid!()]);
      const other = [0, 1, 2, 3, 4].find((g) => !mine.has(g))!;
      await expect(server().listen(path, { group: other })).rejects.toMatchObject({
        code: 'CONTROL_SOCKET_GROUP',
        context: { errno: 'EPERM' },
      });
    });
    expect(() => statSync(path)).toThrow(/ENOENT/);
  });

  it('resolves names and gids from a group file', () => {
    const file = join(tempDir(), 'group');
    writeFileSync(file, '# comment\nroot:x:0:\nposterm:x:4242:till,tech\nbroken line\n1000:x:7:\n');
    expect(resolveGroupId('posterm', file)).toBe(4242);
    expect(resolveGroupId('4242', file)).toBe(4242);
    expect(resolveGroupId('1000', file)).toBe(7); // a name wins over a number
    expect(resolveGroupId(12, file)).toBe(12);
    expect(() => resolveGroupId('till', file)).toThrow(/unknown group 'till'/);
    expect(() => resolveGroupId('posterm', join(file, 'missing'))).toThrow(/cannot read/);
  });
});
