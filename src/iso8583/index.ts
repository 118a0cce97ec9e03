/** The ISO 8583 codec: pure, dialects as data (see docs/iso8583.md). */

export { checkTlv } from './checkTlv.js';
export {
  compileDialect,
  type Dialect,
  type DialectSpec,
  type FieldDef,
  type FieldSpec,
  type FieldType,
  type MaskKind,
  type SubfieldSpec,
  wireLength,
} from './compileDialect.js';
export { describe } from './describe.js';
export * from './encoding.js';
export { DIALECT_NAMES, getDialect } from './getDialect.js';
export { isMaskedField, maskField } from './maskField.js';
export type { IsoMessage } from './message.js';
export { pack } from './pack.js';
export * from './prefix.js';
export { joinSubfields, subfields } from './subfields.js';
export * from './tlv.js';
export { unpack } from './unpack.js';
