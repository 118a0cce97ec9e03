/**
 * `posterm/client`: what a till app written for Node needs to talk to a running posterm over its
 * control socket (docs/control-api.md). The schema for other languages ships as
 * `posterm/proto/posterm/v1/control.proto`.
 */
export {
  type CallOptions,
  type ClientSubscription,
  PostermClient,
  type PostermClientOptions,
  type ServerHello,
} from './control/PostermClient.js';
export { API_MAJOR, API_MINOR, MAX_FRAME_BYTES } from './control/protoCodec.js';
export { isPosError, PosError, type PosErrorCode } from './errors.js';
export type {
  AbortRequest,
  AbortResponse,
  ForwardReport,
  InquiryCall,
  QueueListRequest,
  QueueRow,
  RefundCall,
  RuntimeEvent,
  RuntimeEventType,
  RuntimeStatus,
  SaleCall,
  SettlementResult,
  TillId,
  TransactionStatusRequest,
  TransactionStatusResponse,
  TxnResult,
  VoidCall,
} from './runtime/RuntimeApi.js';
export type { SaleMode, TxnKind, TxnOutcome } from './txn/types.js';
