import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { launchWithExtension, type ExtensionBrowser } from '../support/chromium.js';

const POPUP = 'src/popup/index.html';

describe('popup host status in Chromium', () => {
  let session: ExtensionBrowser | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('shows "connected" and the host version when the host is installed in the profile', async () => {
    session = await launchWithExtension({ installHost: true });
    const page = await session.openExtensionPage(POPUP);
    const status = await page.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-state'))).toBe('connected');
    expect(await page.$eval('[data-testid="host-version"]', (el) => el.textContent)).toBe(PRODUCT_VERSION);
    expect(await page.$eval('[data-testid="host-status"]', (el) => el.textContent)).toContain('Connected to the eAttest host');
    expect(await page.$eval('[data-testid="host-environment"]', (el) => el.textContent)).toContain('Simulator');
    // The host really ran, as the browser's child, with the state directory the installer baked in.
    const log = readFileSync(join(session.stateDir, 'host.log'), 'utf8');
    expect(log).toContain('"message":"host started"');
    expect(log).toContain('kpghmhnplncbdjmflbikfegpgigphlfp');
  });

  it('shows the install instructions when no host is installed', async () => {
    session = await launchWithExtension({ installHost: false });
    const page = await session.openExtensionPage(POPUP);
    const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
    expect(await status?.evaluate((el) => el.getAttribute('data-error-code'))).toBe('HOST_NOT_INSTALLED');
    const text = await page.$eval('[data-testid="host-status"]', (el) => el.textContent);
    expect(text).toContain('not installed');
    expect(text).toContain('eattest-host install');
  });
});
