/**
 * Every hint `posterm diag` can give, in English and Chinese: short, as a field technician in
 * China reads them. docs/diagnostics.md lists each one (test/diagnostics checks that it does).
 */
/** What to do, in English and Chinese. */
export interface DiagHint {
  en: string;
  zh: string;
}

export const HINTS = {
  // ---- profile ----
  'profile.invalid': {
    en: 'The terminal profile cannot be used: fix the key named in the evidence, or reinstall the profile.',
    zh: '终端配置文件不可用:按证据中的配置项修正,或重新安装配置文件。',
  },
  'profile.noTmk': {
    en: 'No valid terminal master key (TMK): load the TMK issued by the acquirer (keys.tmk or keys.tmkFile).',
    zh: '没有有效的主密钥(TMK):按收单机构下发的主密钥重新灌装(keys.tmk 或 keys.tmkFile)。',
  },
  'profile.keyFileMode': {
    en: 'A key file can be read by other users: chmod 600 it, owned by the user posterm runs as.',
    zh: '密钥文件可被其他用户读取:执行 chmod 600,属主为 posterm 运行用户。',
  },
  'profile.keyFileUnreadable': {
    en: 'A key file named in the profile cannot be read: check its path and owner.',
    zh: '配置中的密钥文件无法读取:检查路径和属主。',
  },
  'profile.journalKeyMissing': {
    en: 'The journal exists but its key file is missing: restore the key file from backup; never make a new one.',
    zh: '流水库存在但其密钥文件丢失:从备份恢复密钥文件,切勿新建。',
  },
  // ---- runtime ----
  'runtime.notAnswering': {
    en: 'A control socket exists but no runtime answers on it: check the posterm service (systemctl status posterm) and restart it.',
    zh: '控制套接字存在但程序无应答:检查 posterm 服务状态(systemctl status posterm)并重启服务。',
  },
  // ---- serial port and reader ----
  'serial.missing': {
    en: 'Reader device not found: check the USB cable and power of the reader, then reader.device in the profile (use the /dev/serial/by-id name).',
    zh: '找不到读卡器设备:检查读卡器 USB 线和电源,再核对配置中的 reader.device(建议用 /dev/serial/by-id 名称)。',
  },
  'serial.permission': {
    en: 'No permission to open the serial port: add the posterm user to group dialout (usermod -aG dialout USER), then restart the service.',
    zh: '无权限打开串口:将 posterm 运行用户加入 dialout 组(usermod -aG dialout 用户名)后重启服务。',
  },
  'serial.busy': {
    en: 'The serial port is held by another program (a running posterm or a serial tool): stop it first.',
    zh: '串口被其他程序占用(正在运行的 posterm 或串口工具):先停止该程序。',
  },
  'serial.openFailed': {
    en: 'The serial port cannot be opened: replug the reader; if it persists, try another USB port or cable.',
    zh: '串口无法打开:重新插拔读卡器;仍不行则更换 USB 口或线缆。',
  },
  'reader.noAnswer': {
    en: 'The port opens but no reader answers: check that reader.device is the card reader (not a modem or printer), the baud rate and the reader power.',
    zh: '串口能打开但读卡器无应答:确认 reader.device 指向读卡器(不是调制解调器或打印机)、波特率正确、读卡器已通电。',
  },
  'reader.unavailable': {
    en: 'The running runtime reports the reader unavailable (reason in the evidence): check cable and power; the runtime reconnects by itself.',
    zh: '运行中的程序报告读卡器不可用(原因见证据):检查线缆和电源,程序会自动重连。',
  },
  'reader.notReader': {
    en: 'Bytes arrive on the port but none is a card reader frame: reader.device is another device (modem, printer, scale) or the baud rate is wrong; check reader.device and reader.baud.',
    zh: '串口有数据但不是读卡器报文:reader.device 指向了其他设备(调制解调器、打印机、电子秤)或波特率不对;核对 reader.device 和 reader.baud。',
  },
  'reader.frameErrors': {
    en: 'The reader answers but the line is poor (lost pings, bad CRC or noise bytes in the evidence): reseat or replace the USB cable, keep it away from power cables, avoid USB hubs.',
    zh: '读卡器有应答但线路质量差(丢失的 ping、CRC 错误或噪声字节见证据):重新插紧或更换 USB 线,远离电源线,不要经过 USB 集线器。',
  },
  // ---- network path to the host ----
  'host.dns': {
    en: 'The host name cannot be resolved (DNS): check the network or SIM and the DNS servers (/etc/resolv.conf); confirm the host name with the acquirer.',
    zh: '域名解析失败:检查网络或 SIM 卡及 DNS 服务器(/etc/resolv.conf);与收单机构核对主机域名。',
  },
  'host.refused': {
    en: 'The host refuses the connection: wrong address or port, or the acquirer server is down; check host.primary / host.backup against the acquirer sheet.',
    zh: '主机拒绝连接:地址或端口错误,或收单机构服务器停机;按收单机构资料核对 host.primary / host.backup。',
  },
  'host.unreachable': {
    en: 'No network path to the host: check the network cable, 4G signal, APN and router.',
    zh: '网络不通:检查网线、4G 信号、APN 和路由器。',
  },
  'host.connectTimeout': {
    en: 'Connecting to the host timed out: a firewall or the APN may block the port; check with the network provider.',
    zh: '连接主机超时:防火墙或 APN 可能屏蔽了该端口;请联系网络运营商。',
  },
  'host.connectFailed': {
    en: 'The connection to the host failed (reason in the evidence): check the network, then try again.',
    zh: '连接主机失败(原因见证据):检查网络后重试。',
  },
  // ---- TLS ----
  'tls.handshake': {
    en: 'The TLS handshake failed or timed out: the port may not speak TLS; check the port and TLS settings with the acquirer.',
    zh: 'TLS 握手失败或超时:该端口可能不支持 TLS;与收单机构核对端口和 TLS 设置。',
  },
  'tls.certificate': {
    en: "The host's certificate is not trusted (chain, expired, not yet valid): check the terminal date and time and host.tls.ca; get the current CA from the acquirer.",
    zh: '主机证书不受信任(证书链、已过期或未生效):检查终端日期时间和 host.tls.ca;向收单机构索取最新 CA 证书。',
  },
  'tls.name': {
    en: "The host's certificate is for another name: check the host address and host.tls.servername against the acquirer sheet.",
    zh: '主机证书的域名不符:按收单机构资料核对主机地址和 host.tls.servername。',
  },
  'tls.pin': {
    en: "The host's key does not match the pinned key: do not take payments; the line may be intercepted or the acquirer changed its key. Call the acquirer before changing host.tls.pins.",
    zh: '主机公钥与固定值(pin)不符:暂停收款;线路可能被劫持,或收单机构更换了密钥。先致电收单机构确认,再修改 host.tls.pins。',
  },
  'tls.expiring': {
    en: "The host's certificate expires in less than 30 days: tell the acquirer, and make sure the terminal gets the new CA or pin in time.",
    zh: '主机证书 30 天内到期:通知收单机构,确保终端及时更新 CA 证书或 pin 值。',
  },
  'tls.config': {
    en: 'The TLS files in the profile (host.tls.ca / cert / key) cannot be read: check the paths and permissions.',
    zh: '配置中的 TLS 文件(host.tls.ca / cert / key)无法读取:检查路径和权限。',
  },
  // ---- host protocol ----
  'host.keyCheck': {
    en: "Sign-on answered but the key check values do not match: the terminal master key (TMK) differs from the acquirer's; reload the TMK.",
    zh: '签到应答的密钥校验值不符:终端主密钥(TMK)与收单机构不一致,请重新灌装主密钥。',
  },
  'host.signOnRefused': {
    en: 'The host refused the sign-on (response code in the evidence): check terminalId and merchantId with the acquirer.',
    zh: '主机拒绝签到(应答码见证据):与收单机构核对终端号和商户号。',
  },
  'host.silence': {
    en: 'The host accepts the connection but does not answer: check the TPDU and port with the acquirer, then try again.',
    zh: '主机接受连接但不应答:与收单机构核对 TPDU 和端口后重试。',
  },
  'host.garbage': {
    en: 'The host answers with bytes that are not cup-pos messages: wrong port or protocol; check with the acquirer.',
    zh: '主机应答不是银联 POS 报文:端口或协议不对;与收单机构核对。',
  },
  'host.echoRefused': {
    en: 'The echo test (0820) was answered with a response code other than 00 (in the evidence): tell the acquirer.',
    zh: '回响测试(0820)应答码不是 00(见证据):告知收单机构。',
  },
  'host.badMac': {
    en: "The host's answer failed the MAC check (its MAC is missing or wrong): the terminal refuses such answers; sign on again, and if it repeats reload the TMK and tell the acquirer (the line may alter messages).",
    zh: '主机应答的 MAC 校验失败(缺失或错误):终端不接受此类应答;重新签到,反复出现则重新灌装主密钥并告知收单机构(线路可能篡改报文)。',
  },
  'host.macRejected': {
    en: "The host could not verify the terminal's MAC (response A0): sign on again; if it repeats, the TMK or the MAC method differs from the acquirer's.",
    zh: '主机无法校验终端的 MAC(应答码 A0):重新签到;反复出现说明主密钥或 MAC 算法与收单机构不一致。',
  },
  'host.noCard': {
    en: 'No card was read for the MAC check (balance inquiry): run diag --card again and tap, insert or swipe a card when asked.',
    zh: '未读到卡片,无法做 MAC 校验(余额查询):重新运行 diag --card,按提示挥卡、插卡或刷卡。',
  },
  'host.failed': {
    en: 'The exchange with the host failed (code and cause in the evidence): look the code up in docs/errors.md.',
    zh: '与主机通讯失败(错误码和原因见证据):在 docs/errors.md 中查该错误码。',
  },
  'host.notSignedOn': {
    en: 'The running runtime is not signed on: the last host error and its cause are in the evidence; fix that first.',
    zh: '运行中的程序未签到:最近一次主机错误及原因见证据,先排除该问题。',
  },
  'host.signingOn': {
    en: 'The runtime is still signing on: run diag again in a minute.',
    zh: '程序正在签到:一分钟后再运行诊断。',
  },
  // ---- clock ----
  'clock.drift': {
    en: "The terminal clock differs from the host's by more than 60 s: turn on time sync (timedatectl set-ntp true) or set the time; over 5 minutes the host may refuse transactions.",
    zh: '终端时钟与主机相差超过 60 秒:开启时间同步(timedatectl set-ntp true)或校正时间;超过 5 分钟主机可能拒绝交易。',
  },
  'clock.wrong': {
    en: "The terminal clock differs from the host's by more than 5 minutes: set the date and time (and time zone) now, then turn on time sync (timedatectl set-ntp true); TLS and settlement depend on it.",
    zh: '终端时钟与主机相差超过 5 分钟:立即校正日期、时间(及时区),再开启时间同步(timedatectl set-ntp true);TLS 和结算都依赖正确时间。',
  },
  'clock.noHostTime': {
    en: "The host's answer carried no usable time (fields 12/13): the clock could not be compared; tell the acquirer if it repeats.",
    zh: '主机应答中没有可用的时间(12/13 域):无法比对时钟;反复出现请告知收单机构。',
  },
  'clock.ntpOff': {
    en: 'The system reports its clock is not synchronised (NTP): check the network time servers (timedatectl timesync-status) or turn sync on (timedatectl set-ntp true).',
    zh: '系统报告时钟未同步(NTP):检查网络时间服务器(timedatectl timesync-status)或开启同步(timedatectl set-ntp true)。',
  },
  // ---- journal ----
  'journal.missing': {
    en: 'No journal yet: the runtime creates it at its first start. Normal on a new terminal only.',
    zh: '流水库尚不存在:程序首次启动时创建。仅新终端属正常。',
  },
  'journal.locked': {
    en: 'Another process holds the journal (a runtime whose control socket does not answer?): stop it, then run diag again.',
    zh: '流水库被其他进程占用(控制套接字无应答的程序?):停止该进程后再运行诊断。',
  },
  'journal.corrupt': {
    en: 'The journal is corrupt: stop the terminal, move the journal aside with its -wal file and call support; delete nothing (unsent reversals and advices are in it).',
    zh: '流水库已损坏:停用终端,将流水库连同 -wal 文件移到别处并联系技术支持;不要删除(其中有未发送的冲正和通知)。',
  },
  'journal.openFailed': {
    en: 'The journal cannot be opened (code in the evidence): look the code up in docs/errors.md.',
    zh: '流水库无法打开(错误码见证据):在 docs/errors.md 中查该错误码。',
  },
  'journal.keyMismatch': {
    en: 'The journal key file does not open the stored card data: restore the right key file from backup.',
    zh: '流水库密钥文件与库内数据不匹配:从备份恢复正确的密钥文件。',
  },
  'journal.notWritable': {
    en: 'The runtime cannot write its journal (outcomes held in memory): free disk space or check the disk; do not power off.',
    zh: '程序无法写入流水库(结果暂存在内存):释放磁盘空间或检查磁盘;不要断电。',
  },
  'journal.reversalPending': {
    en: 'Reversals are waiting to be sent: they go out by themselves once the host answers; keep the terminal online.',
    zh: '有待发送的冲正:主机恢复后自动发送;请保持终端联网。',
  },
  'journal.reversalOverLimit': {
    en: 'A reversal is past its attempt limit and the host never confirmed it: call the acquirer with the STAN and amount in the evidence.',
    zh: '冲正超过重试次数仍未成功:带上证据中的流水号(STAN)和金额联系收单机构处理。',
  },
  'journal.queueOld': {
    en: 'Offline transactions older than offline.maxAgeS are still waiting to be sent: bring the terminal online; call the acquirer if they are refused.',
    zh: '有超过 offline.maxAgeS 仍未上送的离线交易:尽快恢复联网;若被拒绝请联系收单机构。',
  },
  'journal.batchOld': {
    en: 'The open batch holds sales older than 24 hours, or an older batch is not settled: settle now (posterm settle); the money for these sales waits for it.',
    zh: '当前批次有超过 24 小时的交易,或有更早的批次未结算:请立即结算(posterm settle);这些交易的资金要等结算后才划付。',
  },
  'journal.diskLow': {
    en: 'Free disk space is below journal.minFreeBytes: new sales are refused; free space on the journal disk (old logs).',
    zh: '磁盘剩余空间低于 journal.minFreeBytes:新交易将被拒绝;清理流水库所在磁盘(如旧日志)。',
  },
  // ---- settlement ----
  'settlement.calendarUnreadable': {
    en: 'The holiday calendar cannot be read (settlement.calendarDir, file in the evidence): fix or remove the file; settlement dates are unknown until then.',
    zh: '节假日日历无法读取(settlement.calendarDir,文件见证据):修正或删除该文件;在此之前无法计算到账日期。',
  },
  'settlement.calendarEnded': {
    en: "The holiday calendar does not cover today: expected arrival dates are unknown. Install this year's calendar (software update, or a file in settlement.calendarDir).",
    zh: '节假日日历不包含今天:无法计算预计到账日期。请安装今年的日历(升级软件,或在 settlement.calendarDir 放入日历文件)。',
  },
  'settlement.calendarShort': {
    en: "The holiday calendar ends in less than 60 days: install next year's calendar when the State Council notice is out (software update, or a file in settlement.calendarDir).",
    zh: '节假日日历不足 60 天即到期:国务院办公厅通知发布后,请安装下一年日历(升级软件,或在 settlement.calendarDir 放入日历文件)。',
  },
  'settlement.held': {
    en: 'The acquirer holds the money of these sales (risk control): the merchant calls the acquirer with the RRNs in the evidence.',
    zh: '收单机构冻结了这些交易的资金(风控):商户带上证据中的参考号(RRN)联系收单机构。',
  },
  'settlement.failed': {
    en: "The payout of these sales failed or bounced: check the merchant's settlement account with the acquirer (RRNs in the evidence).",
    zh: '这些交易的划款失败或被退回:与收单机构核对商户结算账户(参考号见证据)。',
  },
  'settlement.unknownToHost': {
    en: 'The host has no record of these approved sales: no money will come for them as things stand; call the acquirer with the RRNs, dates and amounts in the evidence.',
    zh: '主机没有这些已批准交易的记录:目前这些交易不会到账;带上证据中的参考号、日期和金额联系收单机构。',
  },
  'settlement.overdue': {
    en: 'Money for these sales is later than expected: see posterm settlement timeline RRN for the cause; call the acquirer if the host gives none.',
    zh: '这些交易到账晚于预期:用 posterm settlement timeline 参考号 查看原因;主机未给出原因时联系收单机构。',
  },
  // ---- diag itself ----
  'diag.crashed': {
    en: 'This check failed unexpectedly (DIAG_CHECK_CRASHED): note the evidence and report it to support.',
    zh: '该诊断项意外出错(DIAG_CHECK_CRASHED):记录证据并报技术支持。',
  },
  'diag.timeout': {
    en: 'This check did not finish in time (DIAG_CHECK_TIMEOUT): run diag again; report it to support if it repeats.',
    zh: '该诊断项超时(DIAG_CHECK_TIMEOUT):重新运行诊断;反复出现请报技术支持。',
  },
} as const satisfies Record<string, DiagHint>;

export type HintId = keyof typeof HINTS;
