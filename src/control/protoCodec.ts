/**
 * The control API's schema (src/proto/posterm/v1/control.proto, embedded by
 * scripts/genControlProto.ts) and the mapping between its messages and RuntimeApi's types. Pure
 * (no I/O).
 *
 * The mapping is driven by the schema, so one rule covers every message:
 * - field names: the .proto's snake_case is the TypeScript camelCase (`amount_minor` ↔ `amountMinor`);
 * - enums: a TypeScript string value is the enum value's name without the enum's prefix, lower
 *   case, `_` as `-` (`TxnKind` `TXN_KIND_OFFLINE_SALE` ↔ 'offline-sale'); an unknown number
 *   reads as 'unspecified';
 * - int64/uint64 ↔ number (money and counters stay below 2^53);
 * - presence: a field marked `optional` (or in a oneof) is absent in TypeScript when absent on the
 *   wire, or null for the few TypeScript fields typed `| null` (NULL_WHEN_ABSENT); any other
 *   field is always there (its default when not sent), except empty lists TypeScript has as
 *   optional (ABSENT_WHEN_EMPTY).
 */
import protobuf from 'protobufjs';
import { CONTROL_PROTO } from './controlProtoText.js';

/** This API's version (Hello.api_major / api_minor). */
export const API_MAJOR = 1;
export const API_MINOR = 3;

/** Largest request frame the server accepts (envelope bytes, without the length prefix). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Largest frame the server sends (a long queue list) and the client accepts. */
export const MAX_REPLY_FRAME_BYTES = 4 * 1024 * 1024;

const root = protobuf.parse(CONTROL_PROTO, { keepCase: false }).root;
root.resolveAll();

export const EnvelopeType = root.lookupType('posterm.v1.Envelope');

type Plain = Record<string, unknown>;

/** Repeated fields optional in TypeScript: absent when empty. */
const ABSENT_WHEN_EMPTY = new Set(['SettlementResult.earlier']);

/** TypeScript fields typed `| null`: null when absent on the wire. */
const NULL_WHEN_ABSENT = new Set([
  'QueueRow.maskedPan',
  'QueueRow.lastResult',
  'JournalHealth.freeBytes',
  'HostStatus.lastOkAt',
  'HostStatus.lastError',
  'SettlementStatusRow.maskedPan',
]);

const prefixes = new WeakMap<protobuf.Enum, string>();

/** 'TxnKind' → 'TXN_KIND_' (kept per enum: it is asked for every enum field of every message). */
function enumPrefix(e: protobuf.Enum): string {
  let p = prefixes.get(e);
  if (p === undefined) {
    p = `${e.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_`;
    prefixes.set(e, p);
  }
  return p;
}

/** 'offline-sale' → 'TXN_KIND_OFFLINE_SALE' (a number passes through). */
export function enumToWire(e: protobuf.Enum, v: unknown): string | number {
  if (typeof v === 'number') return v;
  return `${enumPrefix(e)}${String(v).toUpperCase().replace(/-/g, '_')}`;
}

/** 5 (TXN_KIND_OFFLINE_SALE) → 'offline-sale'; unknown numbers → 'unspecified'. */
export function enumFromWire(e: protobuf.Enum, v: unknown): string {
  const name = typeof v === 'number' ? e.valuesById[v] : typeof v === 'string' ? v : undefined;
  const prefix = enumPrefix(e);
  if (name === undefined || !name.startsWith(prefix)) return 'unspecified';
  return name.slice(prefix.length).toLowerCase().replace(/_/g, '-');
}

function isLong(v: unknown): v is { toNumber(): number } {
  return typeof v === 'object' && v !== null && typeof (v as { toNumber?: unknown }).toNumber === 'function';
}

/** A TypeScript value shaped like `type` → a plain object for `type.fromObject` (enums as names). */
export function toWire(type: protobuf.Type, value: Plain): Plain {
  const out: Plain = {};
  for (const f of type.fieldsArray) {
    const v = value[f.name];
    if (v === undefined || v === null) continue;
    const one = (x: unknown): unknown => {
      if (f.resolvedType instanceof protobuf.Type) return toWire(f.resolvedType, x as Plain);
      if (f.resolvedType instanceof protobuf.Enum) return enumToWire(f.resolvedType, x);
      return x;
    };
    out[f.name] = f.repeated ? (v as unknown[]).map(one) : one(v);
  }
  return out;
}

function hasOwn(o: object, k: string): boolean {
  return Object.hasOwn(o, k);
}

/**
 * A decoded message of `type` → the TypeScript value (see the module comment). Real oneofs also
 * get their case name under the oneof's own name (`call: 'sale'`).
 */
export function fromWire(type: protobuf.Type, msg: Plain): Plain {
  const out: Plain = {};
  for (const f of type.fieldsArray) {
    const key = `${type.name}.${f.name}`;
    const present = f.partOf ? hasOwn(msg, f.name) && msg[f.name] != null : true;
    if (!present) {
      if (NULL_WHEN_ABSENT.has(key)) out[f.name] = null;
      continue;
    }
    const rt = f.resolvedType;
    const one = (x: unknown): unknown => {
      if (rt instanceof protobuf.Type) return fromWire(rt, (x ?? rt.create()) as Plain);
      if (rt instanceof protobuf.Enum) return enumFromWire(rt, x);
      const d = x === undefined ? f.typeDefault : x;
      return isLong(d) ? d.toNumber() : d;
    };
    const v = msg[f.name];
    if (!f.repeated) out[f.name] = one(v);
    else if ((v as unknown[] | undefined)?.length || !ABSENT_WHEN_EMPTY.has(key))
      out[f.name] = ((v as unknown[] | undefined) ?? []).map(one);
  }
  for (const o of type.oneofsArray) {
    if (o.name.startsWith('_')) continue; // proto3 `optional`
    const set = o.fieldsArray.find((f) => hasOwn(msg, f.name) && msg[f.name] != null);
    if (set) out[o.name] = set.name;
  }
  return out;
}

/** The request id of an envelope: kept as decoded (number or Long) so it is echoed exactly. */
export type EnvelopeId = number | { toString(): string };

export interface DecodedEnvelope {
  id: EnvelopeId;
  /** The body's case (hello, request, ...), or undefined when none is set. */
  body?: string;
  message: Plain;
}

/** A frame → the envelope, or the request id when only that could be read. Never throws. */
export function decodeEnvelope(
  bytes: Uint8Array,
): { ok: true; env: DecodedEnvelope } | { ok: false; id: EnvelopeId } {
  try {
    const m = EnvelopeType.decode(bytes) as unknown as Plain;
    const id = (hasOwn(m, 'id') ? m.id : 0) as EnvelopeId;
    return { ok: true, env: { id, body: m.body as string | undefined, message: m } };
  } catch {
    return { ok: false, id: peekId(bytes) };
  }
}

/** Field 1 (varint) of a frame that does not decode as a whole, when it comes first and is whole. */
export function peekId(bytes: Uint8Array): EnvelopeId {
  try {
    const r = protobuf.Reader.create(bytes);
    if (r.len > 0 && r.uint32() === 0x08) return r.uint64() as unknown as EnvelopeId;
  } catch {
    // unreadable: 0
  }
  return 0;
}

/** A plain envelope (TypeScript-shaped body) → its length-delimited bytes. Throws on a bad value. */
export function encodeEnvelope(id: EnvelopeId, body: string, value: Plain): Uint8Array {
  const f = EnvelopeType.fields[body];
  const plain = { id, [body]: toWire(f.resolvedType as protobuf.Type, value) };
  return EnvelopeType.encodeDelimited(EnvelopeType.fromObject(plain)).finish();
}

/** The message type of a field of Request/Response/Event by its case, for the mappers. */
export function typeOf(parent: 'Request' | 'Response' | 'Event' | 'Envelope', field: string): protobuf.Type {
  return root.lookupType(`posterm.v1.${parent}`).fields[field].resolvedType as protobuf.Type;
}

export function lookupType(name: string): protobuf.Type {
  return root.lookupType(`posterm.v1.${name}`);
}

export function idText(id: EnvelopeId): string {
  return String(id);
}
