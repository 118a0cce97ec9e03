/**
 * Terminal profiles: JSON files checked against terminal-profiles/profile.schema.json.
 * A bad profile is refused with PROFILE_* naming the key; relative paths in a profile are
 * resolved against the profile's own folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { PosError } from '../errors.js';
import validateProfileSchema from './profileSchemaValidator.generated.js';

export interface Endpoint {
  host: string;
  port: number;
  tls?: boolean;
}

export type OfflinePolicy = 'prefer-online' | 'require-online' | 'force-offline';
export type OfflineInterface = 'contact' | 'contactless';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface TerminalProfile {
  name: string;
  description?: string;
  dialect: 'cup-pos';
  terminalId: string;
  merchantId: string;
  currency: string;
  timeZone: string;
  operatorId: string;
  reader: {
    device: string;
    baud: number;
    interByteTimeoutMs: number;
    tapTimeoutS: number;
    emulatorCard?: string;
  };
  host: {
    tpdu: string;
    softwareVersion: string;
    primary: Endpoint;
    backup?: Endpoint;
    tls?: { ca?: string; cert?: string; key?: string; pins?: string[]; servername?: string };
    connectTimeoutMs: number;
    responseTimeoutMs: number;
    echoIntervalS: number;
  };
  keys: { tmk?: string; tmkFile?: string };
  journal: { path: string; keyFile: string; minFreeBytes: number };
  /** Per-transaction amount limit (sale, refund, void), minor units; absent: the 12-digit field. */
  limits?: { maxSaleMinor?: number };
  reversal: { maxAttempts: number; whilePending: 'wait' | 'fail-fast' };
  offline: {
    policy: OfflinePolicy;
    floorLimitMinor: number;
    totalLimitMinor: number;
    maxCount: number;
    maxAgeS: number;
    interfaces: OfflineInterface[];
  };
  /** Batch size (settlement field 48 counts are n3). */
  batch: { maxCount: number; autoSettle: boolean };
  control: {
    socket?: string;
    /** Group (name or gid) that may use the control socket besides the runtime's user. */
    group?: string;
  };
  /** Settlement timing: a folder of holiday calendar files that add or replace years (docs/settlement.md). */
  settlement?: {
    calendarDir?: string;
    /** The merchant's contract (default T1). */
    mode?: 'D0' | 'T1' | 'D1';
    /** Ceiling on 0800/951 inquiries per hour (default 12). */
    maxInquiriesPerHour?: number;
    /** Days a sale's settlement is tracked (default 7). */
    trackDays?: number;
  };
  /** Log level of `posterm run` (its --log-level wins at start; a SIGHUP applies a change). */
  log?: { level?: LogLevel };
  /** Folder of the profile file; relative paths were resolved against it. */
  baseDir: string;
}

/** sun_path holds 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** The schema compiled ahead of time (scripts/genProfileValidator.ts): no ajv compiler at start. */
const validate = validateProfileSchema as ValidateFunction;

/** The folder holding the bundled profiles (found upward from this module, in src/ or in dist/). */
export const PROFILES_DIR = findUp(dirname(fileURLToPath(import.meta.url)), 'terminal-profiles');

function findUp(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, name, 'profile.schema.json'))) return resolve(dir, name);
    if (dirname(dir) === dir) return resolve(from, '../..', name);
  }
}

function keyOf(err: ErrorObject): string {
  const path = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  if (err.keyword === 'additionalProperties') {
    const extra = (err.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path || '(root)';
}

/** Validate a parsed profile object; `baseDir` resolves relative paths. */
export function parseProfile(raw: unknown, baseDir: string): TerminalProfile {
  const data = structuredClone(raw);
  if (!validate(data)) {
    const err = validate.errors![0];
    const key = keyOf(err);
    const what = err.keyword === 'additionalProperties' ? 'is not a known key' : err.message;
    throw new PosError('PROFILE_INVALID', `profile key '${key}' ${what}`, { key });
  }
  const p = data as unknown as TerminalProfile;
  // Defaults for optional sections that ajv fills only when the section exists.
  p.reversal ??= { maxAttempts: 3, whilePending: 'wait' };
  p.offline ??= {
    policy: 'prefer-online',
    floorLimitMinor: 0,
    totalLimitMinor: 0,
    maxCount: 0,
    maxAgeS: 86400,
    interfaces: ['contact', 'contactless'],
  };
  p.batch ??= { maxCount: 500, autoSettle: true };
  p.control ??= {};
  validate(p); // second pass fills defaults inside the sections added above
  const abs = (f: string) => (isAbsolute(f) ? f : resolve(baseDir, f));
  p.journal.path = abs(p.journal.path);
  p.journal.keyFile = abs(p.journal.keyFile);
  if (p.keys.tmkFile) p.keys.tmkFile = abs(p.keys.tmkFile);
  if (p.settlement?.calendarDir) p.settlement.calendarDir = abs(p.settlement.calendarDir);
  if (p.control.socket) {
    p.control.socket = abs(p.control.socket);
    const bytes = Buffer.byteLength(p.control.socket);
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new PosError(
        'PROFILE_INVALID',
        `profile key 'control.socket' resolves to ${bytes} bytes (${p.control.socket}); a Unix socket path holds at most ${MAX_SOCKET_PATH_BYTES}`,
        { key: 'control.socket' },
      );
    }
  }
  const tls = p.host.tls;
  if (tls) {
    for (const k of ['ca', 'cert', 'key'] as const) if (tls[k]) tls[k] = abs(tls[k]!);
    if (!!tls.cert !== !!tls.key) {
      throw new PosError('PROFILE_INVALID', "profile key 'host.tls' needs both cert and key for mutual TLS", {
        key: tls.cert ? 'host.tls.key' : 'host.tls.cert',
      });
    }
  }
  p.baseDir = baseDir;
  return p;
}

/** Load a profile by file path, or by bundled name ('emulator'). */
export function loadProfile(fileOrName: string): TerminalProfile {
  const file = /[\\/]|\.json$/.test(fileOrName)
    ? resolve(fileOrName)
    : resolve(PROFILES_DIR, `${fileOrName}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PosError(
      'PROFILE_NOT_FOUND',
      `cannot read profile ${fileOrName}: ${(e as NodeJS.ErrnoException).code}`,
      {
        key: 'profile',
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PosError(
      'PROFILE_BAD_JSON',
      `profile ${fileOrName} is not valid JSON: ${(e as Error).message}`,
      {
        key: '(root)',
      },
    );
  }
  return parseProfile(raw, dirname(file));
}

/** The TMK as bytes, from the profile or its key file. */
export function profileTmk(p: TerminalProfile): Buffer {
  let hex = p.keys.tmk;
  if (!hex && p.keys.tmkFile) {
    const file = p.keys.tmkFile;
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new PosError(
          'PROFILE_TMK_FILE_MODE',
          `TMK file ${file} is readable by group or others (chmod 600 it)`,
          { key: 'keys.tmkFile', file, mode: mode.toString(8) },
        );
      }
      hex = readFileSync(file, 'utf8').trim();
    } catch (e) {
      if (e instanceof PosError) throw e;
      throw new PosError(
        'PROFILE_NOT_FOUND',
        `cannot read TMK file ${file}: ${(e as NodeJS.ErrnoException).code}`,
        { key: 'keys.tmkFile', file },
      );
    }
  }
  if (!hex || !/^([0-9A-Fa-f]{16}){1,3}$/.test(hex)) {
    throw new PosError('PROFILE_INVALID', "profile key 'keys' holds no valid TMK (16, 32 or 48 hex digits)", {
      key: 'keys.tmk',
    });
  }
  return Buffer.from(hex, 'hex');
}
