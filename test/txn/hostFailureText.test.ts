/**
 * What the till shows for a failure before the request left the terminal, by failure class
 * (docs/transactions.md, "When the host cannot be asked"; the classes of docs/host-link.md),
 * text for text in English and Chinese (issue 15: hostFailureText.ts had never been through a
 * mutation run, and no unit test read its texts).
 */
import { describe, expect, it } from 'vitest';
import { PosError } from '../../src/errors.js';
import { hostFailureText } from '../../src/txn/hostFailureText.js';

const text = (code: string, context: Record<string, unknown> = {}) =>
  hostFailureText(new PosError(code as never, 'x', context));

describe('hostFailureText', () => {
  it('network down: "host unreachable", for every code of the class', () => {
    for (const c of [
      'HOST_UNREACHABLE',
      'HOST_CONNECT_FAILED',
      'HOST_CONNECT_TIMEOUT',
      'HOST_CONNECT_ABORTED',
    ]) {
      expect(text(c), c).toEqual({ en: 'host unreachable', zh: '主机无法连接' });
    }
  });

  it('no answer (only the sign-on can be unanswered before the request leaves)', () => {
    for (const c of ['HOST_TIMEOUT', 'HOST_DISCONNECTED']) {
      expect(text(c), c).toEqual({ en: 'the host did not answer the sign-on', zh: '主机签到无应答' });
    }
  });

  it('key failures, each with what to do', () => {
    expect(text('HOST_KEY_CHECK_FAILED')).toEqual({
      en: "working keys failed their check values: the terminal master key does not match the host's; reload the TMK",
      zh: '工作密钥校验失败:终端主密钥与主机不符,请重新灌装主密钥',
    });
    expect(text('HOST_SIGN_ON_REFUSED', { responseCode: '03' })).toEqual({
      en: 'the host refused the sign-on (response code 03): check the terminal and merchant ids with the acquirer',
      zh: '主机拒绝签到(应答码03),请与收单机构核对终端号和商户号',
    });
    expect(text('HOST_SIGN_ON_REFUSED').en).toBe(
      'the host refused the sign-on (response code ): check the terminal and merchant ids with the acquirer',
    );
    expect(text('HOST_BAD_SIGN_ON_KEYS')).toEqual({
      en: 'the sign-on answer carried no usable working keys (field 62): call the acquirer',
      zh: '签到应答中无可用的工作密钥(62域),请联系收单机构',
    });
    expect(text('HOST_NOT_SIGNED_ON')).toEqual({ en: 'not signed on to the host', zh: '未签到' });
  });

  it('TLS failures, with the reason when there is one, else the code', () => {
    expect(text('HOST_TLS_PIN_MISMATCH')).toEqual({
      en: "the host's TLS key matches no pinned key: check the pins in the profile (or someone is in between)",
      zh: '主机TLS公钥与锁定的公钥不符:请检查配置中的公钥锁定(或链路被劫持)',
    });
    expect(text('HOST_TLS_CERT', { reason: 'CERT_HAS_EXPIRED' })).toEqual({
      en: "the host's TLS certificate was refused (CERT_HAS_EXPIRED): check the CA certificate, the host name and the time",
      zh: '主机TLS证书校验失败(CERT_HAS_EXPIRED):请检查CA证书、主机名和时间',
    });
    expect(text('HOST_TLS_CERT', { reason: '' }).en).toBe(
      "the host's TLS certificate was refused (HOST_TLS_CERT): check the CA certificate, the host name and the time",
    );
    expect(text('HOST_TLS_CONFIG')).toEqual({
      en: 'the TLS settings of the profile cannot be used: check the certificate and key files',
      zh: 'TLS配置无法使用:请检查证书和密钥文件',
    });
    expect(text('HOST_TLS_FAILED', { reason: 42 })).toEqual({
      en: 'TLS handshake with the host failed (HOST_TLS_FAILED): check the certificate, pins and time',
      zh: '与主机的TLS握手失败(HOST_TLS_FAILED):请检查证书、公钥锁定和时间',
    });
    expect(text('HOST_TLS_FAILED', { reason: 'alert 40' }).zh).toBe(
      '与主机的TLS握手失败(alert 40):请检查证书、公钥锁定和时间',
    );
  });

  it('protocol failures (host framing and ISO codes): the answer not understood', () => {
    expect(text('HOST_BAD_TPDU', { reason: 'TPDU 6000030000' })).toEqual({
      en: "the host's answer could not be understood (TPDU 6000030000): check the TPDU and the host address",
      zh: '无法识别主机的应答(TPDU 6000030000):请检查TPDU和主机地址',
    });
    expect(text('ISO_BAD_BLOCK_LENGTH')).toEqual({
      en: "the host's answer could not be understood (ISO_BAD_BLOCK_LENGTH): check the TPDU and the host address",
      zh: '无法识别主机的应答(ISO_BAD_BLOCK_LENGTH):请检查TPDU和主机地址',
    });
  });

  it('any other link failure names its code', () => {
    for (const c of ['HOST_BUSY', 'HOST_CLOSED']) {
      expect(text(c), c).toEqual({ en: `host link failed (${c})`, zh: `主机通讯失败(${c})` });
    }
  });
});
