import { describe, expect, it } from 'vitest';
import { commandHandlers } from '../../native-host/src/commands/index.js';
import type { CommandContext, CommandTable } from '../../native-host/src/commands/context.js';
import { Dispatcher } from '../../native-host/src/dispatch.js';
import type { Logger } from '../../native-host/src/log.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, string | number | boolean> | undefined;
}

function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  return { log, lines };
}

function fakeContext(): { context: CommandContext; lines: LogLine[] } {
  const { log, lines } = recordingLogger();
  const context: CommandContext = {
    config: hostConfigSchema.parse({ idleTimeoutMs: 60000 }),
    stateDir: '/nonexistent/eattest-test-state',
    log,
    caller: { browserFamily: 'chromium', extensionId: 'kpghmhnplncbdjmflbikfegpgigphlfp' },
    startedAt: Date.now() - 5000,
    certificateSummary: () => null,
    // Never reached by these tests: no command here talks to eHealth.
    ehealth: new EhealthServices(hostConfigSchema.parse({}), new CertificateCustody(hostConfigSchema.parse({}), '/nonexistent'), log),
  };
  return { context, lines };
}

function body(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function hello(id = 'h1', protocolRange: { min: number; max: number } = HOST_PROTOCOL_RANGE): Buffer {
  return body({ id, command: 'hello', params: { protocolVersion: protocolRange.max, protocolRange, extensionVersion: PRODUCT_VERSION } });
}

function expectError(reply: HostReply): Extract<HostReply, { ok: false }>['error'] {
  if (reply.ok) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return reply.error;
}

function expectResult(reply: HostReply): unknown {
  if (!reply.ok) throw new Error(`expected a success reply, got ${JSON.stringify(reply)}`);
  return reply.result;
}

describe('Dispatcher', () => {
  it('answers invalid JSON with a null id and INVALID_MESSAGE', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(Buffer.from('{"id":"1", nope', 'utf8'));
    expect(reply.id).toBeNull();
    expect(expectError(reply).code).toBe('INVALID_MESSAGE');
  });

  it('keeps a readable id when the envelope is wrong', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(body({ id: 'r9', command: 'status' }));
    expect(reply.id).toBe('r9');
    expect(expectError(reply).code).toBe('INVALID_MESSAGE');
    const noId = await dispatcher.handle(body({ id: 42, command: 'status', params: {} }));
    expect(noId.id).toBeNull();
    expect(expectError(noId).code).toBe('INVALID_MESSAGE');
    const notObject = await dispatcher.handle(body([1, 2]));
    expect(notObject.id).toBeNull();
  });

  it('refuses status before hello, with the request id', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(body({ id: 's1', command: 'status', params: {} }));
    expect(reply.id).toBe('s1');
    const error = expectError(reply);
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.details).toEqual({ command: 'status' });
  });

  it('completes the handshake with the matching protocol version', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(hello('h1'));
    expect(reply.id).toBe('h1');
    // The journal's head comes with the handshake (an empty journal here): the extension's anchor starts from it.
    expect(expectResult(reply)).toEqual({
      hostVersion: PRODUCT_VERSION,
      protocolVersion: HOST_PROTOCOL_VERSION,
      protocolRange: HOST_PROTOCOL_RANGE,
      journalHead: { seq: 0, hash: '0'.repeat(64), anchor: 'matches' },
    });
  });

  it('refuses a too-new extension, naming the host as the side to update, and stays before the handshake', async () => {
    const { context, lines } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const newer = HOST_PROTOCOL_RANGE.max + 1;
    const reply = await dispatcher.handle(hello('h1', { min: newer, max: newer }));
    expect(reply.id).toBe('h1');
    const error = expectError(reply);
    expect(error.code).toBe('HOST_VERSION_MISMATCH');
    expect(error.details).toMatchObject({ update: 'host', toVersion: PRODUCT_VERSION, hostProtocolMax: HOST_PROTOCOL_RANGE.max, extensionProtocolMin: newer });
    expect(lines.map((line) => line.level)).toEqual(['warn']);
    const status = await dispatcher.handle(body({ id: 's1', command: 'status', params: {} }));
    expect(expectError(status).code).toBe('INVALID_MESSAGE');
  });

  it('refuses a too-old extension (a protocol-1 hello, without a range), naming the extension as the side to update', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(body({ id: 'h1', command: 'hello', params: { protocolVersion: 1, extensionVersion: '0.0.9' } }));
    expect(expectError(reply)).toMatchObject({ code: 'HOST_VERSION_MISMATCH', details: { update: 'extension', toVersion: PRODUCT_VERSION, extensionVersion: '0.0.9' } });
  });

  it('agrees on the highest version both speak when the ranges overlap', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(hello('h1', { min: HOST_PROTOCOL_RANGE.min, max: HOST_PROTOCOL_RANGE.max + 2 }));
    expect(expectResult(reply)).toMatchObject({ protocolVersion: HOST_PROTOCOL_RANGE.max });
  });

  it('refuses a range whose min exceeds its max as a malformed hello', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(hello('h1', { min: 5, max: 3 }));
    expect(expectError(reply).code).toBe('INVALID_MESSAGE');
  });

  it('answers status after hello', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 's1', command: 'status', params: {} }));
    expect(reply.id).toBe('s1');
    const result = expectResult(reply);
    expect(result).toMatchObject({
      hostVersion: PRODUCT_VERSION,
      protocolVersion: HOST_PROTOCOL_VERSION,
      environment: 'simulator',
      certificate: null,
      // The profession it signs in as (configured; doctor by default): the popup checks a draft against its rules.
      profession: 'doctor',
    });
    expect((result as { uptimeMs: number }).uptimeMs).toBeGreaterThanOrEqual(5000);
  });

  it('answers an unknown command with UNKNOWN_COMMAND', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 'x1', command: 'deleteEverything', params: {} }));
    expect(reply.id).toBe('x1');
    const error = expectError(reply);
    expect(error.code).toBe('UNKNOWN_COMMAND');
    expect(error.details).toEqual({ command: 'deleteEverything' });
  });

  it('does not treat inherited property names as commands', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 'x2', command: 'constructor', params: {} }));
    expect(expectError(reply).code).toBe('UNKNOWN_COMMAND');
  });

  it('refuses an extra key in params and names it', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 's2', command: 'status', params: { sneaky: 1 } }));
    expect(reply.id).toBe('s2');
    const error = expectError(reply);
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(error.details?.['command']).toBe('status');
    expect(String(error.details?.['issues'])).toContain('sneaky');
  });

  it('refuses an extra key at the top level', async () => {
    const { context } = fakeContext();
    const dispatcher = new Dispatcher(commandHandlers, context);
    const reply = await dispatcher.handle(body({ id: 'h9', command: 'hello', params: {}, admin: true }));
    expect(reply.id).toBe('h9');
    const error = expectError(reply);
    expect(error.code).toBe('INVALID_MESSAGE');
    expect(String(error.details?.['issues'])).toContain('admin');
  });

  it('turns a plain Error thrown by a handler into INTERNAL without leaking its text', async () => {
    const { context, lines } = fakeContext();
    const secret = 'PIN 1234 for /home/dr/secret.p12';
    const table: CommandTable = {
      ...commandHandlers,
      status: () => {
        throw new TypeError(secret);
      },
    };
    const dispatcher = new Dispatcher(table, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 's3', command: 'status', params: {} }));
    expect(reply.id).toBe('s3');
    const error = expectError(reply);
    expect(error.code).toBe('INTERNAL');
    expect(JSON.stringify(reply)).not.toContain('1234');
    expect(JSON.stringify(reply)).not.toContain('secret.p12');
    // The log gets the error's name only, never its message.
    expect(lines).toEqual([{ level: 'error', message: 'command failed', fields: { command: 'status', error: 'TypeError' } }]);
  });

  it('refuses to send a result that breaks its schema', async () => {
    const { context, lines } = fakeContext();
    const table: CommandTable = {
      ...commandHandlers,
      status: (_params, ctx) => ({
        hostVersion: PRODUCT_VERSION,
        protocolVersion: HOST_PROTOCOL_VERSION,
        environment: ctx.config.environment,
        certificate: null,
        uptimeMs: -5,
      }),
    };
    const dispatcher = new Dispatcher(table, context);
    expectResult(await dispatcher.handle(hello()));
    const reply = await dispatcher.handle(body({ id: 's4', command: 'status', params: {} }));
    expect(reply.id).toBe('s4');
    expect(expectError(reply).code).toBe('INTERNAL');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toBe('handler produced an invalid result');
    expect(String(lines[0]?.fields?.['issues'])).toContain('uptimeMs');
  });

  it('refuses a result with an extra key, from an async handler', async () => {
    const { context } = fakeContext();
    const table: CommandTable = {
      ...commandHandlers,
      hello: () => Promise.resolve({ hostVersion: PRODUCT_VERSION, protocolVersion: HOST_PROTOCOL_VERSION, debug: 'x' } as never),
    };
    const dispatcher = new Dispatcher(table, context);
    const reply = await dispatcher.handle(hello());
    expect(expectError(reply).code).toBe('INTERNAL');
    // The handshake did not complete.
    const status = await dispatcher.handle(body({ id: 's5', command: 'status', params: {} }));
    expect(expectError(status).code).toBe('INVALID_MESSAGE');
  });
});
