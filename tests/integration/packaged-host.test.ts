import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { BROWSERS, LINUX_PACKAGE_PATHS, launcherScript, linuxSystemManifestDirectory } from '../../native-host/src/install/plan.js';
import { installedHostPath } from '../../scripts/package-installers.js';
import { DEB_COMMAND_PATH, DEB_HOST_PATH, DEB_LAUNCHER_PATH, DEB_PACKAGE_NAME, debInstalledPaths } from '../../scripts/package-deb.js';
import { DEVELOPMENT_CHROMIUM_EXTENSION_ID, INSTALL_KIND_VARIABLE, NATIVE_HOST_NAME, STORE_EXTENSION_IDS, chromiumOrigin } from '../../src/shared/identity.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { writeFakeSecretTool } from '../support/fake-secret-tool.js';
import { dpkgInstall, dpkgRemove, dpkgStatus, packagedDeb } from '../support/packaged-deb.js';
import { provisionHostState, writeHostConfig } from '../support/provisioning.js';
import { CLINICIAN_INSTALL_SECTION, blockCommands, inlineSpans, readmeSection, runReadmeScenarios, shell, unmatchedScenarios, type ReadmeScenarios, type ShellRun } from '../support/readme.js';

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

/**
 * The README's "Install (clinician)" commands, as a clinician types them, against the packaged host:
 * on Linux the .deb installed and removed by dpkg (into a scratch root: `dpkg --root`, the same
 * unpacking and bookkeeping as `sudo apt install`, without touching this machine's /usr and /etc)
 * and `eattest-host` from it; the macOS and Windows lines with the host at the place their installer
 * definitions give, run with this platform's build of the same program (their doctor cannot find a
 * macOS or Windows browser here, so for those only the certificate's line is checked).
 */
describe("the README's clinician install, on the packaged host", () => {
  const { section } = readmeSection(CLINICIAN_INSTALL_SECTION);
  const commands = [
    ...blockCommands(section, ['sh', 'powershell']),
    ...inlineSpans(section).filter((span) => /^(sudo |eattest-host |& )/.test(span)),
  ];
  const keystoreName = 'SSIN_20261130-120000.acc-p12';
  let root: string;
  let fakeBin: string;
  let home: string;

  const sh = (command: string, options: { path?: string; stdin?: string } = {}) =>
    shell(command, {
      cwd: home,
      env: { PATH: [options.path, fakeBin, process.env['PATH']].filter((part) => part !== undefined).join(delimiter), HOME: home },
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });
  /** /usr/bin in the scratch root: its eattest-host is the package's relative link to the host. */
  const installedCommandDir = () => join(root, dirname(LINUX_PACKAGE_PATHS.command));
  const expectCertificateImported = (run: ShellRun) => {
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(pki.clinicians.doctorRsa.identity.ssin);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'eattest-clinician-root-'));
    fakeBin = mkdtempSync(join(tmpdir(), 'eattest-clinician-bin-'));
    writeFakeSecretTool(fakeBin, join(fakeBin, 'calls.log'));
    home = mkdtempSync(join(tmpdir(), 'eattest-clinician-home-'));
    mkdirSync(join(home, 'ehealth'));
    copyFileSync(pki.clinicians.doctorRsa.legacyKeystore, join(home, 'ehealth', keystoreName));
    const stateDir = join(home, '.local', 'state', 'eattest');
    mkdirSync(stateDir, { recursive: true });
    writeHostConfig(stateDir, { pki, simulatorUrl: simulator.url });
  });
  afterAll(() => {
    for (const dir of [root, fakeBin, home]) rmSync(dir, { recursive: true, force: true });
  });

  const scenarios: ReadmeScenarios = {
    [`sudo apt install ./${DEB_PACKAGE_NAME}_${PRODUCT_VERSION}_amd64.deb`]: (command) => {
      expect(command.endsWith(basename(deb))).toBe(true);
      dpkgInstall(deb, root);
      for (const path of debInstalledPaths()) expect(existsSync(join(root, path)), path).toBe(true);
      expect(posix.resolve(posix.dirname(LINUX_PACKAGE_PATHS.command), readlinkSync(join(root, LINUX_PACKAGE_PATHS.command)))).toBe(LINUX_PACKAGE_PATHS.host);
      return Promise.resolve();
    },
    [`eattest-host certificate import ~/ehealth/${keystoreName} --password-stdin`]: async (command) => {
      expectCertificateImported(await sh(command, { path: installedCommandDir(), stdin: pki.clinicians.doctorRsa.password }));
    },
    'eattest-host doctor': async (command) => {
      const run = await sh(`${command} --root '${root}'`, { path: installedCommandDir() });
      expect(run.code, run.out).toBe(0);
      for (const browser of BROWSERS) {
        expect(run.out).toContain(`ok       ${browser}: manifest at ${linuxSystemManifestDirectory(browser)}/${NATIVE_HOST_NAME}.json (the system package)`);
        expect(run.out).toContain(`ok       ${browser}: production install`);
        expect(run.out).toContain(`ok       ${browser}: installed host ${PRODUCT_VERSION}`);
      }
      expect(run.out).toContain(pki.clinicians.doctorRsa.identity.ssin);
    },
    'sudo apt remove eattest-companion-host': async (command) => {
      expect(command).toContain(DEB_PACKAGE_NAME);
      dpkgRemove(root);
      for (const path of debInstalledPaths()) expect(existsSync(join(root, path)), path).toBe(false);
      // The state folder, with the journal and the certificate's custody, stays.
      expect(existsSync(join(home, '.local', 'state', 'eattest', 'keystore.json'))).toBe(true);
      const doctor = await sh(`'${executable}' doctor --root '${root}'`);
      expect(doctor.out).toContain('the host is not installed for any browser');
    },
  };
  const macHost = '"$HOME/Library/Application Support/eAttest/bin/eattest-host"';
  const placeMacHost = () => {
    const path = installedHostPath('darwin', home, {});
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(executable, path);
    chmodSync(path, 0o755);
  };
  scenarios[`${macHost} certificate import ~/ehealth/${keystoreName} --password-stdin`] = async (command) => {
    placeMacHost();
    expectCertificateImported(await sh(command, { stdin: pki.clinicians.doctorRsa.password }));
  };
  scenarios[`${macHost} doctor`] = async (command) => {
    const run = await sh(command);
    expect(run.out).toMatch(new RegExp(`ok +certificate .*${pki.clinicians.doctorRsa.identity.ssin}`));
  };
  const windowsHost = '& "$env:LOCALAPPDATA\\eAttest\\eattest-host.exe"';
  /** The PowerShell line as this platform runs it: the host at the Windows installer's place, the keystore in the home's ehealth folder. */
  const windowsToHere = (command: string) => {
    const localAppData = 'C:\\Users\\clinician\\AppData\\Local';
    expect(installedHostPath('win32', 'C:\\Users\\clinician', { LOCALAPPDATA: localAppData })).toBe(`${localAppData}\\eAttest\\eattest-host.exe`);
    return command.replace(windowsHost, `'${executable}'`).replace(`"$HOME\\ehealth\\${keystoreName}"`, `'${join(home, 'ehealth', keystoreName)}'`);
  };
  scenarios[`${windowsHost} certificate import "$HOME\\ehealth\\${keystoreName}" --password-stdin`] = async (command) => {
    expectCertificateImported(await sh(windowsToHere(command), { stdin: pki.clinicians.doctorRsa.password }));
  };
  scenarios[`${windowsHost} doctor`] = async (command) => {
    const run = await sh(windowsToHere(command));
    expect(run.out).toMatch(new RegExp(`ok +certificate .*${pki.clinicians.doctorRsa.identity.ssin}`));
  };

  it('classifies every command of the section, and each classification is still in it', () => {
    expect(unmatchedScenarios(commands, scenarios)).toEqual({ unclassified: [], gone: [] });
  });

  it('runs them in order: install, certificate, doctor, uninstall; then the macOS and Windows lines', async () => {
    await runReadmeScenarios(scenarios);
  }, 120_000);
});
