import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  ERROR_CODES,
  describeZodIssues,
  errorMessageKeys,
  errorPayloadSchema,
  toErrorPayload,
  type ErrorPayload,
} from '../../src/shared/errors.js';
import {
  HOST_COMMAND_NAMES,
  hostReplySchema,
  hostRequestSchema,
  isHostCommandName,
  statusResultSchema,
} from '../../src/shared/host-protocol.js';

const validStatus = {
  hostVersion: '0.1.0',
  protocolVersion: 1,
  environment: 'simulator',
  certificate: null,
  uptimeMs: 1200,
};

const validCertificate = {
  subject: 'CN=Dr Example, SERIALNUMBER=85073003328',
  ssin: '85073003328',
  notBefore: '2024-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  daysToExpiry: 400,
};

describe('hostRequestSchema', () => {
  it('accepts a hello request', () => {
    const request = { id: '1', command: 'hello', params: { protocolVersion: 1, extensionVersion: '0.1.0' } };
    const parsed = hostRequestSchema.safeParse(request);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(request);
  });

  it('accepts a status request with empty params', () => {
    const parsed = hostRequestSchema.safeParse({ id: 'abc', command: 'status', params: {} });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.command).toBe('status');
  });

  it('rejects an unknown key at the top level', () => {
    const parsed = hostRequestSchema.safeParse({ id: '1', command: 'status', params: {}, extra: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.code)).toContain('unrecognized_keys');
  });

  it('rejects an unknown key in params', () => {
    const hello = hostRequestSchema.safeParse({
      id: '1',
      command: 'hello',
      params: { protocolVersion: 1, extensionVersion: '0.1.0', admin: true },
    });
    expect(hello.success).toBe(false);
    const status = hostRequestSchema.safeParse({ id: '1', command: 'status', params: { verbose: true } });
    expect(status.success).toBe(false);
    expect(status.error === undefined ? '' : describeZodIssues(status.error)).toContain('verbose');
  });

  it('rejects an unknown command', () => {
    expect(hostRequestSchema.safeParse({ id: '1', command: 'sign', params: {} }).success).toBe(false);
    expect(isHostCommandName('sign')).toBe(false);
    expect(isHostCommandName('toString')).toBe(false);
    expect(isHostCommandName('hello')).toBe(true);
    // Typed business commands only: the host never signs or seals opaque bytes handed to it.
    expect(HOST_COMMAND_NAMES).toEqual(['hello', 'status', 'warm', 'provider', 'insurability', 'dmgHolder', 'tariffs', 'attest', 'cancel', 'abandon', 'journalDay']);
  });

  it('rejects an empty or overlong id and bad hello params', () => {
    expect(hostRequestSchema.safeParse({ id: '', command: 'status', params: {} }).success).toBe(false);
    expect(hostRequestSchema.safeParse({ id: 'x'.repeat(65), command: 'status', params: {} }).success).toBe(false);
    expect(
      hostRequestSchema.safeParse({ id: '1', command: 'hello', params: { protocolVersion: 0, extensionVersion: '0.1.0' } }).success,
    ).toBe(false);
    expect(
      hostRequestSchema.safeParse({ id: '1', command: 'hello', params: { protocolVersion: 1.5, extensionVersion: '0.1.0' } }).success,
    ).toBe(false);
  });
});

describe('hostReplySchema', () => {
  it('accepts a success reply with any result', () => {
    const parsed = hostReplySchema.safeParse({ id: '7', ok: true, result: { anything: [1, 2] } });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual({ id: '7', ok: true, result: { anything: [1, 2] } });
  });

  it('accepts an error reply with a null id', () => {
    const reply = { id: null, ok: false, error: { code: 'CALLER_NOT_ALLOWED', message: 'no' } };
    const parsed = hostReplySchema.safeParse(reply);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(reply);
  });

  it('rejects a reply that mixes result and error, lacks ok, or carries extra keys', () => {
    expect(hostReplySchema.safeParse({ id: '1', ok: true, result: 1, error: { code: 'INTERNAL', message: '' } }).success).toBe(false);
    expect(hostReplySchema.safeParse({ id: '1', result: 1 }).success).toBe(false);
    expect(hostReplySchema.safeParse({ id: '1', ok: false, error: { code: 'INTERNAL', message: 'x' }, trace: 'x' }).success).toBe(false);
    expect(hostReplySchema.safeParse({ id: '1', ok: false, error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
  });
});

describe('statusResultSchema', () => {
  it('accepts a status without certificate', () => {
    expect(statusResultSchema.safeParse(validStatus).success).toBe(true);
  });

  it('accepts a status with a certificate summary', () => {
    const parsed = statusResultSchema.safeParse({ ...validStatus, environment: 'acceptance', certificate: validCertificate });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.certificate?.ssin).toBe('85073003328');
  });

  it('rejects missing fields, unknown environments, bad certificates and extra keys', () => {
    const withoutUptime: Partial<typeof validStatus> = { ...validStatus };
    delete withoutUptime.uptimeMs;
    expect(statusResultSchema.safeParse(withoutUptime).success).toBe(false);
    expect(statusResultSchema.safeParse({ ...validStatus, environment: 'staging' }).success).toBe(false);
    expect(statusResultSchema.safeParse({ ...validStatus, uptimeMs: -1 }).success).toBe(false);
    expect(statusResultSchema.safeParse({ ...validStatus, certificate: { ...validCertificate, ssin: '123' } }).success).toBe(false);
    expect(statusResultSchema.safeParse({ ...validStatus, certificate: { ...validCertificate, notAfter: 'tomorrow' } }).success).toBe(false);
    expect(statusResultSchema.safeParse({ ...validStatus, secret: 'x' }).success).toBe(false);
  });
});

describe('errorPayloadSchema', () => {
  it('accepts every known code', () => {
    for (const code of ERROR_CODES) {
      expect(errorPayloadSchema.safeParse({ code, message: 'm' }).success).toBe(true);
    }
  });

  it('rejects unknown codes and extra keys', () => {
    expect(errorPayloadSchema.safeParse({ code: 'EVERYTHING_IS_FINE', message: 'm' }).success).toBe(false);
    expect(errorPayloadSchema.safeParse({ code: 'internal', message: 'm' }).success).toBe(false);
    expect(errorPayloadSchema.safeParse({ code: 'INTERNAL', message: 'm', stack: 'at x' }).success).toBe(false);
  });

  it('accepts only flat, scalar details', () => {
    expect(errorPayloadSchema.safeParse({ code: 'INTERNAL', message: 'm', details: { a: 'x', b: 1, c: true, d: null } }).success).toBe(true);
    expect(errorPayloadSchema.safeParse({ code: 'INTERNAL', message: 'm', details: { nested: { a: 1 } } }).success).toBe(false);
  });
});

describe('AppError', () => {
  it('round-trips through its payload with details', () => {
    const original = new AppError('HOST_TIMEOUT', 'too slow', { command: 'status', timeoutMs: 30000 });
    const payload = original.toPayload();
    expect(payload).toEqual({ code: 'HOST_TIMEOUT', message: 'too slow', details: { command: 'status', timeoutMs: 30000 } });
    expect(errorPayloadSchema.safeParse(payload).success).toBe(true);
    const copy = AppError.fromPayload(payload);
    expect(copy).toBeInstanceOf(AppError);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.name).toBe('AppError');
    expect(copy.code).toBe('HOST_TIMEOUT');
    expect(copy.message).toBe('too slow');
    expect(copy.details).toEqual({ command: 'status', timeoutMs: 30000 });
    expect(copy.toPayload()).toEqual(payload);
  });

  it('omits details from the payload when there are none', () => {
    const payload = new AppError('INTERNAL', 'x').toPayload();
    expect(payload).toEqual({ code: 'INTERNAL', message: 'x' });
    expect('details' in payload).toBe(false);
    const copy = AppError.fromPayload(payload);
    expect(copy.details).toBeUndefined();
  });
});

describe('toErrorPayload', () => {
  it('passes an AppError through', () => {
    expect(toErrorPayload(new AppError('UNKNOWN_COMMAND', 'what', { command: 'x' }))).toEqual({
      code: 'UNKNOWN_COMMAND',
      message: 'what',
      details: { command: 'x' },
    });
  });

  it('hides the message of a plain Error', () => {
    const secret = 'password=hunter2 at /home/dr/.eattest/key.p12';
    const payload: ErrorPayload = toErrorPayload(new Error(secret));
    expect(payload.code).toBe('INTERNAL');
    expect(payload.message).toBe('An internal error occurred; see the log for details.');
    expect(JSON.stringify(payload)).not.toContain('hunter2');
    expect(payload.details).toBeUndefined();
  });

  it('turns non-Error throwables into INTERNAL as well', () => {
    expect(toErrorPayload('hunter2').code).toBe('INTERNAL');
    expect(JSON.stringify(toErrorPayload('hunter2'))).not.toContain('hunter2');
    expect(toErrorPayload(undefined).code).toBe('INTERNAL');
    expect(toErrorPayload({ code: 'HOST_FORBIDDEN', message: 'forged' }).code).toBe('INTERNAL');
  });
});

describe('helpers', () => {
  it('names the i18n keys of a code', () => {
    expect(errorMessageKeys('HOST_CRASHED')).toEqual({ what: 'error_HOST_CRASHED', next: 'error_HOST_CRASHED_next' });
  });

  it('describes zod issues with their paths, at most five', () => {
    const schema = z.strictObject({ a: z.string(), b: z.strictObject({ c: z.number() }) });
    const result = schema.safeParse({ a: 1, b: { c: 'x' } });
    expect(result.success).toBe(false);
    const text = result.error === undefined ? '' : describeZodIssues(result.error);
    expect(text).toMatch(/^a: .+; b\.c: .+$/);
    const many = z.array(z.string()).safeParse([1, 2, 3, 4, 5, 6, 7]);
    const manyText = many.error === undefined ? '' : describeZodIssues(many.error);
    expect(manyText.split('; ')).toHaveLength(5);
    const root = z.string().safeParse(1);
    expect(root.error === undefined ? '' : describeZodIssues(root.error)).toMatch(/^\(root\): /);
  });
});
