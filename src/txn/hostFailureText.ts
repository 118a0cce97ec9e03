/**
 * What a failed exchange with the host means to the person at the terminal, in English and
 * Chinese, by failure class (docs/transactions.md, "When the host cannot be asked"). The texts
 * tell the technician what to fix; they hold no card data or key material.
 */
import {
  isKeyFailure,
  isNetworkUnreachable,
  isNoAnswer,
  isProtocolFailure,
  isTlsFailure,
  type PosError,
} from '../errors.js';

export interface FailureText {
  en: string;
  zh: string;
}

function reasonOf(e: PosError): string {
  const r = e.context.reason;
  return typeof r === 'string' && r !== '' ? r : e.code;
}

/** Text for a failure that happened before the request left the terminal. */
export function hostFailureText(e: PosError): FailureText {
  if (isNetworkUnreachable(e)) return { en: 'host unreachable', zh: '主机无法连接' };
  if (isNoAnswer(e)) return { en: 'the host did not answer the sign-on', zh: '主机签到无应答' };
  if (isKeyFailure(e)) {
    switch (e.code) {
      case 'HOST_KEY_CHECK_FAILED':
        return {
          en: "working keys failed their check values: the terminal master key does not match the host's; reload the TMK",
          zh: '工作密钥校验失败:终端主密钥与主机不符,请重新灌装主密钥',
        };
      case 'HOST_SIGN_ON_REFUSED': {
        const rc = String(e.context.responseCode ?? '');
        return {
          en: `the host refused the sign-on (response code ${rc}): check the terminal and merchant ids with the acquirer`,
          zh: `主机拒绝签到(应答码${rc}),请与收单机构核对终端号和商户号`,
        };
      }
      case 'HOST_BAD_SIGN_ON_KEYS':
        return {
          en: 'the sign-on answer carried no usable working keys (field 62): call the acquirer',
          zh: '签到应答中无可用的工作密钥(62域),请联系收单机构',
        };
      default:
        return { en: 'not signed on to the host', zh: '未签到' };
    }
  }
  if (isTlsFailure(e)) {
    switch (e.code) {
      case 'HOST_TLS_PIN_MISMATCH':
        return {
          en: "the host's TLS key matches no pinned key: check the pins in the profile (or someone is in between)",
          zh: '主机TLS公钥与锁定的公钥不符:请检查配置中的公钥锁定(或链路被劫持)',
        };
      case 'HOST_TLS_CERT':
        return {
          en: `the host's TLS certificate was refused (${reasonOf(e)}): check the CA certificate, the host name and the time`,
          zh: `主机TLS证书校验失败(${reasonOf(e)}):请检查CA证书、主机名和时间`,
        };
      case 'HOST_TLS_CONFIG':
        return {
          en: 'the TLS settings of the profile cannot be used: check the certificate and key files',
          zh: 'TLS配置无法使用:请检查证书和密钥文件',
        };
      default:
        return {
          en: `TLS handshake with the host failed (${reasonOf(e)}): check the certificate, pins and time`,
          zh: `与主机的TLS握手失败(${reasonOf(e)}):请检查证书、公钥锁定和时间`,
        };
    }
  }
  if (isProtocolFailure(e)) {
    return {
      en: `the host's answer could not be understood (${reasonOf(e)}): check the TPDU and the host address`,
      zh: `无法识别主机的应答(${reasonOf(e)}):请检查TPDU和主机地址`,
    };
  }
  return { en: `host link failed (${e.code})`, zh: `主机通讯失败(${e.code})` };
}
