/**
 * `npm start`: builds the product, installs the native host into a dedicated Chromium profile
 * (.demo-profile/, so the clinician's own browser is untouched) and opens Chromium with the
 * extension. With a display it opens a window and waits until it is closed; without one, or with
 * `--headless`, it walks through the clinician's states headless, prints what it shows and saves a
 * screenshot of each (demo/walkthrough.ts).
 * Beside it runs the demo EHRs (demo/ehr-server.ts, http://127.0.0.1:8765/); the demo profile's copy
 * of the extension has that origin granted up front, as a clinician would grant their EHR's site.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer, { TargetType } from 'puppeteer-core';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID } from '../src/shared/identity.js';
import { builtHostScript, repoRoot } from '../tests/support/paths.js';
import { writeGrantedExtension } from '../tests/support/granted-extension.js';
import { defaultPkiDir, ensureTestPki } from '../simulator/pki/test-pki.js';
import { startSimulator, type Simulator } from '../simulator/src/server.js';
import { startEhrServer, type EhrServer } from './ehr-server.js';
import { provisionDemoHost } from './provision.js';
import { runWalkthrough } from './walkthrough.js';

const { values } = parseArgs({ options: { headless: { type: 'boolean', default: false }, 'skip-build': { type: 'boolean', default: false } } });
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasDisplay = Boolean(process.env['DISPLAY'] ?? process.env['WAYLAND_DISPLAY']);
const headless = values.headless || !hasDisplay;
const demoDir = join(repoRoot, '.demo-profile');
const profileDir = join(demoDir, 'chromium');
const stateDir = join(demoDir, 'host-state');
const extensionId = DEVELOPMENT_CHROMIUM_EXTENSION_ID;

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
// A development install: the demo runs the development build, whose id comes from the public key.
step(`installing the native host into the demo profile (${profileDir}), for the development build`);
execFileSync(process.execPath, [builtHostScript, 'install', '--browser', 'chromium', '--profile', profileDir, '--state-dir', stateDir, '--development'], { stdio: 'inherit' });

step('making the test PKI (first run only) and starting the MyCareNet simulator');
const pki = await ensureTestPki(defaultPkiDir);
const simulator: Simulator = await startSimulator({ pki, port: 8443 }).catch(() => startSimulator({ pki }));
step(`MyCareNet simulator on ${simulator.url}`);
provisionDemoHost({ stateDir, pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
step(`demo clinician: ${pki.clinicians.doctorRsa.identity.givenName} ${pki.clinicians.doctorRsa.identity.surname} (test certificate, simulator only)`);

step('starting the demo EHRs');
const ehr: EhrServer = await startEhrServer({ port: 8765 }).catch(() => startEhrServer());
step(`demo EHRs on ${ehr.origin}/ (MediSPA, TableMed, DentaChart)`);
const demoExtensionDir = join(demoDir, 'extension');
writeGrantedExtension(demoExtensionDir, ['http://127.0.0.1/*']);

step(`opening Chromium${headless ? ' (headless)' : ''} with the extension`);
const browser = await puppeteer.launch({
  executablePath: chromiumPath,
  headless,
  userDataDir: profileDir,
  enableExtensions: [demoExtensionDir],
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
// The popup's status dot: its label, and the line of what to do when something is wrong.
const shown = await page.$eval('[data-testid="host-status"]', (element) =>
  [element.querySelector('[data-testid="host-dot"]')?.getAttribute('aria-label') ?? '', (element as HTMLElement).innerText].join(' ').replace(/\s+/g, ' ').trim(),
);
step(`popup: ${shown}`);

const ehrPage = await browser.newPage();
await ehrPage.goto(`${ehr.origin}/medispa/patients/p1`);

if (headless) {
  await runWalkthrough({ browser, ehr, simulator, extensionId, screenshotDir: join(demoDir, 'screenshots'), step });
  await browser.close();
  await ehr.close();
  await simulator.close();
} else {
  step('Chromium is open; close its window to stop the demo.');
  await new Promise<void>((resolve) => browser.on('disconnected', () => resolve()));
  await ehr.close();
  await simulator.close();
}
