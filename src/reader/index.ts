/** Card reader (NEO 2) public API. */
export {
  type ActivateOutcome,
  ActivateResponse,
  decodeActivateResponse,
  type EntryInterface,
} from './ActivateResponse.js';
export { crc16 } from './crc16.js';
export {
  encodeNeoFrame,
  NEO_HEADER,
  NEO_MAX_DATA,
  NeoCommand,
  type NeoDirection,
  type NeoFrame,
  NeoStatus,
  neoCommandFrame,
  neoResponseFrame,
} from './NeoFrame.js';
export { NeoFrameParser, type NeoParserCounters, type NeoParserEvent } from './NeoFrameParser.js';
export {
  type ActivateRequest,
  CHIP_TAGS_FIELD55,
  DEFAULT_READER_TIMEOUTS,
  encodeActivateData,
  type ReaderTimeouts,
  type TransactionType,
} from './ReaderCommands.js';
export {
  type ReaderCounters,
  ReaderDriver,
  type ReaderDriverEvents,
  type ReaderDriverOptions,
  type ReaderState,
} from './ReaderDriver.js';
export {
  type ReaderPort,
  type ReaderPortOpener,
  readerPortOpener,
  type SerialBindingLike,
} from './ReaderPort.js';
