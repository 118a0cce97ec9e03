/**
 * The control codec's precompiled mappers: the bytes are exactly what protobufjs makes from the
 * same message written by hand in wire terms, and a value maps back to itself.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, EnvelopeType, encodeEnvelope, fromWire } from '../../src/control/protoCodec.js';
import type { RuntimeStatus } from '../../src/runtime/runtimeStatus.js';

const status: RuntimeStatus = {
  profile: 'emulator',
  terminalId: '12345678',
  signedOn: true,
  signingOn: false,
  reader: { state: 'unavailable', reason: 'device gone 设备断开', since: '2026-11-30T10:00:00.000Z' },
  batch: '000001',
  host: {
    endpoint: '127.0.0.1:5000',
    connected: false,
    onBackup: true,
    lastOkAt: null,
    lastError: {
      code: 'HOST_TIMEOUT',
      cause: 'tls-handshake',
      message: 'no answer',
      at: '2026-11-30T10:00:01.000Z',
    },
  },
  link: {
    requests: 2 ** 40 + 3,
    responses: 7,
    timeouts: 1,
    disconnects: 0,
    connects: 2,
    connectFailures: 0,
    late: 0,
    stray: 0,
    badTpdu: 0,
    badFrames: 0,
    failovers: 1,
    failbacks: 0,
  },
  journal: { writable: true, heldOutcomes: 0, freeBytes: 123_456_789_012, minFreeBytes: 0, lowSpace: false },
  owed: { reversals: 1, advices: 2, advicesInFlight: 0 },
  pendingReversals: 1,
  queued: 2,
};

/** The same status in protobufjs's own object form (wire enum names), as a reference encoding. */
const statusInWireTerms = {
  profile: 'emulator',
  terminalId: '12345678',
  signedOn: true,
  reader: {
    state: 'READER_STATE_UNAVAILABLE',
    reason: 'device gone 设备断开',
    since: '2026-11-30T10:00:00.000Z',
  },
  batch: '000001',
  host: {
    endpoint: '127.0.0.1:5000',
    onBackup: true,
    lastError: {
      code: 'HOST_TIMEOUT',
      cause: 'HOST_FAILURE_CAUSE_TLS_HANDSHAKE',
      message: 'no answer',
      at: '2026-11-30T10:00:01.000Z',
    },
  },
  link: { requests: 2 ** 40 + 3, responses: 7, timeouts: 1, connects: 2, failovers: 1 },
  journal: { writable: true, freeBytes: 123_456_789_012 },
  owed: { reversals: 1, advices: 2 },
  pendingReversals: 1,
  queued: 2,
};

function decodeBody(bytes: Uint8Array): Record<string, unknown> {
  const d = decodeEnvelope(bytes.subarray(bytes[0] & 0x80 ? 2 : 1));
  if (!d.ok) throw new Error('does not decode');
  return fromWire(EnvelopeType, d.env.message);
}

describe('control codec', () => {
  it('encodes a status to the bytes protobufjs makes from the message in wire terms', () => {
    const ours = encodeEnvelope(9, 'response', { status });
    const reference = EnvelopeType.encodeDelimited(
      EnvelopeType.fromObject({ id: 9, response: { status: statusInWireTerms } }),
    ).finish();
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(reference).toString('hex'));
  });

  it('maps a status back to itself: nulls, enums, int64 over 2^32, CJK text', () => {
    const back = decodeBody(encodeEnvelope(9, 'response', { status })) as { response: { status: unknown } };
    expect(back.response.status).toEqual(status);
  });

  it('keeps a 64-bit request id exactly, and names the body case', () => {
    const Long = protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): never };
    const id = Long.fromString('18446744073709551615', true);
    const bytes = encodeEnvelope(id, 'response', { status });
    const d = decodeEnvelope(bytes.subarray(2));
    expect(d.ok && String(d.env.id)).toBe('18446744073709551615');
    expect(d.ok && d.env.body).toBe('response');
  });

  it('an enum value the schema does not have reads back as unspecified', () => {
    const odd = { ...status, reader: { state: 'sideways' as never } };
    const back = decodeBody(encodeEnvelope(1, 'response', { status: odd })) as {
      response: { status: RuntimeStatus };
    };
    expect(back.response.status.reader).toEqual({ state: 'unspecified' });
  });

  it('a value that is not an object where a message belongs throws (the server answers CONTROL_INTERNAL)', () => {
    expect(() => encodeEnvelope(1, 'response', { status: { ...status, host: 'up' } })).toThrow(TypeError);
    expect(() => encodeEnvelope(1, 'nonsense', {})).toThrow(TypeError);
  });

  it('a repeated message list and an absent optional field', () => {
    const rows = [
      {
        type: 'advice',
        id: 3,
        state: 'pending',
        stan: '000123',
        amountMinor: 1250,
        maskedPan: null,
        ageS: 60,
        attempts: 0,
        lastResult: null,
      },
    ];
    const back = decodeBody(encodeEnvelope(2, 'response', { queueList: { rows } })) as {
      response: { queueList: { rows: unknown[] } };
    };
    expect(back.response.queueList.rows).toEqual(rows);
  });
});
