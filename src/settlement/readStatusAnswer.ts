/**
 * The answer to a settlement status inquiry (0810 to a 0800/951), checked against what was asked:
 * field 39 00, one 59-byte record per RRN in field 62, in the order asked. Pure; a problem is a
 * PosError SETTLE_INQUIRY_BAD_ANSWER (field 62, offset) or SETTLE_INQUIRY_DECLINED (field 39).
 */
import { isPosError, PosError } from '../errors.js';
import {
  parseSettlementStatusInquiryResponse,
  type SettlementStatusRecord,
  STATUS_RECORD_LENGTH,
} from '../iso8583/views/cupPos.js';
import { hexToAscii } from '../iso8583/views/cupPosFields.js';

/** The 0810's records, one per asked RRN in the same order, with their raw 59 characters. */
export function readStatusAnswer(
  message: Parameters<typeof parseSettlementStatusInquiryResponse>[0],
  rrns: readonly string[],
): { rec: SettlementStatusRecord; raw: string }[] {
  let parsed: ReturnType<typeof parseSettlementStatusInquiryResponse>;
  try {
    parsed = parseSettlementStatusInquiryResponse(message);
  } catch (e) {
    throw new PosError(
      'SETTLE_INQUIRY_BAD_ANSWER',
      `settlement status answer does not decode: ${(e as Error).message}`,
      { field: 62, cause: isPosError(e) ? e.code : 'unknown' },
      { cause: e },
    );
  }
  if (parsed.responseCode !== '00') {
    throw new PosError(
      'SETTLE_INQUIRY_DECLINED',
      `settlement status inquiry refused (${parsed.responseCode})`,
      {
        field: 39,
        responseCode: parsed.responseCode,
      },
    );
  }
  if (parsed.records.length !== rrns.length) {
    throw new PosError(
      'SETTLE_INQUIRY_BAD_ANSWER',
      `settlement status answer has ${parsed.records.length} records for ${rrns.length} RRNs`,
      { field: 62 },
    );
  }
  const text = hexToAscii(message.fields[62] ?? '');
  return parsed.records.map((rec, k) => {
    if (rec.rrn !== rrns[k]) {
      throw new PosError(
        'SETTLE_INQUIRY_BAD_ANSWER',
        `settlement status record ${k + 1} is for another RRN`,
        {
          field: 62,
          offset: k * STATUS_RECORD_LENGTH,
        },
      );
    }
    return { rec, raw: text.slice(k * STATUS_RECORD_LENGTH, (k + 1) * STATUS_RECORD_LENGTH) };
  });
}
