/** Client side of the control channel (CLI commands that talk to a running runtime). */
import { connect } from 'node:net';
import { PosError, type PosErrorCode } from '../errors.js';

export async function callRuntime<T = unknown>(
  socketPath: string,
  method: string,
  params: Record<string, unknown> = {},
  timeoutMs = 120_000,
): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const socket = connect(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PosError('CONTROL_TIMEOUT', `no answer from the runtime in ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      done(() =>
        reject(
          new PosError(
            'CONTROL_UNREACHABLE',
            `runtime not reachable (${e.code}); start it with 'posterm run'`,
            {
              key: 'control.socket',
            },
          ),
        ),
      ),
    );
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let res: { ok: boolean; result?: T; error?: { code: string; message: string } };
      try {
        res = JSON.parse(buf.slice(0, nl));
      } catch {
        done(() => reject(new PosError('CONTROL_BAD_RESPONSE', 'runtime answered with bad JSON')));
        return;
      }
      if (typeof res !== 'object' || res === null || typeof res.ok !== 'boolean') {
        done(() => reject(new PosError('CONTROL_BAD_RESPONSE', 'runtime answered without ok/error')));
        return;
      }
      done(() =>
        res.ok
          ? resolve(res.result as T)
          : reject(
              new PosError(
                (res.error?.code ?? 'CONTROL_ERROR') as PosErrorCode,
                res.error?.message ?? 'error',
              ),
            ),
      );
    });
    socket.on('close', () =>
      done(() => reject(new PosError('CONTROL_CLOSED', 'runtime closed the connection'))),
    );
  });
}
