/**
 * `npm start`: builds the product, installs the native host into a dedicated Chromium profile
 * (.demo-profile/, so the clinician's own browser is untouched) and opens Chromium with the
 * extension. With a display it opens a window and waits until it is closed; without one, or with
 * `--headless`, it opens the popup headless, prints what it shows and saves a screenshot.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer, { TargetType } from 'puppeteer-core';
import { CHROMIUM_EXTENSION_IDS } from '../src/shared/identity.js';
import { builtExtensionDir, builtHostScript, repoRoot } from '../tests/support/paths.js';

const { values } = parseArgs({ options: { headless: { type: 'boolean', default: false }, 'skip-build': { type: 'boolean', default: false } } });
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasDisplay = Boolean(process.env['DISPLAY'] ?? process.env['WAYLAND_DISPLAY']);
const headless = values.headless || !hasDisplay;
const demoDir = join(repoRoot, '.demo-profile');
const profileDir = join(demoDir, 'chromium');
const stateDir = join(demoDir, 'host-state');
const extensionId = CHROMIUM_EXTENSION_IDS[0];

function step(text: string): void {
  process.stdout.write(`▸ ${text}\n`);
}

if (!existsSync(chromiumPath)) {
  process.stderr.write(`Chromium is not installed at ${chromiumPath}. On Debian or Ubuntu: sudo apt-get install -y chromium\n`);
  process.exit(1);
}
if (!values['skip-build']) {
  step('building the extension and the native host');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
}
mkdirSync(demoDir, { recursive: true });
step(`installing the native host into the demo profile (${profileDir})`);
execFileSync(process.execPath, [builtHostScript, 'install', '--browser', 'chromium', '--profile', profileDir, '--state-dir', stateDir], { stdio: 'inherit' });

step(`opening Chromium${headless ? ' (headless)' : ''} with the extension`);
const browser = await puppeteer.launch({
  executablePath: chromiumPath,
  headless,
  userDataDir: profileDir,
  enableExtensions: [builtExtensionDir],
  pipe: true,
  defaultViewport: null,
  args: [
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
  ],
});
await browser.waitForTarget((target) => target.type() === TargetType.SERVICE_WORKER && target.url().startsWith(`chrome-extension://${extensionId}/`));
const page = await browser.newPage();
await page.goto(`chrome-extension://${extensionId}/src/popup/index.html`);
await page.waitForSelector('[data-testid="host-status"]:not([data-state="loading"])', { timeout: 20_000 });
const shown = await page.$eval('[data-testid="host-status"]', (element) => (element as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
step(`popup: ${shown}`);

if (headless) {
  const screenshots = join(demoDir, 'screenshots');
  mkdirSync(screenshots, { recursive: true });
  const file = join(screenshots, 'popup.png');
  await page.setViewport({ width: 420, height: 360 });
  await page.screenshot({ path: file });
  step(`screenshot saved to ${file}`);
  await browser.close();
} else {
  step('Chromium is open; close its window to stop the demo.');
  await new Promise<void>((resolve) => browser.on('disconnected', () => resolve()));
}
