/** A RuntimeApi test double: canned answers, recorded calls, gates for slow calls, an event log. */
import type {
  AbortRequest,
  AbortResponse,
  ForwardReport,
  InquiryCall,
  QueueListRequest,
  QueueRow,
  RefundCall,
  RuntimeApi,
  RuntimeEvent,
  RuntimeStatus,
  SaleCall,
  SettlementReportRequest,
  SettlementReportResponse,
  SettlementResult,
  SettlementStatusResponse,
  SettlementTimelineRequest,
  SettlementTimelineResponse,
  SettlementTrackReport,
  Subscription,
  TransactionStatusRequest,
  TransactionStatusResponse,
  TxnResult,
  VoidCall,
} from '../../src/runtime/RuntimeApi.js';

export const APPROVED: TxnResult = {
  id: 7,
  kind: 'purchase',
  outcome: 'approved',
  approval: 'online',
  responseCode: '00',
  textEn: 'approved',
  textZh: '交易成功',
  amountMinor: 1234,
  stan: '000042',
  batch: '000001',
  rrn: '123456789012',
  authCode: 'A1B2C3',
  maskedPan: '621234******0012',
  entryInterface: 'contactless',
  timings: { cardMs: 120, prepareMs: 3, hostMs: 80, commitMs: 2, totalMs: 85 },
};

export const FAILED: TxnResult = {
  id: 8,
  kind: 'purchase',
  outcome: 'failed',
  textEn: 'reversal pending',
  textZh: '冲正中',
  amountMinor: 5000,
  reversalPending: { reason: '98' },
  reason: { code: 'HOST_TIMEOUT', message: 'no answer in 30000 ms' },
  timings: {},
};

export const FORWARD: ForwardReport = {
  reversalsDone: 1,
  advicesDone: 2,
  refused: 0,
  failed: 0,
  remaining: 3,
  unreachable: true,
};

export const SETTLED: SettlementResult = {
  outcome: 'uploaded',
  batch: '000001',
  openBatch: '000002',
  totals: {
    batch: '000001',
    debitCount: 3,
    debitAmountMinor: 999_999_999_999,
    creditCount: 1,
    creditAmountMinor: 200,
  },
  reconciliation: '2',
  responseCode: '00',
  forwarded: { ...FORWARD, unreachable: false, remaining: 0 },
  uploaded: { entries: 4, messages: 1 },
  textEn: 'settled after upload',
  textZh: '批上送后结算成功',
  earlier: [
    {
      outcome: 'balanced',
      batch: '000000',
      openBatch: '000001',
      totals: { batch: '000000', debitCount: 0, debitAmountMinor: 0, creditCount: 0, creditAmountMinor: 0 },
      forwarded: {
        reversalsDone: 0,
        advicesDone: 0,
        refused: 0,
        failed: 0,
        remaining: 0,
        unreachable: false,
      },
      textEn: 'balanced',
      textZh: '平账',
    },
  ],
};

export const ROWS: QueueRow[] = [
  {
    type: 'reversal',
    id: 3,
    state: 'reversal-pending',
    stan: '000040',
    amountMinor: 5000,
    maskedPan: '621234******0012',
    ageS: 12,
    attempts: 2,
    lastResult: 'HOST_TIMEOUT',
    reason: '98',
    overLimit: false,
  },
  {
    type: 'advice',
    id: 1,
    state: 'pending',
    stan: '000041',
    amountMinor: 700,
    maskedPan: null,
    ageS: 0,
    attempts: 0,
    lastResult: null,
  },
];

export const STATUS: RuntimeStatus = {
  profile: 'emulator',
  terminalId: '12345678',
  signedOn: true,
  signingOn: false,
  reader: { state: 'connected', since: '2026-01-01T00:00:00.000Z' },
  batch: '000002',
  host: {
    endpoint: '127.0.0.1:5000',
    connected: false,
    onBackup: true,
    lastOkAt: null,
    lastError: {
      code: 'HOST_UNREACHABLE',
      cause: 'tls-pin',
      message: 'pin mismatch',
      at: '2026-01-01T00:00:01.000Z',
    },
  },
  link: {
    requests: 10,
    responses: 9,
    timeouts: 1,
    disconnects: 0,
    connects: 2,
    connectFailures: 1,
    late: 0,
    stray: 0,
    badTpdu: 0,
    badFrames: 0,
    failovers: 1,
    failbacks: 0,
  },
  journal: { writable: true, heldOutcomes: 0, freeBytes: null, minFreeBytes: 50_000_000, lowSpace: false },
  owed: { reversals: 1, advices: 1, advicesInFlight: 0 },
  pendingReversals: 1,
  queued: 1,
};

/** One of each event type (seq 1..6). */
export const EVENTS: RuntimeEvent[] = [
  { seq: 1, at: '2026-01-01T00:00:00.000Z', type: 'reader', state: 'unavailable', reason: 'ENOENT' },
  {
    seq: 2,
    at: '2026-01-01T00:00:01.000Z',
    type: 'transaction',
    tillId: 'till-1',
    id: 7,
    kind: 'offline-sale',
    state: 'reversal-pending',
    amountMinor: 1234,
  },
  {
    seq: 3,
    at: '2026-01-01T00:00:02.000Z',
    type: 'link',
    state: 'down',
    endpoint: 'h:1',
    cause: 'connect-timeout',
  },
  { seq: 4, at: '2026-01-01T00:00:03.000Z', type: 'sign-on', ok: false, code: 'HOST_SIGN_ON_REFUSED' },
  { seq: 5, at: '2026-01-01T00:00:04.000Z', type: 'queue', reversals: 1, advices: 0 },
  { seq: 6, at: '2026-01-01T00:00:05.000Z', type: 'settlement', batch: '000001', outcome: 'unbalanced' },
];

const CAUSE = {
  cause: 'delayed-settlement-switch' as const,
  text: { en: 'delayed settlement (延时到账) is switched on for the merchant', zh: '商户已开通延时到账' },
  remedy: {
    en: "turn it off in the acquirer's merchant platform: 结算管理 → 到账设置 → 关闭延时到账",
    zh: '在收单机构商户平台关闭:结算管理 → 到账设置 → 关闭延时到账',
  },
};

export const SETTLEMENT_ROW = {
  txnId: 7,
  rrn: '123456789012',
  approval: 'online' as const,
  maskedPan: '621234******0012',
  amountMinor: 1234,
  authorisedAt: '2026-03-02T02:00:00.000Z',
  mode: 'T1' as const,
  hostStatus: 'C' as const,
  stage: 'expected' as const,
  expectedArrival: '2026-03-03T09:00:00.000Z',
  delayMs: 8 * 3_600_000,
  mainCause: CAUSE,
  lastAskedAt: '2026-03-02T04:00:00.000Z',
  observations: 2,
};

export const SETTLEMENT_STATUS: SettlementStatusResponse = {
  timeZone: 'Asia/Shanghai',
  asOf: '2026-03-02T05:00:00.000Z',
  rows: [SETTLEMENT_ROW, { ...SETTLEMENT_ROW, txnId: 8, maskedPan: null, stage: 'arrived', observations: 0 }],
};

export const SETTLEMENT_TIMELINE: SettlementTimelineResponse = {
  timeZone: 'Asia/Shanghai',
  asOf: '2026-03-02T05:00:00.000Z',
  row: SETTLEMENT_ROW,
  contractMode: 'T1',
  ideal: '2026-03-03T01:00:00.000Z',
  stages: [
    { stage: 'authorised', at: '2026-03-02T02:00:00.000Z', source: 'terminal' },
    { stage: 'expected-arrival', source: 'estimated', calendarUnknown: true },
  ],
  segments: [
    {
      from: '2026-03-03T01:00:00.000Z',
      to: '2026-03-03T09:00:00.000Z',
      ms: 8 * 3_600_000,
      basis: 'host',
      hostReason: '08',
      hostStatus: 'C',
      ...CAUSE,
    },
  ],
  observations: [{ learntAt: '2026-03-02T04:00:00.000Z', status: 'C', mode: 'T1', delayReason: '08' }],
};

/** Bytes that are not valid UTF-8, so a transport that turns them into text is caught. */
export const REPORT_CONTENT = new Uint8Array([0x0a, 0x80, 0xff, 0x00, 0xe4, 0xb8, 0xad]);

export const TRACK_REPORT: SettlementTrackReport = {
  asked: 9,
  messages: 2,
  observations: 8,
  arrived: 1,
  deferred: 0,
  unreachable: false,
  errors: [{ code: 'SETTLE_STATUS_UNKNOWN', rrn: '999999999999' }, { code: 'SETTLE_INQUIRY_BAD_ANSWER' }],
};

export type Call = { method: string; req: unknown };

export class FakeRuntimeApi implements RuntimeApi {
  readonly calls: Call[] = [];
  readonly history: RuntimeEvent[] = [];
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  /** Replace to make sale slow, fail or answer differently. */
  saleImpl: (req: SaleCall) => Promise<TxnResult> = async (req) => ({
    ...APPROVED,
    amountMinor: req.amountMinor,
  });
  /** Sales that finished (also those whose client went away). */
  readonly salesDone: SaleCall[] = [];

  private record(method: string, req: unknown): void {
    this.calls.push({ method, req });
  }

  async sale(req: SaleCall): Promise<TxnResult> {
    this.record('sale', req);
    const r = await this.saleImpl(req);
    this.salesDone.push(req);
    return r;
  }
  async void(req: VoidCall): Promise<TxnResult> {
    this.record('void', req);
    return { ...APPROVED, kind: 'void', rrn: req.rrn };
  }
  async refund(req: RefundCall): Promise<TxnResult> {
    this.record('refund', req);
    return { ...APPROVED, kind: 'refund', amountMinor: req.amountMinor };
  }
  async inquiry(req?: InquiryCall): Promise<TxnResult> {
    this.record('inquiry', req);
    return { ...APPROVED, kind: 'inquiry', balance: 'C000001234567', amountMinor: undefined };
  }
  async transactionStatus(req: TransactionStatusRequest): Promise<TransactionStatusResponse> {
    this.record('transactionStatus', req);
    if (req.tillId === 'done-1') return { tillId: req.tillId, state: 'done', result: FAILED };
    return { tillId: req.tillId, state: 'unknown' };
  }
  async abort(req?: AbortRequest): Promise<AbortResponse> {
    this.record('abort', req);
    return { outcome: req?.tillId ? 'too-late' : 'nothing' };
  }
  async queueList(req?: QueueListRequest): Promise<QueueRow[]> {
    this.record('queueList', req);
    return ROWS;
  }
  async queueForward(): Promise<ForwardReport> {
    this.record('queueForward', undefined);
    return FORWARD;
  }
  async settle(): Promise<SettlementResult> {
    this.record('settle', undefined);
    return SETTLED;
  }
  async status(): Promise<RuntimeStatus> {
    this.record('status', undefined);
    return STATUS;
  }
  async settlementStatus(): Promise<SettlementStatusResponse> {
    this.record('settlementStatus', undefined);
    return SETTLEMENT_STATUS;
  }
  async settlementTimeline(req: SettlementTimelineRequest): Promise<SettlementTimelineResponse> {
    this.record('settlementTimeline', req);
    return SETTLEMENT_TIMELINE;
  }
  async settlementTrack(): Promise<SettlementTrackReport> {
    this.record('settlementTrack', undefined);
    return TRACK_REPORT;
  }
  async settlementReport(req: SettlementReportRequest): Promise<SettlementReportResponse> {
    this.record('settlementReport', req);
    return { format: req.format, transactions: 2, content: REPORT_CONTENT };
  }

  subscribe(fromSeq: number, listener: (e: RuntimeEvent) => void): Subscription {
    this.record('subscribe', fromSeq);
    for (const e of this.history) if (e.seq > fromSeq) listener(e);
    this.listeners.add(listener);
    return { close: () => this.listeners.delete(listener) };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  emit(e: RuntimeEvent): void {
    this.history.push(e);
    for (const l of this.listeners) l(e);
  }
}
