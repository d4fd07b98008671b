import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { TargetType, type Browser, type Page, type Target } from 'puppeteer-core';
import { firefoxManifest, type BuiltManifest } from '../../scripts/package-extension.js';
import { STORE_EXTENSION_IDS } from '../../src/shared/identity.js';
import { writeGrantedExtension } from './granted-extension.js';
import { builtHostScript } from './paths.js';

/**
 * The real-browser bench in Firefox: Debian's Firefox ESR driven over WebDriver BiDi, the built
 * extension with Firefox's manifest (what `npm run package` puts in the .xpi) installed as a
 * temporary add-on, and the real host registered for Firefox in a scratch home
 * (`~/.mozilla/native-messaging-hosts`, the per-user location Firefox reads on Linux).
 */

export const firefoxPath = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

/**
 * Firefox gives each add-on a random moz-extension:// UUID per profile; the profile's
 * `extensions.webextensions.uuids` preference fixes it, so the tests know the extension's origin.
 */
const EXTENSION_UUID = '3c7e2a54-1f0b-4d8e-9a61-5b2f0c9d7e13';
export const firefoxExtensionOrigin = `moz-extension://${EXTENSION_UUID}`;

/**
 * A copy of the built extension as Firefox takes it: the granted origins up front (as for Chromium,
 * see granted-extension.ts; Firefox grants an MV3 add-on's host_permissions at install, so
 * permissions.getAll lists them like origins granted in the options page) and Firefox's manifest.
 */
export function writeFirefoxExtension(dir: string, origins: readonly string[]): void {
  writeGrantedExtension(dir, origins);
  const manifestPath = join(dir, 'manifest.json');
  const built = JSON.parse(readFileSync(manifestPath, 'utf8')) as BuiltManifest;
  writeFileSync(manifestPath, JSON.stringify(firefoxManifest(built), null, 2));
}

export interface FirefoxSession {
  browser: Browser;
  /** The scratch home Firefox runs in, with the host registered in it. */
  homeDir: string;
  /**
   * The next page the extension opens (its popup window, a receipt tab). BiDi reports an extension
   * page's URL as about:blank and refuses to navigate to one, so the page is known by its document.
   */
  waitForExtensionPage(open: () => Promise<void>, path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefoxWithExtension(options: {
  /** A host state directory provisioned beforehand (certificate imported, simulator configured); without one, no host is installed. */
  stateDir?: string;
  /** Web origins granted to the extension, as host-permission patterns. */
  grantedOrigins: readonly string[];
}): Promise<FirefoxSession> {
  if (!existsSync(firefoxPath)) throw new Error(`Firefox not found at ${firefoxPath}: apt-get install firefox-esr (or set FIREFOX_PATH)`);
  const workDir = mkdtempSync(join(tmpdir(), 'eattest-firefox-'));
  const extensionDir = join(workDir, 'extension');
  writeFirefoxExtension(extensionDir, options.grantedOrigins);
  // Everything per-user (host manifest, launcher, Firefox's own files) stays in the scratch home.
  const homeDir = join(workDir, 'home');
  const env = { ...process.env, HOME: homeDir, XDG_CONFIG_HOME: join(homeDir, '.config'), XDG_DATA_HOME: join(homeDir, '.local', 'share'), XDG_CACHE_HOME: join(homeDir, '.cache') };
  if (options.stateDir !== undefined) {
    execFileSync(process.execPath, [builtHostScript, 'install', '--browser', 'firefox', '--state-dir', options.stateDir, '--development'], { env, stdio: 'pipe' });
  }

  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    env,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [STORE_EXTENSION_IDS.firefoxAddons]: EXTENSION_UUID }),
      // Firefox lets action.openPopup open the toolbar popup without a user gesture; that panel is no
      // browsing context BiDi can reach. Without it, the product opens its popup page in a small
      // window instead (popup-opener.ts, the path for browsers without openPopup): the same page.
      'extensions.openPopupWithoutUserGesture.enabled': false,
    },
  });
  try {
    const installed = await browser.installExtension(extensionDir);
    if (installed !== STORE_EXTENSION_IDS.firefoxAddons) throw new Error(`Firefox installed the extension as ${installed}`);
  } catch (error) {
    await browser.close();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }

  return {
    browser,
    homeDir,
    async waitForExtensionPage(open, path) {
      const before = new Set<Target>(browser.targets());
      await open();
      const target = await browser.waitForTarget((candidate) => candidate.type() === TargetType.PAGE && !before.has(candidate), { timeout: 10_000 });
      const page = await target.asPage();
      await page.waitForFunction((url) => location.href.startsWith(url), { timeout: 10_000 }, `${firefoxExtensionOrigin}/${path}`);
      return page;
    },
    async close() {
      await browser.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
