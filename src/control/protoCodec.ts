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

function hasOwn(o: object, k: string): boolean {
  return Object.hasOwn(o, k);
}

/**
 * What the mappers need of one field, worked out once per message type (the control path maps
 * every answer: walking the schema per call allocated most of its garbage).
 */
interface FieldPlan {
  name: string;
  repeated: boolean;
  /** Member of a oneof or proto3 `optional`: absent unless set. */
  tracked: boolean;
  nullWhenAbsent: boolean;
  absentWhenEmpty: boolean;
  string: boolean;
  message?: Plan;
  enumType?: protobuf.Enum;
  /** TypeScript enum value → wire number (filled on first use of each value). */
  enumIn?: Map<string, number>;
  /** Wire number → TypeScript enum value. */
  enumOut?: Map<number, string>;
  typeDefault: unknown;
}

interface Plan {
  type: protobuf.Type;
  fields: FieldPlan[];
  /** Real oneofs (not proto3 `optional`), each with its members' names. */
  oneofs: { name: string; members: string[] }[];
}

const plans = new WeakMap<protobuf.Type, Plan>();

function planOf(type: protobuf.Type): Plan {
  let plan = plans.get(type);
  if (plan) return plan;
  plan = { type, fields: [], oneofs: [] };
  plans.set(type, plan); // before the fields: a message may contain itself
  for (const f of type.fieldsArray) {
    const key = `${type.name}.${f.name}`;
    const rt = f.resolvedType;
    const fp: FieldPlan = {
      name: f.name,
      repeated: f.repeated,
      tracked: f.partOf != null,
      nullWhenAbsent: NULL_WHEN_ABSENT.has(key),
      absentWhenEmpty: ABSENT_WHEN_EMPTY.has(key),
      string: f.type === 'string',
      typeDefault: isLong(f.typeDefault) ? f.typeDefault.toNumber() : f.typeDefault,
    };
    if (rt instanceof protobuf.Type) fp.message = planOf(rt);
    else if (rt instanceof protobuf.Enum) {
      fp.enumType = rt;
      fp.enumIn = new Map();
      fp.enumOut = new Map(Object.entries(rt.values).map(([, n]) => [n, enumFromWire(rt, n)]));
    }
    plan.fields.push(fp);
  }
  for (const o of type.oneofsArray) {
    if (!o.name.startsWith('_'))
      plan.oneofs.push({ name: o.name, members: o.fieldsArray.map((f) => f.name) });
  }
  return plan;
}

/** A TypeScript enum value → its wire number; undefined for a name the enum does not have. */
function enumNumber(fp: FieldPlan, v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const text = String(v);
  let n = fp.enumIn!.get(text);
  if (n === undefined) {
    n = fp.enumType!.values[enumToWire(fp.enumType!, text) as string];
    if (n === undefined) return undefined;
    fp.enumIn!.set(text, n);
  }
  return n;
}

function valueToWire(fp: FieldPlan, x: unknown): unknown {
  if (fp.message) {
    if (typeof x !== 'object' || x === null) throw new TypeError(`${fp.message.type.name}: object expected`);
    return planToWire(fp.message, x as Plain);
  }
  if (fp.enumType) return enumNumber(fp, x);
  if (fp.string && typeof x !== 'string') return String(x);
  return x;
}

function planToWire(plan: Plan, value: Plain): Plain {
  const out: Plain = {};
  for (const fp of plan.fields) {
    const v = value[fp.name];
    if (v === undefined || v === null) continue;
    if (fp.repeated) {
      const xs = v as unknown[];
      const w = new Array(xs.length);
      for (let i = 0; i < xs.length; i++) w[i] = valueToWire(fp, xs[i]) ?? 0;
      out[fp.name] = w;
    } else {
      const w = valueToWire(fp, v);
      if (w !== undefined) out[fp.name] = w;
    }
  }
  return out;
}

/**
 * A TypeScript value shaped like `type` → a plain message `type.encode` takes as it is: enums as
 * their numbers, strings as strings; a value that is not an object where a message is expected
 * throws. An enum value the schema does not have is left out (read back as unspecified).
 */
export function toWire(type: protobuf.Type, value: Plain): Plain {
  return planToWire(planOf(type), value);
}

function valueFromWire(fp: FieldPlan, x: unknown): unknown {
  if (fp.message) return planFromWire(fp.message, (x ?? EMPTY) as Plain);
  if (fp.enumOut) {
    const n = x === undefined ? fp.typeDefault : x;
    return (typeof n === 'number' && fp.enumOut.get(n)) || 'unspecified';
  }
  if (x === undefined) return fp.typeDefault;
  return isLong(x) ? x.toNumber() : x;
}

const EMPTY: Plain = Object.freeze({});

function planFromWire(plan: Plan, msg: Plain): Plain {
  const out: Plain = {};
  for (const fp of plan.fields) {
    if (fp.tracked && !(hasOwn(msg, fp.name) && msg[fp.name] != null)) {
      if (fp.nullWhenAbsent) out[fp.name] = null;
      continue;
    }
    const v = msg[fp.name];
    if (!fp.repeated) out[fp.name] = valueFromWire(fp, v);
    else {
      const xs = (v as unknown[] | undefined) ?? [];
      if (xs.length === 0 && fp.absentWhenEmpty) continue;
      const r = new Array(xs.length);
      for (let i = 0; i < xs.length; i++) r[i] = valueFromWire(fp, xs[i]);
      out[fp.name] = r;
    }
  }
  for (const o of plan.oneofs) {
    for (const m of o.members) {
      if (hasOwn(msg, m) && msg[m] != null) {
        out[o.name] = m;
        break;
      }
    }
  }
  return out;
}

/**
 * A decoded message of `type` → the TypeScript value (see the module comment). Real oneofs also
 * get their case name under the oneof's own name (`call: 'sale'`).
 */
export function fromWire(type: protobuf.Type, msg: Plain): Plain {
  return planFromWire(planOf(type), msg);
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
  if (!f?.resolvedType) throw new TypeError(`Envelope has no message field ${body}`);
  const plain = { id, [body]: toWire(f.resolvedType as protobuf.Type, value) };
  return EnvelopeType.encodeDelimited(plain).finish();
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
