import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launcherScript, linuxSystemManifestDirectory } from '../../native-host/src/install/plan.js';
import { DEB_COMMAND_PATH, DEB_HOST_PATH, DEB_LAUNCHER_PATH } from '../../scripts/package-deb.js';
import { NATIVE_HOST_NAME } from '../../src/shared/identity.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { launchWithExtension } from '../support/chromium.js';
import { openPopupFromEhr, sendAndAwaitAcknowledgement, startFlowBench } from '../support/content-e2e.js';
import { dpkgInstall, packagedDeb } from '../support/packaged-deb.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * The .deb installed, and a real Chromium talking to the host it installed.
 *
 * The package is installed by dpkg itself into a scratch root (`dpkg --root`, with its own package
 * database) rather than into this machine, which runs other things; the files are those `dpkg -i`
 * puts in /, under the scratch folder. The Chromium under test cannot read the scratch root's
 * /etc/chromium/native-messaging-hosts (it reads the real one), but it reads a profile's
 * NativeMessagingHosts folder, so each case registers the installed host there:
 * - the .deb's own Chromium manifest (only its path made the scratch root's launcher): it allows the
 *   store extensions only, and no store extension can be loaded here (their keys are the stores'),
 *   so the development build must be refused by Chromium itself, before any host is started: the
 *   popup says the installed host does not accept this extension;
 * - the installed host registering itself for the development build, as a developer does it with
 *   the packaged command (`eattest-host install --development --profile`, run as the scratch root's
 *   /usr/bin/eattest-host): its launcher starts the .deb's executable, which imported the clinician's
 *   certificate, and the main flow reaches an acknowledgement number from the simulator over HTTPS.
 */

const POPUP = 'src/popup/index.html';
const ACK_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;
let root: string;

beforeAll(async () => {
  const { deb } = await packagedDeb();
  // Real: the launcher names the executable by its resolved path, which the test compares.
  root = realpathSync(mkdtempSync(join(tmpdir(), 'eattest-deb-chromium-')));
  dpkgInstall(deb, root);
}, 120_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('Chromium and the host the .deb installed', () => {
  it('refuses the development build through the .deb\'s own manifest, which names the store extensions only', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'eattest-deb-profile-'));
    const installed = JSON.parse(readFileSync(join(root, linuxSystemManifestDirectory('chromium'), `${NATIVE_HOST_NAME}.json`), 'utf8')) as Record<string, unknown>;
    mkdirSync(join(profileDir, 'NativeMessagingHosts'));
    writeFileSync(join(profileDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), JSON.stringify({ ...installed, path: join(root, DEB_LAUNCHER_PATH) }));
    const session = await launchWithExtension({ installHost: false, profileDir });
    try {
      const page = await session.openExtensionPage(POPUP);
      const status = await page.waitForSelector('[data-testid="host-status"][data-state="error"]', { timeout: 20_000 });
      // Chromium's "Access to the specified native messaging host is forbidden.", not a host that failed to start.
      expect(await status?.evaluate((element) => element.getAttribute('data-error-code'))).toBe('HOST_FORBIDDEN');
    } finally {
      await session.close();
      rmSync(profileDir, { recursive: true, force: true });
    }
  });

  it('serves the main flow once the installed command registered it: the acknowledgement number from the simulator', async () => {
    const bench = await startFlowBench({ clinician: (pki) => pki.clinicians.doctorRsa, hostExecutable: join(root, DEB_COMMAND_PATH) });
    try {
      const { session, ehr, simulator, pki, stateDir } = bench;
      // The browser starts the .deb's executable: the launcher `install` wrote names it, not this checkout's build.
      const manifest = JSON.parse(readFileSync(join(session.profileDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`), 'utf8')) as { path: string };
      const installedHost = join(root, DEB_HOST_PATH);
      expect(readFileSync(manifest.path, 'utf8')).toBe(launcherScript('linux', { nodePath: installedHost, hostScript: installedHost, kind: 'development', stateDir }));

      const page = await session.browser.newPage();
      await page.goto(`${ehr.origin}/medispa/patients/p1`);
      const popup = await openPopupFromEhr(session, page);
      expect(await popup.$eval('[data-testid="route-banner"]', (element) => element.getAttribute('data-route'))).toBe('eattest');
      expect(await sendAndAwaitAcknowledgement(popup)).toMatch(ACK_FORM);
      // The options page's diagnostics name the host that answered: the .deb's.
      const options = await session.openExtensionPage('src/options/index.html');
      await options.waitForSelector('[data-testid="host-status"][data-state="connected"]', { timeout: 20_000 });
      expect(await options.$eval('[data-testid="host-version"]', (element) => element.textContent)).toBe(PRODUCT_VERSION);
      expect(await simulatorAttestations(simulator.url, pki.caCert)).toHaveLength(1);
    } finally {
      await bench.close();
    }
  });
});
