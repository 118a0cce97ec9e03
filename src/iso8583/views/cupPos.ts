/**
 * Typed views of the cup-pos dialect (host-cup-pos.md): the one place where cup-pos field numbers
 * meet typed requests and responses. Builders return IsoMessage; field 64 gets a placeholder the
 * caller replaces with the MAC of the packed message (crypto applyMac).
 */
export * from './cupPosBalance.js';
export * from './cupPosBatchUpload.js';
export * from './cupPosConstants.js';
export {
  type BuildOptions,
  encodeField60,
  encodeField61,
  type Field60,
  type OriginalMessage,
  parseField60,
  parseField61,
} from './cupPosFields.js';
export * from './cupPosFinancial.js';
export * from './cupPosFinancialResponse.js';
export * from './cupPosManagement.js';
export * from './cupPosResponseCodes.js';
export * from './cupPosStatusRecord.js';
export * from './cupPosTotals.js';
