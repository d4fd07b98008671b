import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { TargetType, type Browser, type Page } from 'puppeteer-core';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, type InstallKind } from '../../src/shared/identity.js';
import { builtExtensionDir, hostCommandLine } from './paths.js';

/**
 * The real-browser bench: Debian's Chromium with the built extension (its fixed development key
 * gives a stable id), a fresh profile per launch, and optionally the real host installed into
 * that profile through `eattest-host install --profile` (the built host, or a packaged one).
 */

export const extensionId = DEVELOPMENT_CHROMIUM_EXTENSION_ID;
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface ExtensionBrowser {
  browser: Browser;
  profileDir: string;
  stateDir: string;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  installHost: boolean;
  /** The kind of host install: development (the default), since the built extension is the development build. */
  installKind?: InstallKind;
  /** A host state directory provisioned beforehand (certificate imported, simulator configured). */
  stateDir?: string;
  /** Extra environment for the browser, inherited by the host it starts. */
  env?: Record<string, string>;
  /** Another build of the extension (e.g. a copy with host permissions granted up front); same key, same id. */
  extensionDir?: string;
  /** The profile of an earlier launch, for a browser started again (it stays when this one closes). */
  profileDir?: string;
  /** A packaged host (scripts/package-host.ts, or the one a .deb installed) that installs itself, instead of the built one under this Node. */
  hostExecutable?: string | undefined;
}

export async function launchWithExtension(options: LaunchOptions): Promise<ExtensionBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const extensionDir = options.extensionDir ?? builtExtensionDir;
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error('the extension is not built: run npm run build');
  const workDir = mkdtempSync(join(tmpdir(), 'eattest-e2e-'));
  const profileDir = options.profileDir ?? join(workDir, 'profile');
  const stateDir = options.stateDir ?? join(workDir, 'host-state');
  if (options.installHost) {
    const kindOption = (options.installKind ?? 'development') === 'development' ? ['--development'] : [];
    const [command, ...hostArgs] = hostCommandLine(options.hostExecutable);
    execFileSync(command, [...hostArgs, 'install', '--browser', 'chromium', '--profile', profileDir, '--state-dir', stateDir, ...kindOption], { stdio: 'pipe' });
  }
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir: profileDir,
    enableExtensions: [extensionDir],
    pipe: true,
    env: { ...process.env, ...options.env },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
    ],
  });
  await browser.waitForTarget((target) => target.type() === TargetType.SERVICE_WORKER && target.url().startsWith(`chrome-extension://${extensionId}/`), { timeout: 20_000 });
  return {
    browser,
    profileDir,
    stateDir,
    async openExtensionPage(path: string) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close() {
      await browser.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
