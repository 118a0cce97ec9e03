/**
 * The host simulator's message logic: one unpacked request in, one response (or a drop) out.
 * Sign-on keys, MAC checks, financial decisions, settlement, echo, settlement status inquiry.
 * No sockets here; the server in hostSim.ts feeds it.
 */
import { randomBytes } from 'node:crypto';
import { isPosError } from '../errors.js';
import type { IsoMessage } from '../iso8583/message.js';
import { parseBatchUploadEntries } from '../iso8583/views/cupPos.js';
import { maskPan } from '../mask.js';
import { macValid } from './hostCodec.js';
import { decideFinancial, type FinancialContext, FormatError } from './hostFinancial.js';
import type { HostLedger } from './hostLedger.js';
import { hostTimeParts } from './hostRules.js';
import { formatStatusRecord } from './hostStatusRecord.js';
import { SettlementEngine } from './SettlementEngine.js';
import { simSignOnKeys } from './simCrypto.js';

export const FINANCIAL_MTIS: readonly string[] = ['0200', '0220', '0400', '0320', '0500'];
const NETWORK_MTIS: readonly string[] = ['0800', '0820'];

export interface HostHandlerOptions {
  tmk: Buffer;
  ledger: HostLedger;
  now(): number;
  /** Field 32 of responses. */
  acquirerId?: string;
  /** Balance an inquiry returns, fen. */
  balance?: number;
  /** Asked on each 0500: true answers reconciliation 2 whatever the totals (fault `unbalanced`). */
  forceUnbalanced?: () => boolean;
  /** Clearing and payout: field 15 and the 951 records (default: an engine with the default contract). */
  engine?: SettlementEngine;
}

/** A response to send; `mak` set when it must carry a field-64 MAC. */
export interface HostReply {
  kind: 'reply';
  response: IsoMessage;
  mak?: Buffer;
  terminalId: string;
  responseCode: string;
  /** Why it was answered this way, for events (never card data). */
  note?: string;
}

export interface HostDrop {
  kind: 'drop';
  reason: string;
}

export class HostHandler {
  private readonly keys = new Map<string, { pik: Buffer; mak: Buffer }>();
  private readonly fin: FinancialContext;
  private readonly acquirerId: string;
  private readonly rrnPrefix: string;
  private rrnSeq = 0;
  readonly engine: SettlementEngine;
  /** Batch number the 0810 hands in 60.2 instead of echoing the terminal's. */
  signOnBatch: string | undefined;

  constructor(private readonly opts: HostHandlerOptions) {
    this.acquirerId = opts.acquirerId ?? '48020000';
    this.engine = opts.engine ?? new SettlementEngine({ ledger: opts.ledger });
    const t = hostTimeParts(opts.now());
    this.rrnPrefix = `${t.hh}${t.mi}${t.ss}`;
    this.fin = {
      ledger: opts.ledger,
      now: opts.now,
      nextRrn: () => this.nextRrn(),
      nextAuthCode: () => String((this.rrnSeq * 7919 + 104729) % 1_000_000).padStart(6, '0'),
      balance: opts.balance ?? 1_234_567,
    };
  }

  /** The terminal's current MAK (after a sign-on), for tests and the admin channel. */
  makOf(terminalId: string): Buffer | undefined {
    return this.keys.get(terminalId)?.mak;
  }

  private nextRrn(): string {
    this.rrnSeq = (this.rrnSeq + 1) % 1_000_000;
    return this.rrnPrefix + String(this.rrnSeq).padStart(6, '0');
  }

  /** Handle one request; `body` is its packed bytes (for the MAC check). */
  handle(req: IsoMessage, body: Buffer): HostReply | HostDrop {
    const { mti } = req;
    const terminalId = req.fields[41];
    const stan = req.fields[11];
    if (!/^\d{4}$/.test(mti) || terminalId === undefined || stan === undefined) {
      return { kind: 'drop', reason: 'MTI, 11 or 41 missing' };
    }
    if (Number(mti[2]) % 2 !== 0 || Number(mti[1]) < 1)
      return { kind: 'drop', reason: `MTI ${mti} is not a request` };
    const isFinancial = FINANCIAL_MTIS.includes(mti);
    const mak = this.keys.get(terminalId)?.mak;
    const reply = (responseCode: string, extra: Record<number, string> = {}, note?: string): HostReply => ({
      kind: 'reply',
      response: this.response(req, responseCode, extra),
      ...(isFinancial && mak ? { mak } : {}),
      terminalId,
      responseCode,
      ...(note ? { note } : {}),
    });
    if (!isFinancial && !NETWORK_MTIS.includes(mti)) return reply('30', {}, `unknown MTI ${mti}`);
    if (isFinancial) {
      if (!mak) return reply('A0', {}, 'financial message before sign-on');
      if (!macValid(body, req, mak)) return reply('A0', {}, 'bad MAC');
    }
    try {
      switch (mti) {
        case '0800':
          return this.networkManagement(req, terminalId, reply);
        case '0820':
          return reply('00');
        case '0500':
          return this.settle(req, terminalId, reply);
        case '0320':
          return this.batchUpload(req, terminalId, reply);
        default: {
          const d = decideFinancial(req, terminalId, this.fin);
          const extra: Record<number, string> = {};
          if (d.rrn) extra[37] = d.rrn;
          if (d.authCode) extra[38] = d.authCode;
          if (d.balance) extra[54] = d.balance;
          return reply(d.responseCode, extra);
        }
      }
    } catch (e) {
      if (e instanceof FormatError) return reply('30', {}, e.message);
      throw e;
    }
  }

  /** A 30 answer to a request whose other fields could not be read; undefined when 11 or 41 is missing. */
  formatError(partial: IsoMessage): HostReply | undefined {
    const { mti } = partial;
    const terminalId = partial.fields[41];
    if (!/^\d{4}$/.test(mti) || terminalId === undefined || partial.fields[11] === undefined)
      return undefined;
    if (Number(mti[2]) % 2 !== 0 || Number(mti[1]) < 1) return undefined;
    const mak = FINANCIAL_MTIS.includes(mti) ? this.keys.get(terminalId)?.mak : undefined;
    return {
      kind: 'reply',
      response: this.response(partial, '30', {}),
      ...(mak ? { mak } : {}),
      terminalId,
      responseCode: '30',
      note: 'unreadable fields after 41',
    };
  }

  private networkManagement(req: IsoMessage, terminalId: string, reply: ReplyFn): HostReply {
    const f60 = req.fields[60] ?? '';
    if (!/^\d{11,17}$/.test(f60)) throw new FormatError(60);
    const code = f60.slice(8, 11);
    if (code === '003') {
      const pik = randomBytes(16);
      const mak = randomBytes(16);
      this.keys.set(terminalId, { pik, mak });
      const f62 = simSignOnKeys(this.opts.tmk, pik, mak).toString('hex').toUpperCase();
      const extra: Record<number, string> = { 32: this.acquirerId, 37: this.nextRrn(), 62: f62 };
      if (this.signOnBatch) extra[60] = f60.slice(0, 2) + this.signOnBatch + f60.slice(8);
      return reply('00', extra, 'sign-on');
    }
    if (code === '951') {
      const rrns = Buffer.from(req.fields[62] ?? '', 'hex').toString('latin1');
      if (!/^[\x20-\x7e]{12,96}$/.test(rrns) || rrns.length % 12 !== 0) throw new FormatError(62);
      const now = this.opts.now();
      let records = '';
      try {
        for (let i = 0; i < rrns.length; i += 12) {
          records += formatStatusRecord(this.engine.status(rrns.slice(i, i + 12), now, terminalId));
        }
      } catch (e) {
        // A date beyond the holiday calendar: the host cannot tell (system malfunction).
        if (isPosError(e) && e.code === 'EMU_CALENDAR_UNKNOWN') return reply('96', {}, e.message);
        throw e;
      }
      return reply(
        '00',
        { 62: Buffer.from(records, 'latin1').toString('hex').toUpperCase() },
        'status inquiry',
      );
    }
    return reply('12', {}, `network management code ${code}`);
  }

  private settle(req: IsoMessage, terminalId: string, reply: ReplyFn): HostReply {
    const f48 = req.fields[48] ?? '';
    const f60 = req.fields[60] ?? '';
    if (!/^\d{31}$/.test(f48)) throw new FormatError(48);
    if (!/^\d{11,17}$/.test(f60)) throw new FormatError(60);
    const batch = f60.slice(2, 8);
    const t = this.opts.ledger.totals(terminalId, batch);
    const mine = `${String(t.debitAmount).padStart(12, '0')}${String(t.debitCount).padStart(3, '0')}${String(t.creditAmount).padStart(12, '0')}${String(t.creditCount).padStart(3, '0')}`;
    const forced = this.opts.forceUnbalanced?.() ?? false;
    const balanced = f48.slice(0, 30) === mine && !forced;
    if (balanced) this.opts.ledger.markSettled(terminalId, batch, this.opts.now());
    return reply(
      '00',
      {
        15: this.engine.settlementDate(req.fields[42] ?? '', this.opts.now()),
        37: this.nextRrn(),
        48: f48.slice(0, 30) + (balanced ? '1' : '2'),
      },
      balanced ? 'settlement balanced' : 'settlement unbalanced',
    );
  }

  /**
   * 0320 entries (60.3 201) are recorded by STAN (a resent one replaces itself); the end message
   * (202) settles the batch when its total count is the number of entries received, else 95.
   */
  private batchUpload(req: IsoMessage, terminalId: string, reply: ReplyFn): HostReply {
    const f60 = req.fields[60] ?? '';
    if (!/^\d{11,17}$/.test(f60)) throw new FormatError(60);
    const batch = f60.slice(2, 8);
    const code = f60.slice(8, 11);
    const { ledger } = this.opts;
    if (code === '202') {
      const f48 = req.fields[48] ?? '';
      if (!/^\d{4}$/.test(f48)) throw new FormatError(48);
      const received = ledger.uploaded(terminalId, batch).length;
      if (Number(f48) !== received)
        return reply('95', {}, `batch upload end: ${f48} announced, ${received} received`);
      ledger.markSettled(terminalId, batch, this.opts.now());
      return reply('00', {}, 'batch upload end');
    }
    if (code !== '201') return reply('12', {}, `batch upload code ${code}`);
    let entries: ReturnType<typeof parseBatchUploadEntries>;
    try {
      entries = parseBatchUploadEntries(req.fields[48]);
    } catch {
      throw new FormatError(48);
    }
    ledger.recordUpload(
      terminalId,
      batch,
      entries.map((e) => ({ stan: e.stan, amount: e.amountMinor, maskedPan: maskPan(e.pan) })),
    );
    return reply('00', {}, 'batch upload');
  }

  /** Response skeleton: MTI + 10, echoed fields, host time, 39, then `extra`. */
  private response(req: IsoMessage, responseCode: string, extra: Record<number, string>): IsoMessage {
    const mti = req.mti.slice(0, 2) + String(Number(req.mti[2]) + 1) + req.mti[3];
    const t = hostTimeParts(this.opts.now());
    const echo = [11, 41, 42, 60];
    const fields: Record<number, string> = { 12: t.hh + t.mi + t.ss, 13: t.mm + t.dd, 39: responseCode };
    if (['0200', '0220', '0400'].includes(req.mti)) {
      echo.push(3, 4, 25, 49);
      Object.assign(fields, {
        // the settlement date the engine clears the request in (the merchant's cut-off)
        15: this.engine.settlementDate(req.fields[42] ?? '', this.opts.now()),
        32: this.acquirerId,
        44: `${this.acquirerId.padEnd(11)}${this.acquirerId.padEnd(11)}`,
      });
    }
    if (req.mti === '0500') echo.push(49);
    for (const f of echo) if (req.fields[f] !== undefined) fields[f] = req.fields[f];
    return { mti, fields: { ...fields, ...extra } };
  }
}

type ReplyFn = (responseCode: string, extra?: Record<number, string>, note?: string) => HostReply;
