/**
 * Opens the profile's control socket over a started runtime (the protobuf control API, see
 * ProtoControlServer) and has it closed when the runtime stops. For whoever starts the runtime
 * (`posterm run`, tests); the runtime itself knows no transport.
 */
import type { Logger } from '../log.js';
import type { RuntimeApi } from '../runtime/RuntimeApi.js';
import { type ProtoControlServer, startControlServer } from './ProtoControlServer.js';

export interface ServedRuntime extends RuntimeApi {
  readonly profile: { control: { socket?: string; group?: string | number } };
  closeOnStop(c: { close(): Promise<void> }): void;
}

/**
 * Undefined when the profile names no control socket. Rejects with CONTROL_SOCKET_* errors (they
 * name the path: its directory, a file in the way, a live peer). Logs 'control socket ready' once
 * clients can connect.
 */
export async function serveRuntime(rt: ServedRuntime, log: Logger): Promise<ProtoControlServer | undefined> {
  const { socket, group } = rt.profile.control;
  if (!socket) return undefined;
  const server = await startControlServer(rt, socket, { group }, log);
  rt.closeOnStop(server);
  return server;
}
