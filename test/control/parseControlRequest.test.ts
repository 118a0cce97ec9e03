import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { echo, parseControlRequest } from '../../src/control/parseControlRequest.js';
import { isPosError } from '../../src/errors.js';

describe('parseControlRequest', () => {
  it('accepts a request with or without id and params', () => {
    expect(parseControlRequest('{"id":1,"method":"sale","params":{"amountMinor":5}}')).toEqual({
      ok: true,
      request: { id: 1, method: 'sale', params: { amountMinor: 5 } },
    });
    expect(parseControlRequest(Buffer.from('{"method":"status"}'))).toEqual({
      ok: true,
      request: { id: null, method: 'status', params: {} },
    });
  });

  it('echo() of a client string for a message masks card numbers and bounds the length', () => {
    expect(echo('6212345600000012')).not.toContain('6212345600000012');
    expect(echo('x'.repeat(100))).toHaveLength(40 + 5);
  });

  it('any bytes give a request or a CONTROL_BAD_REQUEST, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = parseControlRequest(bytes);
        if (!r.ok) expect(isPosError(r.error, 'CONTROL_BAD_REQUEST')).toBe(true);
      }),
    );
  });

  it('any JSON value gives a request only when it is an object with a string method', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            { id: fc.jsonValue(), method: fc.jsonValue(), params: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
        (v) => {
          const r = parseControlRequest(JSON.stringify(v) ?? 'null');
          const obj = v as { id?: unknown; method?: unknown; params?: unknown };
          const valid =
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            typeof obj.method === 'string' &&
            obj.method !== '' &&
            (obj.id === undefined || obj.id === null || ['number', 'string'].includes(typeof obj.id)) &&
            (obj.params === undefined ||
              (typeof obj.params === 'object' && obj.params !== null && !Array.isArray(obj.params)));
          expect(r.ok).toBe(valid);
          if (!r.ok) expect(r.error.code).toBe('CONTROL_BAD_REQUEST');
        },
      ),
    );
  });
});
