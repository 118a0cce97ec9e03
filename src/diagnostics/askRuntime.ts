/**
 * `runtime.control`: whether a runtime answers on the profile's control socket. When it does,
 * its status, queue and settlement status are asked once and the checks that follow read them
 * (diag then opens neither the serial port nor the journal).
 */
import { PostermClient } from '../control/PostermClient.js';
import { isPosError } from '../errors.js';
import type { TerminalProfile } from '../profile/loadProfile.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { RuntimeFacts } from './runtimeFactChecks.js';

export interface RuntimeEnv {
  profile: TerminalProfile;
  runtime?: RuntimeFacts;
  client?: PostermClient;
}

export async function askRuntime(env: RuntimeEnv, timeoutMs: number): Promise<CheckOutcome> {
  const socket = env.profile.control.socket;
  if (!socket)
    return pass({ running: false, mode: 'standalone', reason: 'the profile names no control.socket' });
  let client: PostermClient;
  try {
    client = await PostermClient.connect(socket, {
      connectTimeoutMs: timeoutMs,
      timeoutMs,
      software: 'posterm-diag',
    });
  } catch (e) {
    if (isPosError(e, 'CONTROL_UNREACHABLE')) {
      return pass({ running: false, mode: 'standalone', socket, errno: e.context.errno ?? null });
    }
    const code = isPosError(e) ? e.code : 'unknown';
    return {
      result: 'warn',
      evidence: { running: 'unknown', mode: 'standalone', socket, code },
      hint: 'runtime.notAnswering',
    };
  }
  env.client = client;
  try {
    const [status, queue] = [await client.status(), await client.queueList({})];
    // a runtime without settlement tracking: the settlement checks say so
    const settlement = await client.settlementStatus().catch(() => undefined);
    env.runtime = { status, queue, settlement };
    return pass({ running: true, mode: 'running-runtime', socket, software: client.server.software });
  } catch (e) {
    const code = isPosError(e) ? e.code : 'unknown';
    return {
      result: 'warn',
      evidence: { running: true, mode: 'standalone', socket, code },
      hint: 'runtime.notAnswering',
    };
  }
}
