import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { BROWSERS, launcherScript, linuxSystemManifestDirectory } from '../../native-host/src/install/plan.js';
import { DEB_COMMAND_PATH, DEB_HOST_PATH, DEB_LAUNCHER_PATH, DEB_PACKAGE_NAME, debInstalledPaths } from '../../scripts/package-deb.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, INSTALL_KIND_VARIABLE, NATIVE_HOST_NAME, STORE_EXTENSION_IDS, chromiumOrigin } from '../../src/shared/identity.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { dpkgInstall, dpkgRemove, dpkgStatus, packagedDeb } from '../support/packaged-deb.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * The packaged host (`npm run package`: a Node single-executable application) run as the browser
 * runs it, with no Node and no program folder beside it: its command line, its own `install`, and
 * through the launcher that wrote, the handshake over native messaging (the certificate imported by
 * its own `certificate import`) and one real insurability consultation against the simulator over HTTPS.
 * Then the .deb, extracted into a scratch root: exactly its files, production manifests in the
 * browsers' system folders, and the installed host answering a store build of the extension; and
 * installed and removed by dpkg itself in a scratch root: removal leaves nothing behind.
 * The packaging is shared with tests/e2e/deb-chromium.test.ts (tests/support/packaged-deb.ts).
 */

const run = promisify(execFile);
let executable: string;
let deb: string;
let pki: TestPki;
let simulator: Simulator;
let host: HostProcess | undefined;

beforeAll(async () => {
  ({ executable, deb } = await packagedDeb());
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  await host?.stop();
  await simulator.close();
});

describe('the packaged host', () => {
  it('states its version', async () => {
    const { stdout } = await run(executable, ['--version']);
    expect(stdout.trim()).toBe(PRODUCT_VERSION);
  });

  it('runs doctor against its state folder', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'eattest-packaged-'));
    try {
      // Not installed for any browser nor given a certificate: doctor says so and exits 1.
      const failure: unknown = await run(executable, ['doctor'], { env: { ...process.env, HOME: stateDir, EATTEST_STATE_DIR: stateDir } }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ code: 1 });
      const { stdout } = failure as { stdout: string };
      expect(stdout).toContain(`state directory ${stateDir}`);
      expect(stdout).toContain('no eHealth certificate imported yet');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('installs itself for Chromium; its launcher answers the handshake and consults insurability over native messaging', async () => {
    const home = mkdtempSync(join(tmpdir(), 'eattest-packaged-home-'));
    const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url, executable });
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), EATTEST_STATE_DIR: stateDir };
    try {
      const installed = await run(executable, ['install', '--browser', 'chromium', '--development'], { env });
      const launcher = /^\s*launcher (.+)$/m.exec(installed.stdout)?.[1];
      expect(launcher).toBeDefined();
      const doctor: unknown = await run(executable, ['doctor', '--browser', 'chromium'], { env }).then(
        (result) => result,
        (error: unknown) => error,
      );
      expect((doctor as { stdout: string }).stdout).not.toMatch(/PROBLEM\s+chromium/);

      const packaged = startHost({ launcher: launcher ?? '', stateDir, env: { HOME: home } });
      host = packaged;
      const greeting = resultOf(await hello(packaged));
      expect(greeting).toMatchObject({ hostVersion: PRODUCT_VERSION });

      const patient = scenarioByKey('inOrder');
      const reply = await packaged.request('insurability', { ssin: patient.ssin, date: brusselsDateTime(new Date()).date, contactType: 'other' });
      const result = resultOf(reply) as Insurability;
      expect(result.route).toEqual({ kind: 'eattest', reason: 'insured' });
      expect(result.patient).toMatchObject({ ssin: patient.ssin, familyName: patient.familyName });
      expect(packaged.stderrText()).not.toMatch(/ExperimentalWarning|single-executable/i);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the .deb', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'eattest-deb-root-'));
    execFileSync('dpkg-deb', ['-x', deb, root]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the package, its version and architecture', () => {
    const fields = execFileSync('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture'], { encoding: 'utf8' });
    expect(fields).toBe(`Package: ${DEB_PACKAGE_NAME}\nVersion: ${PRODUCT_VERSION}\nArchitecture: amd64\n`);
  });

  it('installs the host, its launcher, the command and the four manifests, and nothing else', () => {
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => `/${join(entry.parentPath, entry.name).slice(root.length + 1)}`);
    expect(files.sort()).toEqual(debInstalledPaths().sort());
  });

  it('registers a production host for each browser: the store extensions only, started through the launcher', () => {
    expect(readFileSync(join(root, DEB_LAUNCHER_PATH), 'utf8')).toBe(launcherScript('linux', { nodePath: DEB_HOST_PATH, hostScript: DEB_HOST_PATH, kind: 'production' }));
    for (const browser of BROWSERS) {
      const manifest: unknown = JSON.parse(readFileSync(join(root, linuxSystemManifestDirectory(browser), `${NATIVE_HOST_NAME}.json`), 'utf8'));
      const allowList = browser === 'firefox' ? { allowed_extensions: [STORE_EXTENSION_IDS.firefoxAddons] } : { allowed_origins: [STORE_EXTENSION_IDS.chromeWebStore, STORE_EXTENSION_IDS.edgeAddons].map(chromiumOrigin) };
      expect(manifest).toEqual({ name: NATIVE_HOST_NAME, description: expect.any(String) as unknown, path: DEB_LAUNCHER_PATH, type: 'stdio', ...allowList });
      expect(JSON.stringify(manifest)).not.toContain(chromiumOrigin(DEVELOPMENT_CHROMIUM_EXTENSION_ID));
    }
  });

  it('installs a host that answers a store build of the extension', async () => {
    const installed = startHost({
      executable: join(root, DEB_HOST_PATH),
      args: [chromiumOrigin(STORE_EXTENSION_IDS.chromeWebStore)],
      env: { [INSTALL_KIND_VARIABLE]: 'production' },
    });
    try {
      expect(resultOf(await hello(installed))).toMatchObject({ hostVersion: PRODUCT_VERSION });
    } finally {
      await installed.stop();
    }
  });
});

describe('the .deb installed and removed by dpkg', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'eattest-dpkg-root-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has no maintainer script and no conffiles (nothing writes but dpkg, and dpkg -r keeps no manifest), and a checksum for every file', () => {
    const control = mkdtempSync(join(tmpdir(), 'eattest-deb-control-'));
    try {
      execFileSync('dpkg-deb', ['--control', deb, control]);
      expect(readdirSync(control).sort()).toEqual(['control', 'md5sums']);
      // Every regular file is summed, so dpkg --verify covers the host and its manifests.
      const summed = readFileSync(join(control, 'md5sums'), 'utf8').trim().split('\n').map((line) => `/${line.split('  ')[1] ?? ''}`);
      expect(summed.sort()).toEqual(debInstalledPaths().filter((path) => path !== DEB_COMMAND_PATH).sort());
    } finally {
      rmSync(control, { recursive: true, force: true });
    }
    // What apt shows before installing: at least the host's size, in KiB.
    const installedSize = Number(execFileSync('dpkg-deb', ['--field', deb, 'Installed-Size'], { encoding: 'utf8' }));
    expect(installedSize * 1024).toBeGreaterThanOrEqual(statSync(executable).size);
  });

  it('installs what dpkg-deb -c lists, verifies it, finds an altered host, and dpkg -r removes everything it installed', () => {
    dpkgInstall(deb, root);
    expect(dpkgStatus(root)).toBe('install ok installed');
    const listed = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => (/ \.(\/\S*)/.exec(line)?.[1] ?? `unreadable: ${line}`).replace(/\/$/, ''))
      .filter((path) => path !== '');
    const known = execFileSync('dpkg-query', [`--root=${root}`, '--listfiles', DEB_PACKAGE_NAME], { encoding: 'utf8' }).trim().split('\n');
    expect(known.filter((path) => path !== '/.').sort()).toEqual(listed.sort());
    for (const path of debInstalledPaths()) expect(existsSync(join(root, path)), path).toBe(true);

    // Nothing altered: dpkg --verify says nothing. An altered host (a byte appended) is named, with its checksum flag
    // (dpkg 1.21 exits 0 either way, so its report is what counts).
    const verify = (): string => execFileSync('dpkg', [`--root=${root}`, '--verify', DEB_PACKAGE_NAME], { encoding: 'utf8' });
    expect(verify()).toBe('');
    appendFileSync(join(root, DEB_HOST_PATH), Buffer.from([0]));
    expect(verify()).toBe(`??5??????   ${DEB_HOST_PATH}\n`);

    dpkgRemove(root);
    expect(dpkgStatus(root)).toBeUndefined();
    // Only the scratch root's own dpkg database and log remain: no file, no folder of the package.
    expect(readdirSync(root).sort()).toEqual(['dpkg.log', 'var']);
  });
});
