import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetType } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_HOST_NAME, type InstallKind } from '../../src/shared/identity.js';
import { HOST_PROTOCOL_VERSION, PRODUCT_VERSION } from '../../src/shared/version.js';
import { extensionId, launchWithExtension } from '../support/chromium.js';
import { repoRoot } from '../support/paths.js';

/**
 * Finding 3: a second, unpacked extension that copies the public `key` of our manifest.json gets
 * the development id. In real Chromium, with the host installed for that profile, it asks the host
 * for a hello. A production install (what clinicians get) lets only the published ids in, so
 * Chromium refuses; a development install lets it in, which shows the test can fail.
 */

const SERVICE_WORKER = `// A stranger's extension: nothing of ours but the copied key.
self.askHost = (message) => chrome.runtime.sendNativeMessage(${JSON.stringify(NATIVE_HOST_NAME)}, message);
`;

let extensionDir: string;
beforeAll(() => {
  const ours = JSON.parse(readFileSync(join(repoRoot, 'manifest.json'), 'utf8')) as { key: string };
  extensionDir = mkdtempSync(join(tmpdir(), 'eattest-copied-key-'));
  writeFileSync(
    join(extensionDir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'Copied key', version: '1.0', key: ours.key, permissions: ['nativeMessaging'], background: { service_worker: 'sw.js' } }),
  );
  writeFileSync(join(extensionDir, 'sw.js'), SERVICE_WORKER);
});
afterAll(() => rmSync(extensionDir, { recursive: true, force: true }));

/** What the copied-key extension gets when it asks the host for a hello: the host's reply, or Chromium's refusal. */
async function helloFromCopiedKey(installKind: InstallKind): Promise<{ reply?: unknown; refusal?: string }> {
  const session = await launchWithExtension({ installHost: true, installKind, extensionDir });
  try {
    const target = await session.browser.waitForTarget((candidate) => candidate.type() === TargetType.SERVICE_WORKER && candidate.url().startsWith(`chrome-extension://${extensionId}/`));
    const worker = await target.worker();
    if (worker === null) throw new Error('no service worker');
    return await worker.evaluate(
      async (message) => {
        try {
          return { reply: await (self as unknown as { askHost(message: unknown): Promise<unknown> }).askHost(message) };
        } catch (error) {
          return { refusal: error instanceof Error ? error.message : String(error) };
        }
      },
      { id: 'stranger', command: 'hello', params: { protocolVersion: HOST_PROTOCOL_VERSION, extensionVersion: PRODUCT_VERSION } },
    );
  } finally {
    await session.close();
  }
}

describe('a second extension with our copied key (Chromium, the real host)', () => {
  it('is refused by Chromium under a production install', async () => {
    const answer = await helloFromCopiedKey('production');
    expect(answer.reply).toBeUndefined();
    expect(answer.refusal).toMatch(/forbidden/i);
  });

  it('reaches the host under a development install (so the refusal above is the install’s doing)', async () => {
    const answer = await helloFromCopiedKey('development');
    expect(answer.refusal).toBeUndefined();
    expect(answer.reply).toMatchObject({ id: 'stranger', ok: true });
  });
});
