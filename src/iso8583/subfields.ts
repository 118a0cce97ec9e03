/** Composite numeric fields (cup-pos 60 and 61): split into and join from their subfields. */
import { PosError } from '../errors.js';
import type { Dialect, FieldDef } from './compileDialect.js';

function compositeDef(dialect: Dialect, field: number): FieldDef {
  const def = dialect.fields[field];
  if (!def?.subfields) {
    throw new PosError('ISO_NO_SUBFIELDS', `field ${field} has no subfields in dialect ${dialect.name}`, {
      field,
    });
  }
  return def;
}

/**
 * Split a composite value, e.g. 60 '22000001000' -> {'60.1':'22','60.2':'000001','60.3':'000'}.
 * Optional subfields appear only when the value reaches them; digits past the last defined
 * subfield are returned under '<field>.rest'.
 */
export function subfields(dialect: Dialect, field: number, value: string): Record<string, string> {
  const def = compositeDef(dialect, field);
  if (typeof value !== 'string' || value.length < def.minLen) {
    throw new PosError('ISO_BAD_VALUE', `field ${field}: too short for its subfields`, { field });
  }
  const out: Record<string, string> = {};
  let i = 0;
  for (const s of def.subfields!) {
    if (i + s.len > value.length) {
      if (i < value.length) {
        throw new PosError('ISO_BAD_VALUE', `field ${field}: subfield ${s.id} cut short`, {
          field,
          key: s.id,
        });
      }
      break;
    }
    out[s.id] = value.slice(i, i + s.len);
    i += s.len;
  }
  if (i < value.length) out[`${field}.rest`] = value.slice(i);
  return out;
}

/** Inverse of subfields(): required parts must be present, optional ones in order, exact lengths. */
export function joinSubfields(dialect: Dialect, field: number, parts: Record<string, string>): string {
  const def = compositeDef(dialect, field);
  let out = '';
  let missingOptional: string | undefined;
  const known = new Set<string>([`${field}.rest`]);
  for (const s of def.subfields!) {
    known.add(s.id);
    const v = parts[s.id];
    if (v === undefined) {
      if (!s.optional) {
        throw new PosError('ISO_BAD_VALUE', `field ${field}: subfield ${s.id} is required`, {
          field,
          key: s.id,
        });
      }
      missingOptional ??= s.id;
      continue;
    }
    if (missingOptional) {
      throw new PosError('ISO_BAD_VALUE', `field ${field}: ${s.id} given without ${missingOptional}`, {
        field,
        key: s.id,
      });
    }
    if (typeof v !== 'string' || v.length !== s.len || !/^[0-9]*$/.test(v)) {
      throw new PosError('ISO_BAD_VALUE', `field ${field}: subfield ${s.id} must be ${s.len} digits`, {
        field,
        key: s.id,
      });
    }
    out += v;
  }
  const rest = parts[`${field}.rest`];
  if (rest !== undefined) {
    if (missingOptional || typeof rest !== 'string' || !/^[0-9]*$/.test(rest)) {
      throw new PosError('ISO_BAD_VALUE', `field ${field}: bad ${field}.rest`, {
        field,
        key: `${field}.rest`,
      });
    }
    out += rest;
  }
  for (const k of Object.keys(parts)) {
    if (!known.has(k))
      throw new PosError('ISO_BAD_VALUE', `field ${field}: unknown subfield ${k}`, { field, key: k });
  }
  if (out.length > def.len) throw new PosError('ISO_BAD_VALUE', `field ${field}: too long`, { field });
  return out;
}
