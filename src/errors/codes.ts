/**
 * The catalogue of error codes: every code the runtime raises (PosError) or returns (a result's
 * reason code), each with a one-line meaning and what to do, in English and Chinese. docs/errors.md
 * is generated from it (`npm run docs:errors`); test/errors/codes.test.ts fails when a code in
 * src/ is missing here or the doc is stale.
 *
 * A code starts with the layer that raised it. `class` puts a code in one of the failure classes
 * the named predicates test (./predicates.ts): the engine, the forwarder and the CLI decide with
 * those, never with a prefix test. Field 39 response codes of the host are not error codes: see
 * RESPONSE_CODE_TEXT (src/iso8583/views/cupPosResponseCodes.ts), also listed in docs/errors.md.
 */

export type PosErrorLayer =
  | 'READER'
  | 'ISO'
  | 'HOST'
  | 'JOURNAL'
  | 'TXN'
  | 'SETTLE'
  | 'PROFILE'
  | 'CLI'
  | 'EMU'
  | 'CONTROL'
  | 'DIAG';

/**
 * Failure classes (docs/host-link.md, "Failure classes"). Every HOST_ and ISO_ code has one of
 * the first seven; a code of another layer has `reader-down`, `journal-write` or none.
 */
export type ErrorClass =
  /** The network path to the host is down; nothing was written (isNetworkUnreachable). */
  | 'network'
  /** A request was written and no usable answer came (isNoAnswer). */
  | 'no-answer'
  /** An answer whose MAC does not verify (isUnauthenticatedAnswer). */
  | 'unauthenticated'
  /** Working keys could not be established (isKeyFailure). */
  | 'key'
  /** TLS refused the host or could not be set up (isTlsFailure). */
  | 'tls'
  /** Bytes that do not frame or decode, or a message that cannot be built (isProtocolFailure). */
  | 'protocol'
  /** The host link itself refused the request: closed or too many waiting. */
  | 'link'
  /** The card reader is not there (isReaderLinkDown). */
  | 'reader-down'
  /** The journal cannot write now, as opposed to a refused step (isJournalWriteFailure). */
  | 'journal-write';

export interface ErrorCodeInfo {
  /** What the code means, one line. */
  readonly en: string;
  readonly zh: string;
  /** What the technician (or the cashier) should do. */
  readonly action: { readonly en: string; readonly zh: string };
  /** The failure class the named predicates test; none for most codes. */
  readonly class?: ErrorClass;
  /** Something a command needs is not there (host, reader, runtime): the CLI exits 3 (isUnavailable). */
  readonly unavailable?: true;
}

const SOFTWARE_FAULT = {
  en: 'software fault: note the code and the log lines around it and report them to support',
  zh: '软件故障:记录错误码和前后日志,报技术支持',
} as const;

const EMULATOR_ONLY = {
  en: 'emulator / test tool only: check the command line or the test setup',
  zh: '仅模拟器/测试工具使用:检查命令行参数或测试环境',
} as const;

export const ERROR_CODES = {
  // ---- card reader -------------------------------------------------------------------------
  READER_OPEN_FAILED: {
    en: 'the card reader device cannot be opened (serial port or tcp://host:port)',
    zh: '无法打开读卡器设备(串口或 tcp 地址)',
    action: {
      en: 'check the cable and power of the reader and reader.device in the profile; the runtime keeps retrying',
      zh: '检查读卡器连线和电源及配置中的 reader.device;程序会自动重试',
    },
  },
  READER_PORT_CLOSED: {
    en: 'the serial port or socket of the reader closed while a command was being sent',
    zh: '发送指令时读卡器串口或连接已关闭',
    action: {
      en: 'check the reader cable (unplugged?); the runtime reopens the port',
      zh: '检查读卡器连线是否松脱;程序会重新打开串口',
    },
  },
  READER_WRITE_FAILED: {
    en: 'writing a command to the reader failed',
    zh: '向读卡器写指令失败',
    action: {
      en: 'check the reader cable and the serial port; replace the cable if it recurs',
      zh: '检查读卡器连线和串口;反复出现请更换数据线',
    },
  },
  READER_DISCONNECTED: {
    class: 'reader-down',
    en: 'the link to the card reader was lost (or is not up) while a command was waiting',
    zh: '读卡器通讯中断(或尚未连接)',
    action: {
      en: 'check the reader cable and power; the runtime reconnects by itself',
      zh: '检查读卡器连线和电源;程序会自动重连',
    },
  },
  READER_STOPPED: {
    class: 'reader-down',
    en: 'the reader driver was stopped (runtime shutting down)',
    zh: '读卡器驱动已停止(程序正在退出)',
    action: {
      en: 'none if the runtime is being stopped; otherwise restart it',
      zh: '正常退出时无需处理;否则请重启程序',
    },
  },
  READER_UNAVAILABLE: {
    class: 'reader-down',
    unavailable: true,
    en: 'the card reader is not connected (missing, unplugged or not answering): no card can be read',
    zh: '读卡器不可用(未接、松脱或无响应),无法读卡',
    action: {
      en: 'check the reader cable, power and reader.device in the profile; sales work again once it is back',
      zh: '检查读卡器连线、电源和配置中的 reader.device;恢复后即可交易',
    },
  },
  READER_RESTARTED: {
    en: 'the reader rebooted (boot notification) while a command was pending',
    zh: '读卡器重启(收到开机通知),当前指令中断',
    action: {
      en: 'retry; if the reader restarts often, check its power supply',
      zh: '重试;频繁重启请检查读卡器供电',
    },
  },
  READER_BUSY: {
    en: 'the reader refused a command: a card read is in progress (only cancel is allowed)',
    zh: '读卡器忙:正在读卡,只允许取消',
    action: { en: 'wait for the card read to end, or cancel it', zh: '等待读卡结束或先取消' },
  },
  READER_STATUS: {
    en: 'the reader answered a command with an error status',
    zh: '读卡器对指令返回错误状态',
    action: {
      en: 'retry; if it persists, note the status in the log and restart or replace the reader',
      zh: '重试;持续出现请记录日志中的状态码,重启或更换读卡器',
    },
  },
  READER_BAD_RESPONSE: {
    en: 'the card data from the reader is malformed (PAN, track 2, expiry, interface or TLVs)',
    zh: '读卡器返回的卡数据格式错误(卡号、二磁道、有效期、读卡方式或TLV)',
    action: {
      en: 'retry with the card; if every card fails, check the reader firmware and configuration',
      zh: '重新刷卡;所有卡都失败时检查读卡器固件和参数',
    },
  },
  READER_FRAME_TOO_LONG: {
    en: 'a command for the reader is longer than a reader frame can carry',
    zh: '发往读卡器的指令超过帧长度上限',
    action: SOFTWARE_FAULT,
  },
  READER_BAD_AMOUNT: {
    en: 'card read requested with an amount outside 0..999999999999 minor units',
    zh: '读卡请求金额超出范围',
    action: SOFTWARE_FAULT,
  },
  READER_BAD_CURRENCY: {
    en: 'card read requested with a currency that is not an ISO 4217 numeric code',
    zh: '读卡请求的币种不是ISO 4217数字代码',
    action: { en: 'check currency in the profile (156 for CNY)', zh: '检查配置中的 currency(人民币为156)' },
  },
  READER_BAD_TIMEOUT: {
    en: 'card read requested with a timeout outside 1..255 seconds',
    zh: '读卡超时时间不在1至255秒之间',
    action: {
      en: 'check reader.tapTimeoutS in the profile (or --timeout)',
      zh: '检查配置中的 reader.tapTimeoutS(或 --timeout 参数)',
    },
  },
  READER_BAD_TYPE: {
    en: 'card read requested with an unknown transaction type',
    zh: '读卡请求的交易类型未知',
    action: SOFTWARE_FAULT,
  },
  READER_BAD_PATH: {
    en: 'reader.device starts with tcp:// but is not tcp://host:port',
    zh: 'reader.device 以 tcp:// 开头但格式不是 tcp://主机:端口',
    action: { en: 'correct reader.device in the profile', zh: '修改配置中的 reader.device' },
  },
  READER_NO_CARD: {
    en: 'no card was presented before the reader timed out',
    zh: '未检测到卡片(读卡超时)',
    action: { en: 'start again and present the card in time', zh: '重新发起交易并及时刷卡/挥卡/插卡' },
  },
  READER_DECLINED: {
    en: 'the card declined the transaction (card decision, nothing sent to the host)',
    zh: '卡片拒绝交易(卡片决定,未发往主机)',
    action: { en: 'ask for another card or another payment method', zh: '请持卡人换卡或改用其他支付方式' },
  },
  READER_CANCELLED: {
    en: 'the card read was cancelled',
    zh: '读卡已取消',
    action: { en: 'none; start again if needed', zh: '无需处理,如需要请重新发起' },
  },
  READER_FAILED: {
    en: 'the card could not be read (the log has the reader code)',
    zh: '读卡失败(日志中有读卡器错误码)',
    action: {
      en: 'retry, or try another interface (insert instead of tap); if every card fails, check the reader',
      zh: '重试或换读卡方式(插卡代替挥卡);所有卡都失败时检查读卡器',
    },
  },

  // ---- ISO 8583 messages -------------------------------------------------------------------
  ISO_TRUNCATED: {
    class: 'protocol',
    en: 'a message ends too early: the MTI, a bitmap, a length prefix or a field runs past the end',
    zh: '报文不完整:MTI、位图、长度或某个域超出报文末尾',
    action: {
      en: 'check the host address and TPDU (a wrong host or a proxy cutting frames)',
      zh: '检查主机地址和TPDU(可能连错主机或中间设备截断报文)',
    },
  },
  ISO_BAD_MTI: {
    class: 'protocol',
    en: 'the message type (MTI) is not 4 digits',
    zh: '报文类型(MTI)不是4位数字',
    action: {
      en: 'check the host address and the dialect of the profile',
      zh: '检查主机地址和配置中的报文规范(dialect)',
    },
  },
  ISO_UNDEFINED_FIELD: {
    class: 'protocol',
    en: 'the bitmap or the message has a field the dialect does not define',
    zh: '位图中有本规范未定义的域',
    action: {
      en: 'check the dialect of the profile against the host',
      zh: '核对配置中的报文规范与主机是否一致',
    },
  },
  ISO_LENGTH_OVER_MAX: {
    class: 'protocol',
    en: "a field's length prefix is over the field's maximum",
    zh: '某域的长度值超过该域最大长度',
    action: {
      en: 'check the dialect of the profile against the host',
      zh: '核对配置中的报文规范与主机是否一致',
    },
  },
  ISO_LENGTH_PAST_END: {
    class: 'protocol',
    en: 'the data a length prefix announces runs past the end of the message',
    zh: '某域按长度值超出报文末尾',
    action: {
      en: 'check the host address and TPDU (a wrong host or cut frames)',
      zh: '检查主机地址和TPDU(可能连错主机或报文被截断)',
    },
  },
  ISO_BAD_LENGTH: {
    class: 'protocol',
    en: 'a length prefix that is not digits, or a length the field does not allow',
    zh: '长度值不是数字或长度不合规范',
    action: {
      en: 'check the dialect of the profile against the host',
      zh: '核对配置中的报文规范与主机是否一致',
    },
  },
  ISO_BAD_BCD: {
    class: 'protocol',
    en: 'a BCD digit, pad nibble or BCD length prefix is not valid',
    zh: 'BCD数字、填充位或BCD长度值非法',
    action: {
      en: 'check the dialect of the profile against the host',
      zh: '核对配置中的报文规范与主机是否一致',
    },
  },
  ISO_BAD_VALUE: {
    class: 'protocol',
    en: 'a field value has the wrong length or characters, or a message to pack is malformed',
    zh: '域值长度或字符非法,或待组包的报文格式错误',
    action: {
      en: 'from the host: check the dialect; when sending: a software fault, report it with the log',
      zh: '主机报文:核对报文规范;终端组包时出现:软件故障,带日志报技术支持',
    },
  },
  ISO_TRAILING_BYTES: {
    class: 'protocol',
    en: 'bytes left over after the last field of a message',
    zh: '报文最后一个域之后有多余字节',
    action: {
      en: 'check the dialect of the profile against the host',
      zh: '核对配置中的报文规范与主机是否一致',
    },
  },
  ISO_MISSING_FIELD: {
    class: 'protocol',
    en: 'a message lacks a field it must carry (the message names the field)',
    zh: '报文缺少必需的域(错误信息中有域号)',
    action: {
      en: 'from the host: report the field to the acquirer; otherwise a software fault',
      zh: '主机应答缺域:将域号报收单机构;否则为软件故障',
    },
  },
  ISO_UNEXPECTED_MTI: {
    class: 'protocol',
    en: 'a message of another type than expected (e.g. not the response to the request)',
    zh: '报文类型与预期不符(如不是对应请求的应答)',
    action: { en: 'check the host address and the dialect', zh: '检查主机地址和报文规范' },
  },
  ISO_BAD_FIELD_VALUE: {
    class: 'protocol',
    en: 'a field of a CUP POS message has a value the specification does not allow',
    zh: '银联POS报文某域的值不符合规范',
    action: {
      en: 'from the host: report the field to the acquirer; otherwise a software fault',
      zh: '主机应答:将域号报收单机构;否则为软件故障',
    },
  },
  ISO_BAD_ADDITIONAL_AMOUNTS: {
    class: 'protocol',
    en: 'field 54 (balance / additional amounts) is not in the expected format',
    zh: '54域(余额/附加金额)格式错误',
    action: { en: 'report to the acquirer with the log', zh: '带日志联系收单机构' },
  },
  ISO_BAD_STATUS_RECORD: {
    class: 'protocol',
    en: 'a settlement status record (field 62) is malformed',
    zh: '结算状态记录(62域)格式错误',
    action: { en: 'report to the acquirer with the log', zh: '带日志联系收单机构' },
  },
  ISO_NO_SUBFIELDS: {
    class: 'protocol',
    en: 'subfields were asked of a field that has none in the dialect',
    zh: '该域在报文规范中没有子域',
    action: SOFTWARE_FAULT,
  },
  ISO_TLV_TRUNCATED: {
    class: 'protocol',
    en: 'IC card data (TLV, field 55) runs past its end',
    zh: 'IC卡数据(TLV,55域)不完整',
    action: {
      en: 'retry the card; if it recurs, report to the acquirer (host) or check the reader (card)',
      zh: '重新读卡;反复出现:主机数据报收单机构,卡片数据检查读卡器',
    },
  },
  ISO_TLV_BAD_TAG: {
    class: 'protocol',
    en: 'IC card data (TLV) has an invalid tag',
    zh: 'IC卡数据(TLV)标签非法',
    action: {
      en: 'retry the card; if it recurs, report to the acquirer (host) or check the reader (card)',
      zh: '重新读卡;反复出现:主机数据报收单机构,卡片数据检查读卡器',
    },
  },
  ISO_TLV_BAD_LENGTH: {
    class: 'protocol',
    en: 'IC card data (TLV) has an unsupported or wrong length',
    zh: 'IC卡数据(TLV)长度错误',
    action: {
      en: 'retry the card; if it recurs, report to the acquirer (host) or check the reader (card)',
      zh: '重新读卡;反复出现:主机数据报收单机构,卡片数据检查读卡器',
    },
  },
  ISO_UNKNOWN_DIALECT: {
    class: 'protocol',
    en: 'unknown message dialect name',
    zh: '未知的报文规范名称',
    action: {
      en: 'use a known dialect (cup-pos, iso87-ascii) in the profile or on the command line',
      zh: '配置或命令行中使用已知规范(cup-pos、iso87-ascii)',
    },
  },
  ISO_BAD_SPEC: {
    class: 'protocol',
    en: 'a dialect specification is invalid (the message names the key)',
    zh: '报文规范定义文件有误(错误信息中有出错的键)',
    action: SOFTWARE_FAULT,
  },
  ISO_INTERNAL: {
    class: 'protocol',
    en: 'packing or unpacking failed unexpectedly',
    zh: '组包或解包意外失败',
    action: SOFTWARE_FAULT,
  },
  ISO_BAD_KEY_LENGTH: {
    class: 'protocol',
    en: 'a DES or MAC key has the wrong length',
    zh: 'DES或MAC密钥长度错误',
    action: {
      en: 'check the TMK in the profile (16, 32 or 48 hex digits)',
      zh: '检查配置中的主密钥(16、32或48位十六进制)',
    },
  },
  ISO_BAD_BLOCK_LENGTH: {
    class: 'protocol',
    en: 'data to encrypt or decrypt is not whole 8-byte blocks',
    zh: '加解密数据不是8字节的整数倍',
    action: SOFTWARE_FAULT,
  },
  ISO_BAD_CHECK_VALUE_LENGTH: {
    class: 'protocol',
    en: 'a key check value of a length other than 1..8 bytes was asked for',
    zh: '密钥校验值长度不在1至8字节之间',
    action: SOFTWARE_FAULT,
  },
  ISO_BAD_MAC_LENGTH: {
    class: 'protocol',
    en: 'the MAC function returned a MAC that is not 8 bytes',
    zh: 'MAC计算结果不是8字节',
    action: SOFTWARE_FAULT,
  },
  ISO_MAC_NO_ROOM: {
    class: 'protocol',
    en: 'a packed message is too short to hold a MAC',
    zh: '报文长度不足以放入MAC',
    action: SOFTWARE_FAULT,
  },
  ISO_BAD_PADDING: {
    class: 'protocol',
    en: 'unknown ISO 9797-1 padding method for the MAC',
    zh: '未知的MAC填充方式(ISO 9797-1)',
    action: SOFTWARE_FAULT,
  },
  ISO_BAD_PAN: {
    class: 'protocol',
    en: 'the card number for the PIN block is not 8 to 19 digits',
    zh: '用于PIN块的卡号不是8至19位数字',
    action: { en: 'retry the card; if it recurs, check the reader', zh: '重新读卡;反复出现请检查读卡器' },
  },
  ISO_BAD_PIN: {
    class: 'protocol',
    en: 'the PIN is not 4 to 12 digits',
    zh: '密码不是4至12位数字',
    action: { en: 'enter the PIN again', zh: '请重新输入密码' },
  },
  ISO_BAD_PIN_BLOCK: {
    class: 'protocol',
    en: 'a format 0 PIN block does not decode',
    zh: '格式0的PIN块无法解析',
    action: { en: 'check the PIN key (sign on again)', zh: '检查PIN密钥(重新签到)' },
  },

  // ---- host link ---------------------------------------------------------------------------
  HOST_UNREACHABLE: {
    class: 'network',
    unavailable: true,
    en: 'no host endpoint could be connected (DNS, refused, reset, no route or connect timeout)',
    zh: '主机无法连接(域名解析失败、拒绝连接、连接复位、无路由或连接超时)',
    action: {
      en: 'check the network (cable, SIM/APN, router) and host.endpoints in the profile; sales may go offline within the limits',
      zh: '检查网络(网线、SIM卡/APN、路由器)和配置中的主机地址;在限额内可离线交易',
    },
  },
  HOST_CONNECT_FAILED: {
    class: 'network',
    en: 'one connect attempt to a host endpoint failed (reported inside HOST_UNREACHABLE)',
    zh: '连接某个主机地址失败(包含在 HOST_UNREACHABLE 中)',
    action: {
      en: 'as HOST_UNREACHABLE; the reason (ECONNREFUSED, ENOTFOUND ...) is in the log',
      zh: '同 HOST_UNREACHABLE;具体原因(ECONNREFUSED、ENOTFOUND 等)见日志',
    },
  },
  HOST_CONNECT_TIMEOUT: {
    class: 'network',
    en: 'a connect attempt (TCP and TLS handshake) did not finish in time',
    zh: '连接主机超时(含TLS握手)',
    action: {
      en: 'check the network quality and the host address; host.connectTimeoutMs in the profile',
      zh: '检查网络质量和主机地址;可调整配置中的 host.connectTimeoutMs',
    },
  },
  HOST_CONNECT_ABORTED: {
    class: 'network',
    en: 'a connect attempt was abandoned (the link was closed or the dial gave up)',
    zh: '连接主机的尝试被放弃(链路关闭或拨号中止)',
    action: { en: 'as HOST_UNREACHABLE', zh: '同 HOST_UNREACHABLE' },
  },
  HOST_TIMEOUT: {
    class: 'no-answer',
    en: 'no answer from the host in time after the request was sent (or it could not be sent in time)',
    zh: '请求已发出,主机应答超时(或报文未能及时发出)',
    action: {
      en: 'a sale is reversed automatically (98); check the network and host.responseTimeoutMs',
      zh: '交易会自动冲正(98);检查网络及配置中的 host.responseTimeoutMs',
    },
  },
  HOST_DISCONNECTED: {
    class: 'no-answer',
    en: 'the connection to the host ended while a request was waiting for its answer',
    zh: '等待应答时与主机的连接中断',
    action: {
      en: 'a sale is reversed automatically; check the network and the host side',
      zh: '交易会自动冲正;检查网络和主机端',
    },
  },
  HOST_BAD_MAC: {
    class: 'unauthenticated',
    en: "the host's answer failed the MAC check (field 64 missing or wrong): it decides nothing",
    zh: '主机应答MAC校验失败(64域缺失或错误),应答无效',
    action: {
      en: 'the sale is reversed (A0) and the terminal signs on again; if it recurs, check the keys with the acquirer',
      zh: '交易自动冲正(A0)并重新签到;反复出现请与收单机构核对密钥',
    },
  },
  HOST_KEY_CHECK_FAILED: {
    class: 'key',
    en: "a working key's check value (field 62) is wrong: the terminal master key does not match the host's",
    zh: '工作密钥校验值(62域)不符:终端主密钥与主机不一致',
    action: { en: 'reload the TMK (terminal master key)', zh: '重新灌装终端主密钥' },
  },
  HOST_BAD_SIGN_ON_KEYS: {
    class: 'key',
    en: 'the sign-on answer has no usable working keys (field 62 missing or of the wrong length)',
    zh: '签到应答中没有可用的工作密钥(62域缺失或长度错误)',
    action: { en: 'call the acquirer', zh: '联系收单机构' },
  },
  HOST_SIGN_ON_REFUSED: {
    class: 'key',
    en: 'the host refused the sign-on (0810 with a response code other than 00)',
    zh: '主机拒绝签到(0810应答码非00)',
    action: {
      en: 'check the terminal id and merchant id with the acquirer',
      zh: '与收单机构核对终端号和商户号',
    },
  },
  HOST_NOT_SIGNED_ON: {
    class: 'key',
    en: 'no working keys: the terminal is not signed on',
    zh: '未签到,无工作密钥',
    action: {
      en: 'wait for the sign-on to succeed; see the sign-on error in the log',
      zh: '等待签到成功;签到失败原因见日志',
    },
  },
  HOST_TLS_FAILED: {
    class: 'tls',
    en: 'the TLS handshake with the host failed (alert, version, no shared cipher, peer closed)',
    zh: '与主机的TLS握手失败(告警、版本、无共同加密套件或对端关闭)',
    action: {
      en: 'check that the endpoint speaks TLS 1.2+ with AEAD ciphers, the certificates and the clock',
      zh: '确认主机端支持TLS 1.2及以上和AEAD套件,检查证书和系统时间',
    },
  },
  HOST_TLS_CERT: {
    class: 'tls',
    en: "the host's TLS certificate was refused (chain, name or validity)",
    zh: '主机TLS证书校验失败(证书链、主机名或有效期)',
    action: {
      en: 'check the CA certificate in the profile, the host name and the terminal clock',
      zh: '检查配置中的CA证书、主机名和终端时间',
    },
  },
  HOST_TLS_PIN_MISMATCH: {
    class: 'tls',
    en: "the host's TLS key matches no pinned key",
    zh: '主机TLS公钥与锁定的公钥不符',
    action: {
      en: 'check the pins in the profile; if they are right, someone may be in between: call the acquirer',
      zh: '检查配置中的公钥锁定;配置无误时链路可能被劫持,联系收单机构',
    },
  },
  HOST_TLS_CONFIG: {
    class: 'tls',
    en: 'the TLS files of the profile cannot be used (unreadable, or certificate without key)',
    zh: '配置中的TLS文件无法使用(无法读取或证书与密钥不成对)',
    action: {
      en: 'check the paths and permissions of host.tls files in the profile',
      zh: '检查配置中 host.tls 各文件的路径和权限',
    },
  },
  HOST_PROTOCOL: {
    class: 'protocol',
    en: 'only unusable frames came instead of the answer (wrong TPDU, bad framing, undecodable)',
    zh: '收到的都是无法识别的报文(TPDU错误、帧格式错误或无法解包)',
    action: {
      en: 'check the TPDU and the host address in the profile (talking to the wrong host?)',
      zh: '检查配置中的TPDU和主机地址(是否连错主机)',
    },
  },
  HOST_BAD_TPDU: {
    class: 'protocol',
    en: 'a frame whose TPDU is not 5 bytes starting with 60',
    zh: 'TPDU不是以60开头的5字节',
    action: { en: 'check the TPDU in the profile and the host address', zh: '检查配置中的TPDU和主机地址' },
  },
  HOST_BAD_HEADER: {
    class: 'protocol',
    en: 'the message header is invalid (software version not 6 digits)',
    zh: '报文头非法(软件版本号不是6位数字)',
    action: { en: 'check the header settings in the profile', zh: '检查配置中的报文头参数' },
  },
  HOST_FRAME_SHORT: {
    class: 'protocol',
    en: 'a frame shorter than TPDU + header + MTI',
    zh: '报文帧长度不足(短于TPDU+报文头+MTI)',
    action: { en: 'check the host address and TPDU', zh: '检查主机地址和TPDU' },
  },
  HOST_FRAME_TOO_LONG: {
    class: 'protocol',
    en: 'a frame longer than the link allows',
    zh: '报文帧超过最大长度',
    action: {
      en: 'from the host: check the host address; when sending: a software fault',
      zh: '主机报文:检查主机地址;终端发送时出现:软件故障',
    },
  },
  HOST_BUSY: {
    class: 'link',
    en: 'too many requests already waiting for the host link',
    zh: '等待发送的请求过多,主机链路繁忙',
    action: {
      en: 'retry shortly; if it persists, check the host link in the log',
      zh: '稍后重试;持续出现请查看日志中的主机链路状态',
    },
  },
  HOST_CLOSED: {
    class: 'link',
    en: 'the host link was closed (runtime stopping) or the request was abandoned before sending',
    zh: '主机链路已关闭(程序退出)或请求在发送前被放弃',
    action: { en: 'none if the runtime is stopping; otherwise retry', zh: '程序退出时无需处理;否则重试' },
  },

  // ---- journal -----------------------------------------------------------------------------
  JOURNAL_OPEN: {
    en: 'the journal database cannot be opened (or cannot use WAL mode)',
    zh: '无法打开交易流水库(或无法启用WAL模式)',
    action: {
      en: 'check journal.path in the profile, the disk and the file permissions',
      zh: '检查配置中的 journal.path、磁盘和文件权限',
    },
  },
  JOURNAL_LOCKED: {
    en: 'another process (another runtime) holds the journal',
    zh: '交易流水库被另一进程(另一个程序实例)占用',
    action: {
      en: 'stop the other runtime first (its pid is in the message): one runtime per journal',
      zh: '先停止另一个实例(进程号见错误信息):一个流水库只能由一个程序使用',
    },
  },
  JOURNAL_BUSY: {
    class: 'journal-write',
    en: 'the journal database is locked by another process for the moment',
    zh: '交易流水库暂时被其他进程锁定',
    action: {
      en: 'retry; make sure no other tool keeps the journal open',
      zh: '重试;确认没有其他工具打开流水库',
    },
  },
  JOURNAL_CLOSED: {
    en: 'the journal was used after it was closed',
    zh: '交易流水库已关闭',
    action: SOFTWARE_FAULT,
  },
  JOURNAL_CORRUPT: {
    en: 'the journal file is corrupt or not a database (found at start-up)',
    zh: '交易流水库文件损坏或不是数据库(启动时发现)',
    action: {
      en: 'stop; move the file aside with its -wal file and call support; nothing was deleted',
      zh: '停止使用;将文件连同 -wal 文件移走并联系技术支持;未删除任何数据',
    },
  },
  JOURNAL_DB_CORRUPT: {
    en: 'corruption found by a journal query while running',
    zh: '运行中发现交易流水库损坏',
    action: {
      en: 'stop the runtime, keep the files and call support',
      zh: '停止程序,保留流水库文件并联系技术支持',
    },
  },
  JOURNAL_DIR: {
    en: "the journal's directory cannot be created",
    zh: '无法创建交易流水库目录',
    action: {
      en: 'check journal.path in the profile and the permissions of its parent directory',
      zh: '检查配置中的 journal.path 及其上级目录权限',
    },
  },
  JOURNAL_FILE_MODE: {
    en: 'a journal file cannot be made private (chmod 600)',
    zh: '无法将流水库文件设为仅本用户可读写(chmod 600)',
    action: {
      en: "check the owner of the journal files: the runtime's user must own them",
      zh: '检查流水库文件属主:须为运行程序的用户',
    },
  },
  JOURNAL_DISK_FULL: {
    class: 'journal-write',
    en: 'storage is full (or below journal.minFreeBytes): the journal cannot record transactions',
    zh: '存储空间不足(或低于 journal.minFreeBytes),无法记录交易',
    action: {
      en: 'free space on the terminal (old logs); transactions are refused until then',
      zh: '清理终端存储空间(如旧日志);清理前暂停交易',
    },
  },
  JOURNAL_IO: {
    class: 'journal-write',
    en: 'a journal database operation failed',
    zh: '交易流水库读写失败',
    action: {
      en: 'check the disk (errors, read-only file system); the log has the SQLite code',
      zh: '检查磁盘(错误或只读文件系统);日志中有SQLite错误码',
    },
  },
  JOURNAL_SCHEMA_NEWER: {
    en: 'the journal was written by a newer version of the software',
    zh: '交易流水库版本高于当前软件',
    action: {
      en: 'install the newer software again (do not downgrade with a used journal)',
      zh: '重新安装新版本软件(已使用的流水库不能降级)',
    },
  },
  JOURNAL_MIGRATION: {
    en: 'a journal schema migration failed (rolled back, nothing changed)',
    zh: '流水库结构升级失败(已回滚,数据未变)',
    action: { en: 'keep the journal file and call support', zh: '保留流水库文件并联系技术支持' },
  },
  JOURNAL_KEY: {
    en: 'the card data key is not 32 bytes',
    zh: '卡数据加密密钥不是32字节',
    action: { en: 'restore the key file from backup', zh: '从备份恢复密钥文件' },
  },
  JOURNAL_KEY_FILE: {
    en: 'the card data key file is malformed or cannot be read or created',
    zh: '卡数据密钥文件格式错误或无法读取/创建',
    action: {
      en: 'check the key file beside the journal (the message names it); restore it from backup',
      zh: '检查流水库旁的密钥文件(错误信息中有路径);从备份恢复',
    },
  },
  JOURNAL_KEY_FILE_MODE: {
    en: 'the card data key file is readable by group or others',
    zh: '卡数据密钥文件对同组或其他用户可读',
    action: { en: 'chmod 600 the key file', zh: '执行 chmod 600 修改密钥文件权限' },
  },
  JOURNAL_KEY_MISSING: {
    en: 'the card data key file is missing but the journal exists',
    zh: '流水库存在但卡数据密钥文件丢失',
    action: {
      en: 'restore the key file from backup (the journal cannot be read without it)',
      zh: '从备份恢复密钥文件(没有它无法读取流水库)',
    },
  },
  JOURNAL_KEY_MISMATCH: {
    en: 'the key file does not open the card data stored in the journal',
    zh: '密钥文件与流水库中的卡数据不匹配',
    action: {
      en: "restore the journal's own key file from backup",
      zh: '从备份恢复该流水库对应的密钥文件',
    },
  },
  JOURNAL_RECORD_AUTH: {
    en: 'an encrypted card record failed authentication (tampered, wrong key or moved)',
    zh: '加密卡数据记录校验失败(被篡改、密钥错误或记录被移动)',
    action: {
      en: 'keep the journal and the key file and call support',
      zh: '保留流水库和密钥文件并联系技术支持',
    },
  },
  JOURNAL_RECORD_CORRUPT: {
    en: 'an encrypted card record or stored request fields are malformed',
    zh: '加密卡数据记录或已存报文域格式错误',
    action: { en: 'keep the journal and call support', zh: '保留流水库并联系技术支持' },
  },
  JOURNAL_SENSITIVE_FIELD: {
    en: 'card data (card number, tracks, PIN block) was offered for storage in clear',
    zh: '试图明文存储敏感卡数据(卡号、磁道、PIN块)',
    action: SOFTWARE_FAULT,
  },
  JOURNAL_BAD_INPUT: {
    en: 'the journal was given a value it does not accept (field, STAN, amount, code)',
    zh: '写入流水库的数据不合规(域值、流水号、金额或代码)',
    action: SOFTWARE_FAULT,
  },
  JOURNAL_ILLEGAL_TRANSITION: {
    en: 'a step not allowed in the current state of a transaction, advice or batch',
    zh: '当前交易、通知或批次状态下不允许该操作',
    action: SOFTWARE_FAULT,
  },
  JOURNAL_NOT_FOUND: {
    en: 'no transaction or advice with this id',
    zh: '找不到该编号的交易或通知',
    action: { en: 'check the id (posterm queue lists them)', zh: '核对编号(可用 posterm queue 查看)' },
  },

  // ---- transactions ------------------------------------------------------------------------
  TXN_BAD_AMOUNT: {
    en: 'the amount is not a positive whole number of fen of at most 12 digits',
    zh: '金额不是正整数(分)或超过12位',
    action: { en: 'enter the amount again', zh: '请重新输入金额' },
  },
  TXN_BAD_INPUT: {
    en: 'the offline approval code counter is out of range',
    zh: '离线授权码计数超出范围',
    action: SOFTWARE_FAULT,
  },
  TXN_AMOUNT_LIMIT: {
    en: "the amount is above this terminal's limit per transaction (limits.maxSaleMinor)",
    zh: '金额超过单笔限额(limits.maxSaleMinor)',
    action: { en: 'use a smaller amount or another payment method', zh: '减少金额或改用其他支付方式' },
  },
  TXN_ORIGINAL_NOT_FOUND: {
    en: 'no approved purchase with this reference number (RRN) for the void or refund',
    zh: '找不到原交易(按参考号查无已批准的消费)',
    action: { en: 'check the RRN on the receipt', zh: '核对签购单上的参考号' },
  },
  TXN_ALREADY_VOIDED: {
    en: 'the original purchase is already voided',
    zh: '原交易已撤销',
    action: { en: 'none: nothing more to give back', zh: '无需处理,已无可退金额' },
  },
  TXN_ALREADY_REFUNDED: {
    en: 'the original purchase has a refund, so it cannot be voided',
    zh: '原交易已退货,不能撤销',
    action: { en: 'use a refund for the rest', zh: '剩余金额请用退货' },
  },
  TXN_REFUND_TOO_LARGE: {
    en: 'the refund is above what remains of the original purchase',
    zh: '退货金额超过原交易可退余额',
    action: { en: 'refund at most the remaining amount shown', zh: '退货金额不能超过提示的剩余金额' },
  },
  TXN_NOT_IN_BATCH: {
    en: 'only purchases of the open batch can be voided',
    zh: '只能撤销当前批次的交易',
    action: { en: 'use a refund instead', zh: '请使用退货' },
  },
  TXN_CARD_MISMATCH: {
    en: 'the card presented is not the card of the original transaction',
    zh: '非原交易卡',
    action: { en: 'present the card used for the original purchase', zh: '请使用原交易卡' },
  },
  TXN_REVERSAL_PENDING: {
    en: 'a reversal is still waiting for the host to confirm it; new online transactions wait',
    zh: '有未完成的冲正,主机确认前不能做联机交易',
    action: {
      en: 'retry shortly; if it stays, check the host link (posterm queue shows the reversal)',
      zh: '稍后重试;长时间不消失请检查主机通讯(posterm queue 可查看冲正)',
    },
  },
  TXN_STOPPING: {
    en: 'the runtime is shutting down: it finishes the transaction in flight and takes no new one',
    zh: '终端正在关闭:完成进行中的交易,不再接受新交易',
    action: {
      en: 'wait for the runtime to restart (systemd restarts it), then try again',
      zh: '等待程序重新启动(systemd 会自动重启)后重试',
    },
  },
  TXN_BAD_TILL_ID: {
    en: "the till's request id is not 1..64 characters of A-Z a-z 0-9 . _ : -",
    zh: '收银机请求号格式错误(1至64位字母、数字或 . _ : -)',
    action: {
      en: 'fix the till app: give every sale, void and refund its own id in that format',
      zh: '请修改收银程序:每笔消费、撤销、退货使用符合格式的唯一请求号',
    },
  },
  TXN_TILL_ID_REUSED: {
    en: "the till's request id was already used for a different request (kind, amount or original)",
    zh: '收银机请求号已用于另一笔不同的交易(类型、金额或原交易不同)',
    action: {
      en: 'fix the till app: a new request needs a new id; the same id only to ask again for the same request',
      zh: '请修改收银程序:新交易使用新请求号;同一请求号只用于重查同一笔交易',
    },
  },
  TXN_REVERSED: {
    en: 'the outcome of the request was not known, so it was reversed: nothing is charged',
    zh: '交易结果未知,已冲正,持卡人未被扣款',
    action: {
      en: 'tell the customer nothing was charged; make the sale again with a new id if wanted',
      zh: '告知顾客未扣款;如需要,用新的请求号重新交易',
    },
  },
  TXN_NO_ANSWER: {
    en: 'the host did not answer the request: its outcome is not known yet',
    zh: '主机无应答,交易结果暂未知',
    action: {
      en: 'wait: the terminal reverses it automatically; ask the transaction status again later',
      zh: '请等待:终端会自动冲正,稍后再查询交易状态',
    },
  },
  TXN_SETTLE_FIRST: {
    en: 'the batch is full (batch.maxCount): settle it first',
    zh: '批次已满(batch.maxCount),请先结算',
    action: { en: 'run settlement, then retry', zh: '先做结算再交易' },
  },
  TXN_OFFLINE_DISABLED: {
    en: 'host unreachable and offline approval is not allowed on this terminal',
    zh: '主机无法连接,本终端不允许离线交易',
    action: {
      en: 'fix the network (see HOST_UNREACHABLE) or use another payment method',
      zh: '恢复网络(见 HOST_UNREACHABLE)或改用其他支付方式',
    },
  },
  TXN_OFFLINE_INTERFACE: {
    en: 'host unreachable and this card interface (e.g. magstripe) may not be approved offline',
    zh: '主机无法连接,该读卡方式(如磁条)不允许离线交易',
    action: { en: 'fix the network or use another card interface', zh: '恢复网络或换读卡方式' },
  },
  TXN_OFFLINE_FLOOR_LIMIT: {
    en: 'host unreachable and the amount is above the offline floor limit',
    zh: '主机无法连接,金额超过离线限额',
    action: { en: 'fix the network or use a smaller amount', zh: '恢复网络或减少金额' },
  },
  TXN_OFFLINE_TOTAL_LIMIT: {
    en: 'host unreachable and the total of unsent offline sales reached its limit',
    zh: '主机无法连接,离线累计金额已达上限',
    action: {
      en: 'restore the host link so the offline sales are sent (posterm queue shows them)',
      zh: '恢复主机通讯以上送离线交易(posterm queue 可查看)',
    },
  },
  TXN_OFFLINE_COUNT_LIMIT: {
    en: 'host unreachable and the number of unsent offline sales reached its limit',
    zh: '主机无法连接,离线笔数已达上限',
    action: {
      en: 'restore the host link so the offline sales are sent (posterm queue shows them)',
      zh: '恢复主机通讯以上送离线交易(posterm queue 可查看)',
    },
  },
  TXN_OFFLINE_AGE_LIMIT: {
    en: 'host unreachable and an unsent offline sale is older than allowed',
    zh: '主机无法连接,有离线交易超时未上送',
    action: {
      en: 'restore the host link so the offline sales are sent (posterm queue shows them)',
      zh: '恢复主机通讯以上送离线交易(posterm queue 可查看)',
    },
  },

  // ---- settlement --------------------------------------------------------------------------
  SETTLE_QUEUE_NOT_EMPTY: {
    en: 'reversals or offline sales are still to be sent: settlement refused',
    zh: '有未上送的冲正或离线交易,不能结算',
    action: {
      en: 'restore the host link so they are sent, then settle again',
      zh: '恢复主机通讯完成上送后再结算',
    },
  },
  SETTLE_BATCH_CLOSED: {
    en: 'this batch is already settled',
    zh: '该批次已结算',
    action: { en: 'none', zh: '无需处理' },
  },
  SETTLE_BATCH_TOO_LARGE: {
    en: 'more than 999 sales or refunds in one batch: field 48 cannot carry them',
    zh: '批次交易笔数超过999,无法结算',
    action: {
      en: 'call support (lower batch.maxCount in the profile to prevent it)',
      zh: '联系技术支持(可调低配置中的 batch.maxCount 避免)',
    },
  },
  SETTLE_DECLINED: {
    en: 'the host declined the settlement (response code in the result)',
    zh: '主机拒绝结算(应答码见结果)',
    action: {
      en: 'look up the response code below; settle again or call the acquirer',
      zh: '查下方应答码表;重新结算或联系收单机构',
    },
  },
  SETTLE_HOST_ERROR: {
    en: 'the host could not reconcile the batch (reconciliation code 3): batch left open',
    zh: '主机对账出错(对账码3),批次未关闭',
    action: { en: 'call the acquirer, then settle again', zh: '联系收单机构后重新结算' },
  },
  SETTLE_UPLOAD_DECLINED: {
    en: 'the host declined a batch upload message: the upload stopped',
    zh: '主机拒绝批上送报文,批上送中断',
    action: {
      en: 'settle again to resume the upload; if it recurs, call the acquirer',
      zh: '重新结算以继续批上送;反复出现请联系收单机构',
    },
  },
  SETTLE_UPLOAD_NO_CARD: {
    en: 'transactions of the batch have no stored card number, so the batch upload cannot run',
    zh: '批次中有交易缺少卡号,无法批上送',
    action: {
      en: 'call support (the journal key or card records)',
      zh: '联系技术支持(检查流水库密钥和卡数据)',
    },
  },

  SETTLE_CALENDAR_INVALID: {
    en: 'the holiday calendar data (bundled or in settlement.calendarDir) is not in the expected format',
    zh: '节假日日历数据(内置或 settlement.calendarDir 目录中)格式不正确',
    action: {
      en: 'fix the file and key the message names (format of docs/settlement.md), or remove the file',
      zh: '按错误信息修正所指文件和字段(格式见 docs/settlement.md),或删除该文件',
    },
  },
  SETTLE_CALENDAR_UNREADABLE: {
    en: 'the holiday calendar folder (settlement.calendarDir) or a file in it cannot be read',
    zh: '无法读取节假日日历目录(settlement.calendarDir)或其中的文件',
    action: {
      en: 'check settlement.calendarDir in the profile and the permissions of the folder',
      zh: '检查配置中的 settlement.calendarDir 及目录权限',
    },
  },
  SETTLE_CONTRACT_INVALID: {
    en: "the merchant's settlement contract is not usable (mode, cut-off time hh:mm or time zone)",
    zh: '商户结算约定参数无效(结算模式、日切时间 hh:mm 或时区)',
    action: {
      en: 'correct the settlement contract values the message names',
      zh: '按错误信息修正结算约定参数',
    },
  },
  SETTLE_STATUS_UNKNOWN: {
    en: 'the host does not know this transaction (settlement status X): tracking goes on',
    zh: '主机查无此交易(结算状态X),继续跟踪',
    action: {
      en: "if it stays unknown, ask the acquirer's service with the RRN (an offline sale may not have reached the host yet: posterm queue)",
      zh: '如持续未知,请携交易参考号(RRN)联系收单机构;离线交易可能尚未上送(posterm queue 可查看)',
    },
  },
  SETTLE_INQUIRY_BAD_ANSWER: {
    en: 'the answer to a settlement status inquiry (0810, field 62) does not make sense: tracking goes on',
    zh: '结算状态查询应答(0810,62域)内容有误,继续跟踪',
    action: {
      en: 'nothing if it is rare; if it recurs, report to the acquirer with the log',
      zh: '偶发无需处理;反复出现请带日志联系收单机构',
    },
  },
  SETTLE_INQUIRY_DECLINED: {
    en: 'the host refused a settlement status inquiry (response code in the log): tracking goes on',
    zh: '主机拒绝结算状态查询(应答码见日志),继续跟踪',
    action: {
      en: 'ask the acquirer whether the terminal may use the settlement status inquiry (951)',
      zh: '向收单机构确认终端是否开通结算状态查询(951)',
    },
  },
  SETTLE_NOT_TRACKED: {
    en: 'no approved sale with this RRN is tracked on this terminal',
    zh: '本终端没有该参考号(RRN)的已批准消费记录',
    action: {
      en: 'check the RRN (12 characters, on the receipt); sales older than settlement.trackDays are no longer tracked',
      zh: '核对参考号(小票上的12位);超过 settlement.trackDays 天的交易不再跟踪',
    },
  },
  SETTLE_REPORT_SELECTION: {
    en: 'the settlement report selection is not valid (a date that is not YYYY-MM-DD, --from after --to, a batch that is not 6 digits)',
    zh: '结算报表的筛选条件无效(日期不是 YYYY-MM-DD、开始日期晚于结束日期,或批次号不是6位数字)',
    action: {
      en: 'give dates as YYYY-MM-DD (host dates, inclusive) and the batch as on the settlement slip, e.g. 000123',
      zh: '日期请写作 YYYY-MM-DD(主机日期,含首尾),批次号按结算单填写,例如 000123',
    },
  },

  SETTLE_REPORT_TOO_LARGE: {
    en: 'the settlement report asked of the running runtime is larger than one control answer may be (3 MiB)',
    zh: '向运行中的终端请求的结算报表超过单个控制应答的上限(3 MiB)',
    action: {
      en: 'narrow it with --from/--to or --batch, or choose the table or protobuf format (smaller than JSON and HTML)',
      zh: '请用 --from/--to 或 --batch 缩小范围,或改用表格或 protobuf 格式(比 JSON 和 HTML 小)',
    },
  },

  // ---- terminal profile --------------------------------------------------------------------
  PROFILE_NOT_FOUND: {
    en: 'the profile file (or the TMK file it names) cannot be read',
    zh: '无法读取终端配置文件(或其中指定的主密钥文件)',
    action: {
      en: 'check the name or path given with --profile and the file permissions',
      zh: '检查 --profile 指定的名称或路径及文件权限',
    },
  },
  PROFILE_BAD_JSON: {
    en: 'the profile is not valid JSON',
    zh: '终端配置文件不是合法的JSON',
    action: { en: 'fix the syntax at the place the message names', zh: '按错误信息提示的位置修正语法' },
  },
  PROFILE_RESTART_NEEDED: {
    en: 'a profile key changed that cannot be applied while the runtime runs (reload applies only the live keys)',
    zh: '配置中修改的参数需重启后生效(重新加载只应用可在线修改的参数)',
    action: {
      en: 'restart the service (systemctl restart posterm) to apply it',
      zh: '重启服务(systemctl restart posterm)使其生效',
    },
  },
  PROFILE_INVALID: {
    en: 'a profile key is missing or has a bad value (the message names the key)',
    zh: '配置项缺失或取值非法(错误信息中有配置项名称)',
    action: { en: 'correct that key in the profile', zh: '修改该配置项' },
  },
  PROFILE_TMK_FILE_MODE: {
    en: 'the TMK file is readable by group or others',
    zh: '主密钥文件对同组或其他用户可读',
    action: { en: 'chmod 600 the TMK file', zh: '执行 chmod 600 修改主密钥文件权限' },
  },
  PROFILE_NEEDS_EMULATOR: {
    en: "reader device 'emulator' needs the virtual reader that 'posterm run' or 'posterm start' starts",
    zh: "读卡器为 'emulator' 时须由 posterm run 或 posterm start 启动虚拟读卡器",
    action: {
      en: "start with 'posterm run', or set reader.device to the real reader",
      zh: '用 posterm run 启动,或将 reader.device 改为实际读卡器',
    },
  },

  // ---- control socket (till and CLI to the runtime) ----------------------------------------
  CONTROL_SOCKET_PATH: {
    en: 'the control socket path is taken by something else or cannot be set up',
    zh: '控制接口(socket)路径被其他文件占用或无法设置',
    action: {
      en: 'move the file away or choose another control.socket in the profile',
      zh: '移走该文件或在配置中更换 control.socket',
    },
  },
  CONTROL_SOCKET_PATH_TOO_LONG: {
    en: 'the control socket path is longer than a Unix socket path may be',
    zh: '控制接口(socket)路径超过系统长度上限',
    action: { en: 'use a shorter control.socket path', zh: '改用较短的 control.socket 路径' },
  },
  CONTROL_SOCKET_DIR: {
    en: "the control socket's directory cannot be created or used",
    zh: '无法创建或使用控制接口(socket)所在目录',
    action: {
      en: "check the directory's owner and permissions",
      zh: '检查该目录的属主和权限',
    },
  },
  CONTROL_SOCKET_IN_USE: {
    en: 'another posterm is already listening on the control socket',
    zh: '另一个 posterm 已在使用该控制接口',
    action: { en: 'stop the other runtime first', zh: '先停止另一个程序实例' },
  },
  CONTROL_SOCKET_LISTEN: {
    en: 'the runtime cannot listen on the control socket',
    zh: '程序无法在控制接口上监听',
    action: {
      en: 'check the path and permissions (the message has the errno)',
      zh: '检查路径和权限(错误信息中有系统错误码)',
    },
  },
  CONTROL_SOCKET_GROUP: {
    en: 'the control socket cannot be given to the configured group (unknown group, or not a member)',
    zh: '无法将控制接口授予配置的用户组(组不存在或程序用户不在该组)',
    action: {
      en: "check control.group in the profile; the runtime's user must be a member",
      zh: '检查配置中的 control.group;运行用户须属于该组',
    },
  },
  CONTROL_BAD_REQUEST: {
    en: 'a request to the runtime is malformed (wrong or missing parameter)',
    zh: '发往程序的请求格式错误(参数缺失或错误)',
    action: {
      en: 'fix the till integration (the message names the parameter)',
      zh: '修正收银系统对接(错误信息中有参数名)',
    },
  },
  CONTROL_INTERNAL: {
    en: 'the runtime failed to handle a request (internal error)',
    zh: '程序处理请求时内部错误',
    action: SOFTWARE_FAULT,
  },
  CONTROL_NOT_READY: {
    en: 'the runtime started but its control socket does not answer: the till cannot use it',
    zh: '程序已启动但控制套接字无响应,收银机无法使用',
    action: {
      en: 'check the socket path and its folder permissions in the profile; see the log for the cause',
      zh: '检查配置中的套接字路径及目录权限,查看日志中的原因',
    },
  },
  CONTROL_VERSION_MISMATCH: {
    en: 'the till app and the runtime speak different major versions of the control API',
    zh: '收银程序与终端程序的控制接口主版本不一致',
    action: {
      en: 'update the till app or posterm so both use the same API major version (see docs/control-api.md)',
      zh: '升级收银程序或 posterm,使双方接口主版本一致(见 docs/control-api.md)',
    },
  },
  CONTROL_FRAME_TOO_LARGE: {
    en: 'a control message is larger than the frame limit: the connection is closed',
    zh: '控制消息超过帧长度上限,连接已关闭',
    action: {
      en: 'fix the till app: it sent a frame over max_frame_bytes (told in Hello) or bytes that are not protobuf frames',
      zh: '请修改收银程序:所发帧超过 Hello 中的 max_frame_bytes,或发送的不是 protobuf 帧',
    },
  },
  CONTROL_UNKNOWN_REQUEST: {
    en: 'the request type is not one this runtime knows (a newer till app?)',
    zh: '终端程序不认识该请求类型(收银程序版本较新?)',
    action: {
      en: 'update posterm, or use only the calls of the API version the runtime announces in Hello',
      zh: '升级 posterm,或仅使用终端在 Hello 中声明的接口版本所支持的调用',
    },
  },
  CONTROL_SUBSCRIBER_TOO_SLOW: {
    en: 'the till did not read its events fast enough: the subscription was ended',
    zh: '收银机读取事件过慢,订阅已结束',
    action: {
      en: 'subscribe again from the last seq received; read events promptly in the till app',
      zh: '从最后收到的序号重新订阅;收银程序应及时读取事件',
    },
  },
  CONTROL_UNREACHABLE: {
    unavailable: true,
    en: 'the runtime is not reachable on its control socket',
    zh: '无法连接到程序的控制接口',
    action: {
      en: "start the runtime with 'posterm run' (or check --socket / control.socket)",
      zh: '用 posterm run 启动程序(或检查 --socket / control.socket)',
    },
  },
  CONTROL_TIMEOUT: {
    en: 'no answer from the runtime in time',
    zh: '程序未及时应答',
    action: {
      en: 'check the runtime is running and not stuck (its log)',
      zh: '检查程序是否在运行、有无卡死(查看日志)',
    },
  },
  CONTROL_CLOSED: {
    en: 'the runtime closed the connection before answering',
    zh: '程序在应答前关闭了连接',
    action: { en: 'check whether the runtime stopped or restarted', zh: '检查程序是否已停止或重启' },
  },
  CONTROL_BAD_RESPONSE: {
    en: 'the runtime answered with something that is not a valid reply',
    zh: '程序应答格式错误',
    action: {
      en: 'check that the CLI and the runtime are the same version',
      zh: '确认命令行工具与程序版本一致',
    },
  },
  CONTROL_ERROR: {
    en: 'the runtime reported an error without a code',
    zh: '程序返回了无错误码的错误',
    action: SOFTWARE_FAULT,
  },

  // ---- diagnostics (posterm diag) ----------------------------------------------------------
  DIAG_CHECK_CRASHED: {
    en: 'a diagnostic check failed unexpectedly (its result is a fail; the other checks still ran)',
    zh: '某个诊断项意外出错(该项记为失败,其余诊断项照常运行)',
    action: SOFTWARE_FAULT,
  },
  DIAG_CHECK_TIMEOUT: {
    en: 'a diagnostic check did not finish in time (its result is a fail; the other checks still ran)',
    zh: '某个诊断项超时未完成(该项记为失败,其余诊断项照常运行)',
    action: {
      en: 'run posterm diag again; report it to support with the diag output if it repeats',
      zh: '重新运行 posterm diag;反复出现请将诊断输出报技术支持',
    },
  },
  DIAG_BUNDLE_FAILED: {
    en: 'the support bundle (posterm diag --bundle) could not be written (file and errno in the context)',
    zh: '支持包(posterm diag --bundle)无法写入(文件和错误号见上下文)',
    action: {
      en: 'give --bundle a path in a writable directory with free space (e.g. /tmp/diag.tar.gz)',
      zh: '为 --bundle 指定可写且有剩余空间的目录下的路径(如 /tmp/diag.tar.gz)',
    },
  },

  // ---- command line ------------------------------------------------------------------------
  CLI_USAGE: {
    en: 'wrong command line: unknown option, missing or bad argument',
    zh: '命令行用法错误:未知选项、缺少或错误的参数',
    action: { en: "see 'posterm help COMMAND'", zh: '查看 posterm help 命令名' },
  },
  CLI_BAD_HEX: {
    en: 'the input is not an even number of hex characters',
    zh: '输入不是偶数个十六进制字符',
    action: { en: 'check the hex input', zh: '检查十六进制输入' },
  },
  CLI_BAD_FRAME: {
    en: "the input's 2-byte length does not match the bytes that follow",
    zh: '输入的2字节长度与实际数据长度不符',
    action: {
      en: 'check the input, or give the message without its length',
      zh: '检查输入,或去掉长度头只给报文',
    },
  },
  CLI_BAD_JSON: {
    en: 'the fields input is not valid JSON',
    zh: '输入的域数据不是合法的JSON',
    action: { en: 'check the JSON input', zh: '检查JSON输入' },
  },
  CLI_INTERNAL: {
    en: 'a command failed unexpectedly',
    zh: '命令意外失败',
    action: SOFTWARE_FAULT,
  },

  // ---- emulator and test tools -------------------------------------------------------------
  EMU_ADDRESS_IN_USE: {
    en: "the host simulator's port is in use (another host simulator?)",
    zh: '主机模拟器端口已被占用(另一个模拟器?)',
    action: EMULATOR_ONLY,
  },
  EMU_LISTEN: {
    en: 'the host simulator cannot listen on its address',
    zh: '主机模拟器无法监听',
    action: EMULATOR_ONLY,
  },
  EMU_LISTEN_FAILED: {
    en: 'the virtual reader cannot listen on its TCP port',
    zh: '虚拟读卡器无法监听TCP端口',
    action: EMULATOR_ONLY,
  },
  EMU_PTY_FAILED: {
    en: "the virtual reader's pseudo-terminal (socat) cannot be started",
    zh: '虚拟读卡器的伪终端(socat)无法启动',
    action: {
      en: 'install socat, or use the virtual reader over TCP',
      zh: '安装 socat,或改用TCP方式的虚拟读卡器',
    },
  },
  EMU_TLS_UNAVAILABLE: {
    unavailable: true,
    en: 'the host simulator cannot make a self-signed certificate (openssl missing or failing)',
    zh: '主机模拟器无法生成自签名证书(openssl缺失或出错)',
    action: { en: 'install openssl', zh: '安装 openssl' },
  },
  EMU_BAD_TMK: {
    en: 'the host simulator was given a TMK that is not 8, 16 or 24 bytes',
    zh: '主机模拟器的主密钥不是8、16或24字节',
    action: EMULATOR_ONLY,
  },
  EMU_BAD_BATCH: {
    en: 'the host simulator was given a batch number that is not 6 digits',
    zh: '主机模拟器的批次号不是6位数字',
    action: EMULATOR_ONLY,
  },
  EMU_BAD_CARD: {
    en: 'unknown test card name for the virtual reader',
    zh: '虚拟读卡器的测试卡名称未知',
    action: EMULATOR_ONLY,
  },
  EMU_BAD_FAULT: {
    en: 'a fault to inject (host simulator or virtual reader) has bad syntax or is unknown',
    zh: '注入的故障(主机模拟器或虚拟读卡器)语法错误或未知',
    action: EMULATOR_ONLY,
  },
  EMU_BAD_OPTIONS: {
    en: 'the virtual reader needs exactly one of a pty or a TCP port',
    zh: '虚拟读卡器须且只能指定伪终端或TCP端口之一',
    action: EMULATOR_ONLY,
  },
  EMU_BAD_CRASH_POINTS: {
    en: 'POSTERM_CRASH_POINTS (crash test hook) has bad syntax',
    zh: 'POSTERM_CRASH_POINTS(崩溃测试)语法错误',
    action: {
      en: 'unset POSTERM_CRASH_POINTS on a production terminal; in tests use NAME:0..1',
      zh: '生产终端请清除 POSTERM_CRASH_POINTS;测试中格式为 名称:0..1',
    },
  },
  EMU_BAD_JOURNAL_FAULTS: {
    en: 'POSTERM_JOURNAL_FAULTS (disk-full test hook) has bad syntax',
    zh: 'POSTERM_JOURNAL_FAULTS(磁盘满测试)语法错误',
    action: {
      en: 'unset POSTERM_JOURNAL_FAULTS on a production terminal; in tests use disk-full:P[,disk-full-ms:N]',
      zh: '生产终端请清除 POSTERM_JOURNAL_FAULTS;测试中格式为 disk-full:P[,disk-full-ms:N]',
    },
  },
  EMU_ADMIN_BAD_JSON: {
    en: 'a host simulator admin request is not JSON',
    zh: '主机模拟器管理请求不是JSON',
    action: EMULATOR_ONLY,
  },
  EMU_ADMIN_UNKNOWN_CMD: {
    en: 'a host simulator admin request has an unknown cmd',
    zh: '主机模拟器管理请求命令未知',
    action: EMULATOR_ONLY,
  },
  EMU_ADMIN_UNAVAILABLE: {
    unavailable: true,
    en: "the host simulator's admin channel cannot be reached",
    zh: '无法连接主机模拟器的管理通道',
    action: EMULATOR_ONLY,
  },
  EMU_UNREADABLE_REQUEST: {
    en: 'the host simulator dropped a request it could not read',
    zh: '主机模拟器丢弃了无法解析的请求',
    action: EMULATOR_ONLY,
  },
  EMU_SCENARIO_INVALID: {
    en: 'a host simulator settlement scenario is unknown or not valid (the message names the key)',
    zh: '主机模拟器结算场景不存在或格式错误(信息中注明字段)',
    action: {
      en: 'check the scenario name (posterm host-sim --scenario list) or fix the named key in the scenario file',
      zh: '核对场景名称(posterm host-sim --scenario list),或修正场景文件中注明的字段',
    },
  },
  EMU_WEEK_FAILED: {
    en: "the emulator's settlement week could not play its scenario: a sale was not approved or a batch did not settle (the message says which)",
    zh: '模拟器结算周无法按场景运行:某笔交易未获批准或某批次未能结算(信息中注明)',
    action: {
      en: 'read the runtime log of the terminal named in the week folder (WEEKnnnn/runtime.log); check the scenario file',
      zh: '查看结算周目录中对应终端的运行日志(WEEKnnnn/runtime.log);检查场景文件',
    },
  },
  EMU_CALENDAR_UNKNOWN: {
    en: "the host simulator's settlement engine met a date beyond the holiday calendar's coverage",
    zh: '主机模拟器结算引擎遇到节假日日历未覆盖的日期',
    action: {
      en: 'run the simulator (or its clock) inside the covered years, or add the year to the calendar',
      zh: '在日历覆盖的年份内运行模拟器(或其时钟),或为日历补充该年份',
    },
  },
  EMU_INTERNAL: {
    en: 'the host simulator failed on a request (it keeps running)',
    zh: '主机模拟器处理请求出错(仍继续运行)',
    action: SOFTWARE_FAULT,
  },
} as const satisfies Record<`${PosErrorLayer}_${string}`, ErrorCodeInfo>;

/** Every catalogued code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The part after `PREFIX_` of the codes that start with it, e.g. CodeSuffix<'ISO_TLV'>. */
export type CodeSuffix<P extends string> = ErrorCode extends infer C
  ? C extends `${P}_${infer S}`
    ? S
    : never
  : never;

/** True for a string that is a catalogued code (e.g. a code received from another process). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The catalogue entry of a code. */
export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo {
  return ERROR_CODES[code];
}

/** The layer of a code: the part before the first underscore. */
export function layerOf(code: ErrorCode): PosErrorLayer {
  return code.slice(0, code.indexOf('_')) as PosErrorLayer;
}

/** The catalogued codes of the given classes, in catalogue order. */
export function codesOfClass(...classes: ErrorClass[]): ErrorCode[] {
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => {
    const cls = (ERROR_CODES[c] as ErrorCodeInfo).class;
    return cls !== undefined && classes.includes(cls);
  });
}
