import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../native-host/src/framing.js';
import { HOST_PROTOCOL_RANGE, HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { frameHeader, hello, startHost, type HostProcess } from '../support/host-process.js';

/** The built host as the browser runs it: a child process speaking frames over real pipes. */
describe('native host process', () => {
  let host: HostProcess | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('completes the handshake and answers status', async () => {
    host = startHost();
    // With no journal yet, its head is the empty one, anchored.
    const journalHead = { seq: 0, hash: '0'.repeat(64), anchor: 'matches' };
    expect(await hello(host)).toEqual({ id: 't1', ok: true, result: { hostVersion: PRODUCT_VERSION, protocolVersion: HOST_PROTOCOL_VERSION, protocolRange: HOST_PROTOCOL_RANGE, journalHead } });
    const status = await host.request('status', {});
    expect(status.ok).toBe(true);
    expect(status.ok && status.result).toMatchObject({ hostVersion: PRODUCT_VERSION, environment: 'simulator', certificate: null, journalHead });
  });

  it('answers status from the certificate summary without loading the command modules', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'eattest-host-'));
    writeFileSync(join(stateDir, 'config.json'), JSON.stringify({ keystore: { file: join(stateDir, 'keystore.p12'), passwordStore: 'file' } }));
    const summary = { subject: 'CN=SSIN=78031412448, C=BE', ssin: '78031412448', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2099-01-01T00:00:00.000Z', daysToExpiry: 0 };
    writeFileSync(join(stateDir, 'certificate.json'), JSON.stringify({ summary, encryptionAliases: [], keyType: 'rsa' }));
    host = startHost({ stateDir });
    await hello(host);
    const status = await host.request('status', {});
    expect(status.ok && status.result).toMatchObject({ certificate: { ...summary, daysToExpiry: expect.any(Number) as number } });
    expect(status.ok && (status.result as { certificate: { daysToExpiry: number } }).certificate.daysToExpiry).toBeGreaterThan(20_000);
    // The heavy modules (node-forge, pkijs, xml-crypto) load on the first other command only.
    expect(readFileSync(join(stateDir, 'host.log'), 'utf8')).not.toContain('host services loaded');
    expect((await host.request('journalDay', { date: '2026-11-30' })).ok).toBe(true);
    expect(readFileSync(join(stateDir, 'host.log'), 'utf8')).toContain('host services loaded');
  });

  it('tells a too-new extension to wait for the host: update the host to the extension\'s version', async () => {
    host = startHost();
    const newer = HOST_PROTOCOL_RANGE.max + 1;
    const reply = await hello(host, { protocolVersion: newer, protocolRange: { min: newer, max: newer + 1 }, extensionVersion: '9.0.0' });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatchObject({
      code: 'HOST_VERSION_MISMATCH',
      details: { update: 'host', toVersion: '9.0.0', hostVersion: PRODUCT_VERSION, hostProtocolMin: HOST_PROTOCOL_RANGE.min, hostProtocolMax: HOST_PROTOCOL_RANGE.max },
    });
    // Still before the handshake: nothing else is answered.
    const status = await host.request('status', {});
    expect(!status.ok && status.error.code).toBe('INVALID_MESSAGE');
  });

  it('tells a too-old extension (today\'s protocol-1 hello, without a range) to update the extension to the host\'s version', async () => {
    host = startHost();
    const reply = await host.request('hello', { protocolVersion: 1, extensionVersion: '0.0.9' });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatchObject({
      code: 'HOST_VERSION_MISMATCH',
      details: { update: 'extension', toVersion: PRODUCT_VERSION, extensionVersion: '0.0.9', extensionProtocolMin: 1, extensionProtocolMax: 1 },
    });
    expect(readFileSync(join(host.stateDir, 'host.log'), 'utf8')).toContain('protocol version mismatch');
  });

  it('speaks the highest version both know with an extension whose range reaches beyond the host\'s', async () => {
    host = startHost();
    const reply = await hello(host, { protocolVersion: HOST_PROTOCOL_RANGE.max + 3, protocolRange: { min: HOST_PROTOCOL_RANGE.min, max: HOST_PROTOCOL_RANGE.max + 3 } });
    expect(reply.ok && reply.result).toMatchObject({ protocolVersion: HOST_PROTOCOL_RANGE.max, protocolRange: HOST_PROTOCOL_RANGE });
  });

  it('answers bad input with typed errors and stays up', async () => {
    host = startHost();
    await hello(host);
    host.sendRaw(Buffer.concat([frameHeader(9), Buffer.from('{not json')]));
    const invalid = await host.nextReply((reply) => reply.id === null);
    expect(!invalid.ok && invalid.error.code).toBe('INVALID_MESSAGE');

    const unknown = await host.request('format-disk', {});
    expect(!unknown.ok && unknown.error.code).toBe('UNKNOWN_COMMAND');

    const extraKey = await host.request('status', { verbose: true });
    expect(!extraKey.ok && extraKey.error.code).toBe('INVALID_MESSAGE');
    expect(!extraKey.ok && String(extraKey.error.details?.['issues'])).toContain('verbose');

    host.send({ id: 'x1', command: 'status', params: {}, sneaky: 1 });
    const envelope = await host.nextReply((reply) => reply.id === 'x1');
    expect(!envelope.ok && envelope.error.code).toBe('INVALID_MESSAGE');

    expect((await host.request('status', {})).ok).toBe(true);
  });

  it('decodes several frames in one chunk and one frame split byte by byte', async () => {
    const running = startHost();
    host = running;
    await hello(running);
    const frame = (id: string) => {
      const body = Buffer.from(JSON.stringify({ id, command: 'status', params: {} }));
      return Buffer.concat([frameHeader(body.length), body]);
    };
    running.sendRaw(Buffer.concat([frame('a'), frame('b'), frame('c')]));
    const split = frame('d');
    for (const byte of split) running.sendRaw(Buffer.from([byte]));
    const replies = await Promise.all(['a', 'b', 'c', 'd'].map((id) => running.nextReply((reply) => reply.id === id)));
    expect(replies.map((reply) => reply.ok)).toEqual([true, true, true, true]);
  });

  it('writes nothing but frames on stdout and logs to its state directory', async () => {
    host = startHost();
    await hello(host);
    await host.request('status', {});
    host.child.stdin.end();
    expect(await host.exited).toBe(0);
    const decoder = new FrameDecoder(1024 * 1024);
    const frames = decoder.push(host.stdoutBytes());
    expect(frames.every((frame) => frame.kind === 'frame')).toBe(true);
    expect(frames).toHaveLength(2);
    expect(decoder.hasPartialFrame).toBe(false);
    const log = readFileSync(join(host.stateDir, 'host.log'), 'utf8');
    expect(log).toContain('host started');
    expect(log).toContain('browser closed the port');
  });

  it('exits when the browser closes the port', async () => {
    host = startHost();
    await hello(host);
    host.child.stdin.end();
    expect(await host.exited).toBe(0);
  });

  it('announces its idle exit, then exits after the idle timeout', async () => {
    host = startHost({ env: { EATTEST_IDLE_TIMEOUT_MS: '300' } });
    await hello(host);
    expect(await host.nextReply((reply) => reply.id === null)).toEqual({ id: null, ok: true, result: { notice: 'idle-exit' } });
    expect(await host.exited).toBe(0);
    expect(readFileSync(join(host.stateDir, 'host.log'), 'utf8')).toContain('idle timeout reached');
  });

  it('still serves a request that arrives just after its idle notice, and stays', async () => {
    host = startHost({ env: { EATTEST_IDLE_TIMEOUT_MS: '1000' } });
    await hello(host);
    expect(await host.nextReply((reply) => reply.id === null)).toEqual({ id: null, ok: true, result: { notice: 'idle-exit' } });
    const late = await host.request('status', {});
    expect(late.ok).toBe(true);
    // The request cancelled the exit: the host is still there well after the grace period.
    const exitedSoon = await Promise.race([host.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 800))]);
    expect(exitedSoon).toBe(false);
  });

  it('refuses a caller whose origin is not an allowed extension', async () => {
    host = startHost({ args: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/'] });
    const refusal = await host.nextReply();
    expect(refusal).toMatchObject({ id: null, ok: false, error: { code: 'CALLER_NOT_ALLOWED' } });
    expect(await host.exited).toBe(1);
  });

  it('reports an invalid configuration with a typed error', async () => {
    host = startHost({ env: { EATTEST_IDLE_TIMEOUT_MS: 'soon' } });
    const refusal = await host.nextReply();
    expect(refusal).toMatchObject({ id: null, ok: false, error: { code: 'HOST_MISCONFIGURED' } });
    expect(await host.exited).toBe(1);
  });
});
