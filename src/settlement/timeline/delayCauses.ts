/**
 * The causes a settlement delay is attributed to (docs/settlement.md), each with what it means
 * and the remedy as a merchant would act on it, in English and Chinese.
 */
import type { DelayReason } from '../../iso8583/views/cupPosStatusRecord.js';

export const DelayCause = {
  TerminalOffline: 'terminal-offline',
  BatchSettledLate: 'batch-settled-late',
  AfterCutOff: 'after-cut-off',
  NonBusinessDay: 'non-business-day',
  D0Limit: 'd0-limit',
  AccountNotEligible: 'account-not-eligible',
  RiskHold: 'risk-hold',
  BankMaintenance: 'bank-maintenance',
  TransferFailed: 'transfer-failed',
  DelayedSettlementSwitch: 'delayed-settlement-switch',
  ProcessingBeyondNorm: 'processing-beyond-norm',
  Unexplained: 'unexplained',
} as const;
export type DelayCause = (typeof DelayCause)[keyof typeof DelayCause];

export interface Bilingual {
  en: string;
  zh: string;
}

export interface DelayCauseInfo {
  /** What happened. */
  text: Bilingual;
  /** What the merchant can do. */
  remedy: Bilingual;
}

export const DELAY_CAUSES: Record<DelayCause, DelayCauseInfo> = {
  'terminal-offline': {
    text: {
      en: 'the terminal was offline: the sale reached the host only when the network came back',
      zh: '终端离线:网络恢复后交易才上送到主机',
    },
    remedy: {
      en: "run the terminal's diagnostics (posterm diag) and check its network: cable, Wi-Fi or mobile signal, router; offline sales are sent as soon as the link is back",
      zh: '运行终端诊断(posterm diag),检查终端网络:网线、Wi-Fi 或移动信号、路由器;网络恢复后离线交易会自动上送',
    },
  },
  'batch-settled-late': {
    text: {
      en: "the batch was settled (结算) after the cut-off of the sale's day",
      zh: '批次结算晚于交易当日的日切时间',
    },
    remedy: {
      en: 'settle the batch on the terminal every day before the cut-off time',
      zh: '每天在日切时间前在终端上完成结算',
    },
  },
  'after-cut-off': {
    text: {
      en: "the sale was made after the cut-off time and belongs to the next day's settlement",
      zh: '交易发生在日切时间之后,计入下一日结算',
    },
    remedy: {
      en: 'settle the batch earlier, before the cut-off; sales after the cut-off arrive one day later',
      zh: '提早在日切前结算批次;日切后的交易顺延一天到账',
    },
  },
  'non-business-day': {
    text: {
      en: 'T1 pays on business days only: a weekend or public holiday came in between',
      zh: 'T1 仅在工作日出款:期间遇周末或法定节假日',
    },
    remedy: {
      en: 'nothing to do: the money arrives on the next business day; ask the acquirer for D1 or D0 settlement if you need money on rest days',
      zh: '无需处理,款项在下一工作日到账;如需节假日到账,可向收单机构申请 D1 或 D0 结算',
    },
  },
  'd0-limit': {
    text: {
      en: 'the instant-settlement (D0) limit was exceeded: the sale was paid as T1',
      zh: '超出 D0 实时到账额度,按 T1 出款',
    },
    remedy: {
      en: "ask the acquirer's service to raise the D0 limit per sale or per day, or expect large sales on the next business day",
      zh: '联系收单机构客服提高 D0 单笔或单日额度,或按 T1 预期大额交易到账',
    },
  },
  'account-not-eligible': {
    text: {
      en: 'the settlement account is not eligible for instant settlement (D0): the sale was paid as T1',
      zh: '结算账户不支持 D0 实时到账,按 T1 出款',
    },
    remedy: {
      en: "change the settlement account in the merchant platform (结算管理 → 结算账户) to one eligible for D0, or ask the acquirer's service which accounts are",
      zh: '在商户平台更换支持 D0 的结算账户(结算管理 → 结算账户),或向收单机构客服咨询',
    },
  },
  'risk-hold': {
    text: { en: 'the payout was held by risk control', zh: '风控暂缓出款' },
    remedy: {
      en: "contact the acquirer's service with the sale's RRN (reference number) and have the order details ready",
      zh: '携交易参考号(RRN)联系收单机构客服,并准备好订单信息',
    },
  },
  'bank-maintenance': {
    text: { en: 'no payouts during a bank maintenance window', zh: '银行系统维护期间暂停出款' },
    remedy: {
      en: "nothing to do: watch the platform's maintenance notices to expect such delays",
      zh: '无需处理;请关注商户平台的系统维护公告',
    },
  },
  'transfer-failed': {
    text: {
      en: 'the transfer to the settlement account failed or bounced',
      zh: '向结算账户转账失败或被退回',
    },
    remedy: {
      en: "check the settlement account in the merchant platform (结算管理 → 结算账户: number, name, bank, status) and ask the acquirer's service to pay again",
      zh: '在商户平台核对结算账户(结算管理 → 结算账户:账号、户名、开户行、状态),并联系收单机构客服重新出款',
    },
  },
  'delayed-settlement-switch': {
    text: {
      en: 'delayed settlement (延时到账) is switched on for the merchant',
      zh: '商户已开通延时到账',
    },
    remedy: {
      en: "turn it off in the acquirer's merchant platform: 结算管理 → 到账设置 → 关闭延时到账",
      zh: '在收单机构商户平台关闭:结算管理 → 到账设置 → 关闭延时到账',
    },
  },
  'processing-beyond-norm': {
    text: {
      en: 'clearing or the bank took longer than the norm',
      zh: '清算或银行处理时间超出正常范围',
    },
    remedy: {
      en: "wait until the end of the next business day; if the money is still not there, ask the acquirer's service with the RRN",
      zh: '请等待至下一工作日结束;仍未到账请携交易参考号(RRN)联系收单机构客服',
    },
  },
  unexplained: {
    text: { en: 'no known cause', zh: '原因不明' },
    remedy: {
      en: "ask the acquirer's service with the RRN and this timeline",
      zh: '携交易参考号(RRN)和本交易时间线联系收单机构客服',
    },
  },
};

/** The cause a host delay reason names (section 5); 00 and 09 need the context (see timeline). */
export const CAUSE_OF_REASON: Partial<Record<DelayReason, DelayCause>> = {
  '01': 'after-cut-off',
  '02': 'non-business-day',
  '03': 'd0-limit',
  '04': 'account-not-eligible',
  '05': 'risk-hold',
  '06': 'bank-maintenance',
  '07': 'transfer-failed',
  '08': 'delayed-settlement-switch',
};
