import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STREAM_REFUSED_EXIT_CODE } from '../../native-host/src/host-session.js';
import { MAX_BROWSER_TO_HOST_BYTES } from '../../src/shared/limits.js';
import { frameHeader, hello, startHost, type HostProcess } from '../support/host-process.js';

/**
 * Finding 10 (framing): after a frame length over the limit the host neither resynced nor closed;
 * it skipped that many bytes, so a bogus length (0xFFFFFFFF) swallowed everything after it. The
 * built host, over real pipes, now answers a typed error, reads no further and exits cleanly.
 */
describe('a frame length over the limit', () => {
  let host: HostProcess | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('refuses an oversized frame length with a typed error, reads no further and exits cleanly', async () => {
    host = startHost();
    await hello(host);
    const size = MAX_BROWSER_TO_HOST_BYTES + 10;
    host.sendRaw(Buffer.concat([frameHeader(size), Buffer.alloc(65_537, 0x20)]));
    const refused = await host.nextReply((reply) => reply.id === null);
    expect(!refused.ok && refused.error.code).toBe('MESSAGE_TOO_LARGE');
    expect(await host.exited).toBe(STREAM_REFUSED_EXIT_CODE);
    // A clean exit: no uncaught exception, no stack on stderr, and the log says why.
    expect(host.stderrText()).not.toMatch(/\n\s+at /);
    const log = readFileSync(join(host.stateDir, 'host.log'), 'utf8');
    expect(log).toContain('refused an oversized message; closing the session');
    expect(log).not.toContain('uncaught exception');
  });

  it('exits on a 0xFFFFFFFF length sent before the handshake', async () => {
    host = startHost();
    host.sendRaw(frameHeader(0xffffffff));
    expect(await host.nextReply()).toMatchObject({ id: null, ok: false, error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(await host.exited).toBe(STREAM_REFUSED_EXIT_CODE);
    expect(host.stderrText()).not.toMatch(/\n\s+at /);
  });
});
