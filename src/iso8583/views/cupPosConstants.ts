/**
 * Wire constants of the cup-pos dialect (host-cup-pos.md), named with the spec's own words.
 */

/** MTIs the runtime sends or receives. */
export const Mti = {
  FinancialRequest: '0200',
  FinancialResponse: '0210',
  AdviceRequest: '0220',
  AdviceResponse: '0230',
  BatchUploadRequest: '0320',
  BatchUploadResponse: '0330',
  ReversalRequest: '0400',
  ReversalResponse: '0410',
  SettlementRequest: '0500',
  SettlementResponse: '0510',
  NetworkManagementRequest: '0800',
  NetworkManagementResponse: '0810',
  EchoTestRequest: '0820',
  EchoTestResponse: '0830',
} as const;

/** Field 3. */
export const ProcessingCode = {
  Purchase: '000000',
  Void: '200000',
  Refund: '200000',
  BalanceInquiry: '310000',
  OfflineSaleAdvice: '000000',
} as const;

/** Field 60.1. */
export const TransactionType = {
  BalanceInquiry: '01',
  Purchase: '22',
  Void: '23',
  Refund: '25',
  OfflineSaleAdvice: '30',
  /** Batch upload, settlement, sign-on, echo test, settlement status inquiry. */
  Management: '00',
} as const;
export type TransactionType = (typeof TransactionType)[keyof typeof TransactionType];

/** Field 60.3 (and 70). */
export const NetworkManagementCode = {
  /** Financial messages. */
  None: '000',
  SignOn: '003',
  Settlement: '201',
  BatchUpload: '201',
  BatchUploadEnd: '202',
  EchoTest: '301',
  SettlementStatusInquiry: '951',
} as const;

/** Field 22, first two digits. */
export const EntryMode = {
  Keyed: '01',
  MagneticStripe: '02',
  ContactChip: '05',
  ContactlessChip: '07',
} as const;
export type EntryMode = (typeof EntryMode)[keyof typeof EntryMode];

/** Field 22, third digit. */
export const PinCapability = {
  CanAcceptPin: '1',
  CannotAcceptPin: '2',
} as const;
export type PinCapability = (typeof PinCapability)[keyof typeof PinCapability];

/** Field 60.4. */
export const ReadCapability = {
  Contact: '5',
  Contactless: '6',
} as const;
export type ReadCapability = (typeof ReadCapability)[keyof typeof ReadCapability];

/** Field 25. */
export const PosConditionCode = {
  Normal: '00',
} as const;

/** Field 39 of a reversal 0400. */
export const ReversalReason = {
  NoResponse: '98',
  BadMac: 'A0',
  TerminalAborted: '06',
} as const;
export type ReversalReason = (typeof ReversalReason)[keyof typeof ReversalReason];

/** Field 39 codes the runtime acts on (texts: responseCodeText). */
export const ResponseCode = {
  Approved: '00',
  OriginalNotFound: '25',
  DuplicateTransaction: '94',
  MacCheckFailed: 'A0',
} as const;

/** Last digit of field 48 in settlement. */
export const ReconciliationCode = {
  /** What the terminal sends in its 0500. */
  Terminal: '0',
  Balanced: '1',
  Unbalanced: '2',
  Error: '3',
} as const;
export type ReconciliationCode = (typeof ReconciliationCode)[keyof typeof ReconciliationCode];

/** Field 49 default: CNY. */
export const CURRENCY_CNY = '156';

/** Field 64 placeholder the views write; the caller computes the MAC over the packed message. */
export const MAC_PLACEHOLDER = '0000000000000000';
