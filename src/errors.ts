/**
 * Errors: the one import path for the whole runtime. PosError (./errors/PosError.ts), the
 * catalogue of codes with their meaning and what to do (./errors/codes.ts, docs/errors.md), and
 * the named predicates that classify failures (./errors/predicates.ts).
 */
export {
  type CodeSuffix,
  codesOfClass,
  ERROR_CODES,
  type ErrorClass,
  type ErrorCode,
  type ErrorCodeInfo,
  errorCodeInfo,
  isErrorCode,
  layerOf,
  type PosErrorLayer,
} from './errors/codes.js';
export { isPosError, PosError, type PosErrorCode, type PosErrorContext } from './errors/PosError.js';
export {
  isHostDown,
  isHostFailure,
  isJournalWriteFailure,
  isKeyFailure,
  isNetworkUnreachable,
  isNoAnswer,
  isProtocolFailure,
  isReaderLinkDown,
  isSecurityFailure,
  isTlsFailure,
  isUnauthenticatedAnswer,
  isUnavailable,
} from './errors/predicates.js';
