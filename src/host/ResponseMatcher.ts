/**
 * Response matching of the cup-pos dialect (host-cup-pos.md sections 1 and 5): the rule itself
 * is the views' `responseMatches` (MTI + 10, same 11 and 41, financial also 3 and 4); the link
 * adds the TPDU check (the request TPDU swapped) and a reason for what did not match.
 */
import type { IsoMessage } from '../iso8583/message.js';
import { responseMatches } from '../iso8583/views/cupPos.js';
import { swapTpdu, type Tpdu, tpduEquals } from './framing.js';

const KEPT = [3, 4, 11, 41] as const;

export interface ResponseExpectation {
  /** The request's MTI and matching fields only (3, 4, 11, 41): no card data is kept. */
  request: IsoMessage;
  tpdu: Tpdu;
}

export function responseMti(requestMti: string): string {
  return (Number.parseInt(requestMti, 10) + 10).toString().padStart(4, '0');
}

export function expectResponse(request: IsoMessage, requestTpdu: Tpdu): ResponseExpectation {
  const fields: Record<number, string> = {};
  for (const f of KEPT) if (request.fields[f] !== undefined) fields[f] = request.fields[f];
  return { request: { mti: request.mti, fields }, tpdu: swapTpdu(requestTpdu) };
}

/** Why a response is not the one expected; undefined when it matches. */
export function mismatch(exp: ResponseExpectation, tpdu: Tpdu, msg: IsoMessage): string | undefined {
  if (!tpduEquals(exp.tpdu, tpdu)) return 'tpdu';
  if (responseMatches(exp.request, msg)) return undefined;
  const req = exp.request;
  if (msg.mti !== responseMti(req.mti)) return 'mti';
  if (msg.fields[11] !== req.fields[11]) return 'stan';
  if (msg.fields[41] !== req.fields[41]) return 'terminal id';
  if (msg.fields[3] !== req.fields[3]) return 'processing code';
  if (msg.fields[4] !== req.fields[4]) return 'amount';
  return 'unmatched';
}
