/**
 * One-off calls to a runtime's control socket for tests: connect (PostermClient), one call,
 * close. `timeoutMs` bounds the connection and the call (CONTROL_TIMEOUT); a runtime that is
 * not there is CONTROL_UNREACHABLE, one that dies before answering CONTROL_CLOSED.
 */
import { PostermClient } from '../../src/control/PostermClient.js';
import type { TxnResult } from '../../src/runtime/RuntimeApi.js';

export async function callApi<T>(
  socket: string,
  call: (c: PostermClient) => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  const t0 = Date.now();
  const client = await PostermClient.connect(socket, {
    connectTimeoutMs: timeoutMs,
    timeoutMs: Math.max(1, timeoutMs - (Date.now() - t0)),
    software: 'posterm-test',
  });
  try {
    return await call(client);
  } finally {
    // A runtime that stops answering must not hold the test: the socket is dropped after 2 s.
    await Promise.race([client.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}

/**
 * A transaction result as the control socket carries it: the timings are whole milliseconds on
 * the wire (uint32, the fraction cut off); every other field passes as the runtime made it.
 */
export function asCarried(r: TxnResult): TxnResult {
  const timings = Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.trunc(v)]));
  return { ...r, timings };
}
