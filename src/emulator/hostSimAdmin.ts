/**
 * Admin channel of a running host simulator: JSON lines over TCP, bound to 127.0.0.1.
 * Requests (one JSON object per line) and their answers:
 *   {"cmd":"ledger","terminalId":"12345678"}  -> {"ok":true,"ledger":[LedgerEntry...]}
 *   {"cmd":"stats"}                           -> {"ok":true,"stats":{...},"faults":"..."}
 *   {"cmd":"faults","faults":"no-answer*1"}   -> {"ok":true,"faults":"no-answer*1"}
 * Anything else -> {"ok":false,"code":"EMU_...","message":"..."}.
 */
import net from 'node:net';
import { isPosError, PosError } from '../errors.js';
import { formatFault } from './hostFaults.js';
import { type HostSim, listenError } from './hostSim.js';

export interface HostSimAdmin {
  readonly port: number;
  close(): Promise<void>;
}

function handleLine(sim: HostSim, line: string): Record<string, unknown> {
  let req: { cmd?: unknown; terminalId?: unknown; faults?: unknown };
  try {
    req = JSON.parse(line);
  } catch {
    return { ok: false, code: 'EMU_ADMIN_BAD_JSON', message: 'admin request is not JSON' };
  }
  try {
    switch (req?.cmd) {
      case 'ledger':
        return {
          ok: true,
          ledger: sim.ledger(typeof req.terminalId === 'string' ? req.terminalId : undefined),
        };
      case 'stats':
        return { ok: true, stats: sim.stats, faults: sim.faults.map(formatFault).join(',') };
      case 'faults':
        sim.setFaults(typeof req.faults === 'string' ? req.faults : '');
        return { ok: true, faults: sim.faults.map(formatFault).join(',') };
      default:
        return { ok: false, code: 'EMU_ADMIN_UNKNOWN_CMD', message: 'cmd must be ledger, stats or faults' };
    }
  } catch (e) {
    if (isPosError(e)) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** Serve the admin channel of `sim` on 127.0.0.1:port (0 = ephemeral). */
export async function startHostSimAdmin(sim: HostSim, port: number): Promise<HostSimAdmin> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 65_536) {
        socket.destroy();
        return;
      }
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) socket.write(`${JSON.stringify(handleLine(sim, line))}\n`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(listenError(e, '127.0.0.1', port)));
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Send one admin request to a running simulator and return its answer. */
export function queryHostSimAdmin(
  port: number,
  request: Record<string, unknown>,
  host = '127.0.0.1',
  timeoutMs = 3000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let buf = '';
    const fail = (e: Error) => {
      socket.destroy();
      reject(
        new PosError('EMU_ADMIN_UNAVAILABLE', `host-sim admin channel on port ${port}: ${e.message}`, {
          port,
        }),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.on('error', fail);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      socket.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)));
      } catch {
        fail(new Error('answer is not JSON'));
      }
    });
  });
}
