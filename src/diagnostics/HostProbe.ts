/**
 * Standalone host protocol checks: a sign-on (0800, working keys checked against their key
 * check values under the profile's TMK) and an echo test (0820), over one HostLink built from
 * the profile as the runtime builds it. Keys stay inside HostSession; the evidence says only
 * whether the key check values matched. STAN and batch come from the journal when diag opened
 * it, else from the clock (evidence `stanFrom`).
 */
import { isPosError } from '../errors.js';
import { HostLink } from '../host/HostLink.js';
import { HostSession } from '../host/HostSession.js';
import { hostFailureCause } from '../host/hostFailureCause.js';
import {
  hostLinkOptionsFromProfile,
  hostSessionOptionsFromProfile,
} from '../host/hostLinkOptionsFromProfile.js';
import { balanceInquiryRequestToMessage } from '../iso8583/views/cupPos.js';
import { silentLogger } from '../log.js';
import { maskPan } from '../mask.js';
import { profileTmk, type TerminalProfile } from '../profile/loadProfile.js';
import type { CardRead } from '../txn/ports.js';
import { viewCard } from '../txn/requestFields.js';
import { causeFailure } from './causeFailure.js';
import type { HostAnswerTime } from './clockChecks.js';
import { type CheckOutcome, pass } from './DiagResult.js';
import type { JournalAccess } from './JournalAccess.js';

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

export class HostProbe {
  private link?: HostLink;
  private session?: HostSession;
  private endpoint?: string;
  private readonly stanFrom: 'journal' | 'clock';
  private clockStan = 0;
  /** Fields 12/13 of the last answer (sign-on or echo), for the clock check. */
  lastAnswer?: HostAnswerTime;

  constructor(
    private readonly profile: TerminalProfile,
    private readonly journal: JournalAccess,
  ) {
    this.stanFrom = journal.journal() ? 'journal' : 'clock';
  }

  private nextStan(): string {
    const j = this.journal.journal();
    if (j) return j.nextStan();
    this.clockStan = this.clockStan
      ? (this.clockStan % 999_999) + 1
      : (Math.floor(Date.now() / 1000) % 999_999) + 1;
    return String(this.clockStan).padStart(6, '0');
  }

  private batch(): string {
    return this.journal.journal()?.currentBatch() ?? '000001';
  }

  private open(): HostSession {
    if (this.session) return this.session;
    const tmk = profileTmk(this.profile);
    this.link = new HostLink(
      hostLinkOptionsFromProfile(this.profile, {
        logger: silentLogger,
        connectRounds: 1,
        failover: { failbackIntervalMs: 0 },
      }),
    );
    this.link.on('connected', (e) => {
      this.endpoint = e.endpoint;
    });
    const link = this.link;
    this.session = new HostSession(
      hostSessionOptionsFromProfile(this.profile, {
        link: {
          request: async (msg, opts) => {
            const sentAtMs = Date.now();
            const res = await link.request(msg, opts);
            const f = res.message.fields;
            this.lastAnswer = {
              mti: res.message.mti,
              time: f[12],
              date: f[13],
              sentAtMs,
              receivedAtMs: Date.now(),
            };
            return res;
          },
        },
        tmk,
        nextStan: () => this.nextStan(),
        batch: () => this.batch(),
        echoIdleMs: 0,
        logger: silentLogger,
      }),
    );
    return this.session;
  }

  /** `host.signon`: 0800 answered 00 and the working keys' check values match under the TMK. */
  async signOn(): Promise<CheckOutcome> {
    const t0 = performance.now();
    try {
      const s = this.open();
      let batch: string | undefined;
      s.once('signed-on', (e) => {
        batch = e.batch;
      });
      await s.signOn();
      return pass({
        endpoint: this.endpoint ?? null,
        roundTripMs: ms(t0),
        responseCode: '00',
        keyCheck: 'ok',
        hostBatch: batch ?? null,
        stanFrom: this.stanFrom,
      });
    } catch (e) {
      if (!isPosError(e)) throw e;
      if (e.layer === 'PROFILE') {
        return { result: 'fail', evidence: { code: e.code, key: e.context.key }, hint: 'profile.noTmk' };
      }
      const { cause } = hostFailureCause(e);
      return causeFailure(e, {
        endpoint: this.endpoint ?? null,
        roundTripMs: ms(t0),
        keyCheck: cause === 'key-check' ? 'mismatch' : 'not checked',
        ...(typeof e.context.responseCode === 'string' ? { responseCode: e.context.responseCode } : {}),
        stanFrom: this.stanFrom,
      });
    }
  }

  /** `host.echo`: an 0820 echo test and its round trip (no keys needed). */
  async echo(): Promise<CheckOutcome> {
    const t0 = performance.now();
    try {
      const responseCode = await this.open().echo();
      const evidence = { endpoint: this.endpoint ?? null, roundTripMs: ms(t0), responseCode };
      return responseCode === '00' ? pass(evidence) : { result: 'fail', evidence, hint: 'host.echoRefused' };
    } catch (e) {
      if (!isPosError(e)) throw e;
      if (e.layer === 'PROFILE') {
        return { result: 'fail', evidence: { code: e.code, key: e.context.key }, hint: 'profile.noTmk' };
      }
      return causeFailure(e, { endpoint: this.endpoint ?? null, roundTripMs: ms(t0) });
    }
  }

  /**
   * `host.mac`: a balance inquiry (0200, processing code 310000) with a card read from the reader;
   * HostSession verifies the MAC of the 0210 before anything else (missing or wrong:
   * HOST_BAD_MAC). A verified answer passes whatever its response code, but A0 (the host could
   * not verify ours). Evidence: the masked card, response code, `mac`; never track data.
   */
  async macCheck(card: CardRead): Promise<CheckOutcome> {
    const t0 = performance.now();
    const p = this.profile;
    const base = { maskedPan: maskPan(card.pan), entryInterface: card.entryInterface, mti: '0200' };
    try {
      const s = this.open();
      const msg = balanceInquiryRequestToMessage({
        terminalId: p.terminalId,
        merchantId: p.merchantId,
        currency: p.currency,
        ...viewCard(card),
        stan: await this.nextStan(),
        batch: this.batch(),
      });
      const res = await s.send(msg);
      const responseCode = res.message.fields[39] ?? null;
      const evidence = {
        ...base,
        endpoint: this.endpoint ?? null,
        answer: res.message.mti,
        responseCode,
        mac: 'verified',
        roundTripMs: ms(t0),
      };
      if (responseCode === 'A0') return { result: 'fail', evidence, hint: 'host.macRejected' };
      return pass(evidence);
    } catch (e) {
      if (!isPosError(e)) throw e;
      const bad = e.code === 'HOST_BAD_MAC';
      return causeFailure(e, {
        ...base,
        endpoint: this.endpoint ?? null,
        mac: bad ? 'missing or wrong' : 'not checked',
        ...(typeof e.context.responseCode === 'string' ? { responseCode: e.context.responseCode } : {}),
        roundTripMs: ms(t0),
      });
    }
  }

  close(): void {
    this.session?.close();
    this.link?.close();
  }
}
