/**
 * Serial and reader checks (standalone only: while the runtime runs, it holds the port and its
 * facts come from its status, see runtimeFactChecks.ts). Two steps, each a prerequisite of the
 * next: the device node is there, this process may open it; then ReaderProbe.ts: a NEO 2
 * reader answers on it.
 */
import { constants, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isPosError } from '../errors.js';
import { readerPortOpener, type SerialBindingLike } from '../reader/ReaderPort.js';
import { type CheckOutcome, notApplicable, pass } from './DiagResult.js';
import type { HintId } from './hints.js';

export interface SerialTarget {
  device: string;
  baud?: number;
  interByteTimeoutMs?: number;
  /** node-serialport binding (tests); default the platform's. */
  binding?: SerialBindingLike;
  /** Where udev puts stable names (default /dev/serial/by-id). */
  byIdDir?: string;
  /** How long the reader gets to answer (default 3 s). */
  answerTimeoutMs?: number;
}

/** The /dev/serial/by-id name that leads to `real`, if any. */
function byIdName(dir: string, real: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const n of names.sort()) {
    try {
      if (realpathSync(join(dir, n)) === real) return join(dir, n);
    } catch {
      // a dangling link: not ours
    }
  }
  return null;
}

/** `serial.device`: the device node exists (its real node, its by-id name, owner group and mode). */
export async function checkSerialDevice(t: SerialTarget): Promise<CheckOutcome> {
  if (t.device.startsWith('tcp://'))
    return notApplicable('reader.device is a tcp:// address', { device: t.device });
  let st: Stats;
  try {
    st = statSync(t.device);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    return { result: 'fail', evidence: { device: t.device, errno }, hint: 'serial.missing' };
  }
  const real = realpathSync(t.device);
  const groups = typeof process.getgroups === 'function' ? process.getgroups() : [];
  const evidence = {
    device: t.device,
    realPath: real,
    byId: byIdName(t.byIdDir ?? '/dev/serial/by-id', real),
    characterDevice: st.isCharacterDevice(),
    gid: st.gid,
    mode: (st.mode & 0o777).toString(8),
    inDeviceGroup: groups.includes(st.gid),
  };
  if (!st.isCharacterDevice()) return { result: 'fail', evidence, hint: 'serial.missing' };
  return pass(evidence);
}

function openHint(reason: string): HintId {
  if (/EACCES|EPERM|Permission denied/i.test(reason)) return 'serial.permission';
  if (/lock|EBUSY|Resource temporarily unavailable/i.test(reason)) return 'serial.busy';
  return 'serial.openFailed';
}

/** `serial.open`: this process may open the port (EACCES: group dialout), and it opens. */
export async function checkSerialOpen(t: SerialTarget): Promise<CheckOutcome> {
  if (!t.device.startsWith('tcp://') && !t.binding) {
    try {
      await access(t.device, constants.R_OK | constants.W_OK);
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code ?? 'unknown';
      return { result: 'fail', evidence: { device: t.device, errno }, hint: openHint(errno) };
    }
  }
  try {
    const open = readerPortOpener({ path: t.device, baud: t.baud, binding: t.binding });
    const port = await open({ onData: () => {}, onClose: () => {} });
    await port.close();
    return pass({ device: t.device, baud: t.baud ?? 115200 });
  } catch (e) {
    const reason = isPosError(e) ? e.message : (e as Error).message;
    return {
      result: 'fail',
      evidence: { device: t.device, code: isPosError(e) ? e.code : undefined, reason },
      hint: openHint(reason),
    };
  }
}
