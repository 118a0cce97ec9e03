/** The built-in dialects, compiled once on first use. */
import { PosError } from '../errors.js';
import { compileDialect, type Dialect, type DialectSpec } from './compileDialect.js';
import cupPos from './dialects/cup-pos.json' with { type: 'json' };
import iso87Ascii from './dialects/iso87-ascii.json' with { type: 'json' };

const SPECS: Record<string, DialectSpec> = {
  'cup-pos': cupPos as DialectSpec,
  'iso87-ascii': iso87Ascii as DialectSpec,
};
const compiled = new Map<string, Dialect>();

/** Names of the built-in dialects. */
export const DIALECT_NAMES: readonly string[] = Object.keys(SPECS);

/** A built-in dialect by name ('cup-pos' | 'iso87-ascii'); unknown names throw ISO_UNKNOWN_DIALECT. */
export function getDialect(name: string): Dialect {
  let d = compiled.get(name);
  if (d) return d;
  const spec = Object.hasOwn(SPECS, name) ? SPECS[name] : undefined;
  if (!spec) {
    throw new PosError('ISO_UNKNOWN_DIALECT', `unknown dialect (known: ${DIALECT_NAMES.join(', ')})`, {
      key: 'dialect',
    });
  }
  d = compileDialect(spec);
  compiled.set(name, d);
  return d;
}
