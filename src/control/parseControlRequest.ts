/**
 * One request line of the control channel → a checked request or a coded error. Pure (no I/O).
 * Any bytes give one or the other, never a throw.
 */
import { PosError } from '../errors.js';
import { maskPansInText } from '../mask.js';

export type ControlId = number | string | null;

export interface ControlRequest {
  id: ControlId;
  method: string;
  params: Record<string, unknown>;
}

export type ParsedControlRequest =
  | { ok: true; request: ControlRequest }
  /** `id` is the request's own id when it could be read, so the till can match the error. */
  | { ok: false; id: ControlId; error: PosError };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Longest method name echoed back in an error message. */
const ECHO_MAX = 40;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function bad(id: ControlId, message: string, key?: string): ParsedControlRequest {
  return { ok: false, id, error: new PosError('CONTROL_BAD_REQUEST', message, key ? { key } : {}) };
}

/** A client-chosen string made safe to put in an error message or a log. */
export function echo(s: string): string {
  const cut = s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}...` : s;
  return maskPansInText(JSON.stringify(cut));
}

export function parseControlRequest(line: Uint8Array | string): ParsedControlRequest {
  let text: string;
  if (typeof line === 'string') text = line;
  else {
    try {
      text = utf8.decode(line);
    } catch {
      return bad(null, 'request is not valid UTF-8');
    }
  }
  let req: unknown;
  try {
    req = JSON.parse(text);
  } catch {
    return bad(null, 'request is not JSON');
  }
  if (!isPlainObject(req)) return bad(null, `request must be a JSON object, not ${kindOf(req)}`);
  const rawId = req.id;
  let id: ControlId = null;
  if (typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId))) id = rawId;
  else if (rawId !== undefined && rawId !== null)
    return bad(null, `'id' must be a number or a string, not ${kindOf(rawId)}`, 'id');
  const method = req.method;
  if (typeof method !== 'string')
    return bad(id, `'method' must be a string, not ${kindOf(method)}`, 'method');
  if (method === '') return bad(id, `'method' is empty`, 'method');
  const params = req.params;
  if (params !== undefined && !isPlainObject(params))
    return bad(id, `'params' must be a JSON object, not ${kindOf(params)}`, 'params');
  return { ok: true, request: { id, method, params: params ?? {} } };
}
