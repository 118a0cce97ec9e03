/**
 * Opens the profile's control socket over a started runtime (JSON-lines methods, see
 * jsonMethods) and has it closed when the runtime stops. For whoever starts the runtime
 * (`posterm run`, tests); the runtime itself knows no transport.
 */
import type { Logger } from '../log.js';
import type { RuntimeApi } from '../runtime/RuntimeApi.js';
import { ControlServer } from './ControlServer.js';
import { jsonMethods } from './jsonMethods.js';

export interface ServedRuntime extends RuntimeApi {
  readonly profile: { control: { socket?: string; group?: string | number } };
  closeOnStop(c: { close(): Promise<void> }): void;
}

/** Undefined when the profile names no control socket. Rejects with CONTROL_SOCKET_* errors. */
export async function serveRuntime(rt: ServedRuntime, log: Logger): Promise<ControlServer | undefined> {
  const { socket, group } = rt.profile.control;
  if (!socket) return undefined;
  const server = new ControlServer(jsonMethods(rt), log);
  // coded CONTROL_SOCKET_* errors name the path (its directory, a file in the way, a live peer)
  await server.listen(socket, { group });
  rt.closeOnStop(server);
  log.info({ socket }, 'control socket ready');
  return server;
}
