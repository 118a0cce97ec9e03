/** The control API schema: embedded copy up to date, naming rules the mapping relies on, codec edges. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { CONTROL_PROTO, CONTROL_PROTO_PATH } from '../../src/control/controlProtoText.js';
import { DelimitedFramer } from '../../src/control/DelimitedFramer.js';
import { enumFromWire, enumToWire, lookupType, peekId } from '../../src/control/protoCodec.js';
import type { HostFailureCause } from '../../src/host/hostFailureCause.js';
import type { RuntimeEvent } from '../../src/runtime/RuntimeApi.js';
import type { SettlementResult } from '../../src/settlement/settleBatch.js';
import type { TxnKind } from '../../src/txn/types.js';
import { varint } from './protoKit.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

type TxnEventState = Extract<RuntimeEvent, { type: 'transaction' }>['state'];
type ReaderEventState = Extract<RuntimeEvent, { type: 'reader' }>['state'];

// Records over the TypeScript unions: tsc fails when a value is added without being listed here.
const TS_ENUMS: Record<string, Record<string, true>> = {
  TxnKind: { purchase: true, void: true, refund: true, inquiry: true, 'offline-sale': true } satisfies Record<
    TxnKind,
    true
  >,
  HostFailureCause: {
    dns: true,
    refused: true,
    reset: true,
    'network-unreachable': true,
    'connect-timeout': true,
    'tls-handshake': true,
    'tls-certificate': true,
    'tls-pin': true,
    'tls-config': true,
    silence: true,
    garbage: true,
    disconnected: true,
    'bad-mac': true,
    'key-check': true,
    'sign-on-refused': true,
    other: true,
  } satisfies Record<HostFailureCause, true>,
  TransactionEventState: {
    started: true,
    'card-read': true,
    sent: true,
    approved: true,
    declined: true,
    failed: true,
    'reversal-pending': true,
    reversed: true,
  } satisfies Record<TxnEventState, true>,
  ReaderEventState: {
    connected: true,
    unavailable: true,
    'card-presented': true,
    'card-removed': true,
  } satisfies Record<ReaderEventState, true>,
  SettlementOutcome: {
    balanced: true,
    uploaded: true,
    unbalanced: true,
    refused: true,
    failed: true,
  } satisfies Record<SettlementResult['outcome'], true>,
};

describe('control.proto', () => {
  it('the embedded copy is the .proto (run `npm run gen:proto` after editing it)', () => {
    expect(CONTROL_PROTO).toBe(readFileSync(join(root, 'src/proto', CONTROL_PROTO_PATH), 'utf8'));
  });

  it('every enum value is named ENUM_NAME_VALUE and 0 is ENUM_NAME_UNSPECIFIED', () => {
    const parsed = protobuf.parse(CONTROL_PROTO).root;
    const ns = parsed.lookup('posterm.v1') as protobuf.Namespace;
    const enums = ns.nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum);
    expect(enums.length).toBeGreaterThan(10);
    for (const e of enums) {
      const prefix = `${e.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_`;
      expect(e.valuesById[0], e.name).toBe(`${prefix}UNSPECIFIED`);
      for (const name of Object.keys(e.values)) expect(name.startsWith(prefix), name).toBe(true);
    }
  });

  it('every value of the TypeScript unions has its enum value, and maps back', () => {
    for (const [name, values] of Object.entries(TS_ENUMS)) {
      const e = (lookupType('Envelope').root as protobuf.Root).lookupEnum(`posterm.v1.${name}`);
      for (const v of Object.keys(values)) {
        const wire = enumToWire(e, v);
        expect(e.values[wire as string], `${name} ${v}`).toBeGreaterThan(0);
        expect(enumFromWire(e, e.values[wire as string])).toBe(v);
      }
      expect(enumFromWire(e, 999)).toBe('unspecified');
    }
  });
});

describe('framing edges', () => {
  it('a varint length of more than 10 bytes, or over the limit, stops the framer at once', () => {
    const f = new DelimitedFramer(100);
    expect(f.push(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]))).toEqual([
      { kind: 'too-large', bytes: 0 },
    ]);
    expect(f.push(Buffer.from([0x01, 0x00]))).toEqual([]);
    const g = new DelimitedFramer(100);
    expect(g.push(varint(101))).toEqual([{ kind: 'too-large', bytes: 101 }]);
    const h = new DelimitedFramer(100);
    expect(h.push(Buffer.concat([varint(100), Buffer.alloc(99)]))).toEqual([]);
    expect(h.end()).toEqual({ kind: 'truncated', have: 100, want: 100 });
  });

  it('peekId reads a leading id of a broken frame, else 0', () => {
    expect(String(peekId(Buffer.from([0x08, 0x96, 0x01, 0xff])))).toBe('150');
    expect(peekId(Buffer.from([0x12, 0x00]))).toBe(0);
    expect(peekId(Buffer.from([0x08, 0xff]))).toBe(0);
  });
});
