import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, describePlan, describeUninstallStep, readOurManifest, uninstall } from '../../native-host/src/install/apply.js';
import {
  BROWSERS,
  HOST_DESCRIPTION,
  InstallError,
  browserUserDataDirectory,
  hostDataDirectory,
  hostManifest,
  installLocations,
  launcherKind,
  launcherScript,
  planInstall,
  windowsRegistryKey,
  type Browser,
  type InstallTarget,
  type LauncherSpec,
} from '../../native-host/src/install/plan.js';

const HOME = '/home/dr';
const WIN_HOME = 'C:\\Users\\dr';
const HOST = 'be.eattest.companion';
/** A production install allows the published extensions only: the Chrome Web Store's and Edge Add-ons' (reserved ids). */
const STORE_ORIGINS = ['chrome-extension://gjakjkbfamedobjcjnlokhgljinedeko/', 'chrome-extension://chchjlgpbenjjdfcaniehhbihdibppgk/'];
/** The development build's id, from the public key in manifest.json: development installs only. */
const DEVELOPMENT_ORIGIN = 'chrome-extension://kpghmhnplncbdjmflbikfegpgigphlfp/';
const FIREFOX_ID = 'eattest-companion@eattest.be';

const launcher: LauncherSpec = { nodePath: '/usr/bin/node', hostScript: '/opt/eattest/eattest-host.mjs', kind: 'production' };
const winLauncher: LauncherSpec = { nodePath: 'C:\\Program Files\\nodejs\\node.exe', hostScript: 'C:\\eattest\\eattest-host.mjs', kind: 'production' };

function linux(browser: Browser, env: InstallTarget['env'] = {}): InstallTarget {
  return { platform: 'linux', browser, home: HOME, env };
}

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-install-'));
  temporaryDirectories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temporaryDirectories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('installLocations on Linux', () => {
  const expected: Record<Browser, string> = {
    chromium: '/home/dr/.config/chromium/NativeMessagingHosts',
    chrome: '/home/dr/.config/google-chrome/NativeMessagingHosts',
    edge: '/home/dr/.config/microsoft-edge/NativeMessagingHosts',
    firefox: '/home/dr/.mozilla/native-messaging-hosts',
  };

  it.each(BROWSERS)('puts the %s manifest in the browser folder and the launcher in the data folder', (browser) => {
    expect(installLocations(linux(browser))).toEqual({
      manifestPath: `${expected[browser]}/${HOST}.json`,
      launcherPath: '/home/dr/.local/share/eattest/eattest-host',
    });
  });

  it('follows XDG_CONFIG_HOME for the Chromium family only, and XDG_DATA_HOME for the launcher', () => {
    const env = { XDG_CONFIG_HOME: '/xdg/config', XDG_DATA_HOME: '/xdg/data' };
    expect(installLocations(linux('chromium', env)).manifestPath).toBe(`/xdg/config/chromium/NativeMessagingHosts/${HOST}.json`);
    expect(installLocations(linux('chrome', env)).manifestPath).toBe(`/xdg/config/google-chrome/NativeMessagingHosts/${HOST}.json`);
    expect(installLocations(linux('edge', env)).manifestPath).toBe(`/xdg/config/microsoft-edge/NativeMessagingHosts/${HOST}.json`);
    expect(installLocations(linux('firefox', env)).manifestPath).toBe(`/home/dr/.mozilla/native-messaging-hosts/${HOST}.json`);
    expect(installLocations(linux('chromium', env)).launcherPath).toBe('/xdg/data/eattest/eattest-host');
  });

  it('ignores empty XDG variables', () => {
    const env = { XDG_CONFIG_HOME: '', XDG_DATA_HOME: '' };
    expect(installLocations(linux('chrome', env))).toEqual({
      manifestPath: `/home/dr/.config/google-chrome/NativeMessagingHosts/${HOST}.json`,
      launcherPath: '/home/dr/.local/share/eattest/eattest-host',
    });
  });
});

describe('installLocations on macOS', () => {
  const expected: Record<Browser, string> = {
    chromium: '/home/dr/Library/Application Support/Chromium/NativeMessagingHosts',
    chrome: '/home/dr/Library/Application Support/Google/Chrome/NativeMessagingHosts',
    edge: '/home/dr/Library/Application Support/Microsoft Edge/NativeMessagingHosts',
    firefox: '/home/dr/Library/Application Support/Mozilla/NativeMessagingHosts',
  };

  it.each(BROWSERS)('puts the %s manifest under Application Support', (browser) => {
    // XDG variables mean nothing on macOS.
    expect(installLocations({ platform: 'darwin', browser, home: HOME, env: { XDG_CONFIG_HOME: '/xdg' } })).toEqual({
      manifestPath: `${expected[browser]}/${HOST}.json`,
      launcherPath: '/home/dr/Library/Application Support/eAttest/eattest-host',
    });
  });
});

describe('installLocations on Windows', () => {
  const vendors: Record<Browser, string> = {
    chromium: 'Chromium',
    chrome: 'Google\\Chrome',
    edge: 'Microsoft\\Edge',
    firefox: 'Mozilla',
  };

  it.each(BROWSERS)('keeps the %s manifest under %%LOCALAPPDATA%%\\eAttest and names its registry key', (browser) => {
    const target: InstallTarget = { platform: 'win32', browser, home: WIN_HOME, env: { LOCALAPPDATA: 'D:\\Local' } };
    expect(installLocations(target)).toEqual({
      manifestPath: `D:\\Local\\eAttest\\${HOST}.${browser}.json`,
      launcherPath: 'D:\\Local\\eAttest\\eattest-host.bat',
      registryKey: `HKCU\\Software\\${vendors[browser]}\\NativeMessagingHosts\\${HOST}`,
    });
    expect(windowsRegistryKey(browser)).toBe(`HKCU\\Software\\${vendors[browser]}\\NativeMessagingHosts\\${HOST}`);
  });

  it('falls back to AppData\\Local under the home folder without LOCALAPPDATA', () => {
    expect(hostDataDirectory('win32', WIN_HOME, {})).toBe('C:\\Users\\dr\\AppData\\Local\\eAttest');
    expect(hostDataDirectory('win32', WIN_HOME, { LOCALAPPDATA: '' })).toBe('C:\\Users\\dr\\AppData\\Local\\eAttest');
    expect(installLocations({ platform: 'win32', browser: 'edge', home: WIN_HOME, env: {} }).manifestPath).toBe(
      `C:\\Users\\dr\\AppData\\Local\\eAttest\\${HOST}.edge.json`,
    );
  });
});

describe('--profile installs', () => {
  it.each(['chromium', 'chrome', 'edge'] as const)('puts the %s manifest and launcher into DIR/NativeMessagingHosts', (browser) => {
    const target: InstallTarget = { ...linux(browser), profileDir: '/tmp/profile' };
    expect(installLocations(target)).toEqual({
      manifestPath: `/tmp/profile/NativeMessagingHosts/${HOST}.json`,
      launcherPath: `/tmp/profile/NativeMessagingHosts/${HOST}-eattest-host`,
    });
  });

  it('works the same on macOS', () => {
    expect(installLocations({ platform: 'darwin', browser: 'chrome', home: HOME, env: {}, profileDir: '/p' }).manifestPath).toBe(
      `/p/NativeMessagingHosts/${HOST}.json`,
    );
  });

  it('gives a development install its own launcher', () => {
    const target: InstallTarget = { ...linux('chromium'), profileDir: '/tmp/profile' };
    expect(installLocations(target, 'development').launcherPath).toBe(`/tmp/profile/NativeMessagingHosts/${HOST}-eattest-host-development`);
    expect(installLocations(linux('chrome'), 'development').launcherPath).toBe('/home/dr/.local/share/eattest/eattest-host-development');
    expect(installLocations({ platform: 'win32', browser: 'edge', home: WIN_HOME, env: {} }, 'development').launcherPath).toBe(
      'C:\\Users\\dr\\AppData\\Local\\eAttest\\eattest-host-development.bat',
    );
  });

  it('refuses a profile with Firefox', () => {
    expect(() => installLocations({ ...linux('firefox'), profileDir: '/tmp/profile' })).toThrow(InstallError);
    expect(() => planInstall({ ...linux('firefox'), profileDir: '/tmp/profile' }, launcher)).toThrow(/Firefox/);
  });

  it('refuses a profile on Windows', () => {
    const target: InstallTarget = { platform: 'win32', browser: 'chrome', home: WIN_HOME, env: {}, profileDir: 'C:\\profile' };
    expect(() => installLocations(target)).toThrow(InstallError);
    expect(() => planInstall(target, winLauncher)).toThrow(/registry/);
  });
});

describe('browserUserDataDirectory', () => {
  it('is where the browser keeps its profiles: the profile folder given, else the browser folder', () => {
    expect(browserUserDataDirectory({ ...linux('chromium'), profileDir: '/tmp/profile' })).toBe('/tmp/profile');
    expect(browserUserDataDirectory(linux('chrome'))).toBe('/home/dr/.config/google-chrome');
    expect(browserUserDataDirectory({ platform: 'darwin', browser: 'edge', home: HOME, env: {} })).toBe('/home/dr/Library/Application Support/Microsoft Edge');
    expect(browserUserDataDirectory({ platform: 'win32', browser: 'chrome', home: WIN_HOME, env: { LOCALAPPDATA: 'D:\\Local' } })).toBe('D:\\Local\\Google\\Chrome\\User Data');
    expect(browserUserDataDirectory(linux('firefox'))).toBeUndefined();
  });
});

describe('hostManifest', () => {
  it('gives Firefox allowed_extensions', () => {
    expect(hostManifest('firefox', '/l', 'production')).toEqual({
      name: HOST,
      description: HOST_DESCRIPTION,
      path: '/l',
      type: 'stdio',
      allowed_extensions: [FIREFOX_ID],
    });
  });

  it.each(['chromium', 'chrome', 'edge'] as const)('gives %s allowed_origins with a trailing slash: the store ids only in a production install', (browser) => {
    const manifest = hostManifest(browser, '/l', 'production');
    expect(manifest).toEqual({ name: HOST, description: HOST_DESCRIPTION, path: '/l', type: 'stdio', allowed_origins: STORE_ORIGINS });
    expect(manifest).not.toHaveProperty('allowed_extensions');
    expect(JSON.stringify(manifest)).not.toContain('kpghmhnplncbdjmflbikfegpgigphlfp');
  });

  it('gives a development install the development id only', () => {
    expect(hostManifest('chromium', '/l', 'development')).toMatchObject({ allowed_origins: [DEVELOPMENT_ORIGIN] });
    expect(hostManifest('firefox', '/l', 'development')).toMatchObject({ allowed_extensions: [FIREFOX_ID] });
  });
});

describe('launcherScript', () => {
  it('writes a POSIX launcher that execs node with the host script', () => {
    expect(launcherScript('linux', launcher)).toBe(
      [
        '#!/bin/sh',
        '# Written by `eattest-host install`: starts the eAttest native host with the node that installed it.',
        'EATTEST_INSTALL_KIND=production',
        'export EATTEST_INSTALL_KIND',
        `exec '/usr/bin/node' '/opt/eattest/eattest-host.mjs' host "$@"`,
        '',
      ].join('\n'),
    );
  });

  it('bakes the install kind, which launcherKind reads back', () => {
    expect(launcherKind(launcherScript('linux', launcher))).toBe('production');
    expect(launcherKind(launcherScript('linux', { ...launcher, kind: 'development' }))).toBe('development');
    expect(launcherKind(launcherScript('win32', winLauncher))).toBe('production');
    expect(launcherKind(launcherScript('win32', { ...winLauncher, kind: 'development' }))).toBe('development');
    expect(launcherKind("#!/bin/sh\nexec '/usr/bin/node' '/h.mjs' host \"$@\"\n")).toBeUndefined();
  });

  it('bakes EATTEST_STATE_DIR only when a state directory is given', () => {
    expect(launcherScript('linux', launcher)).not.toContain('EATTEST_STATE_DIR');
    const script = launcherScript('darwin', { ...launcher, stateDir: '/srv/state' });
    expect(script).toContain(`EATTEST_STATE_DIR='/srv/state'\nexport EATTEST_STATE_DIR\nexec `);
    expect(launcherScript('win32', winLauncher)).not.toContain('EATTEST_STATE_DIR');
    expect(launcherScript('win32', { ...winLauncher, stateDir: 'C:\\state' })).toContain('set "EATTEST_STATE_DIR=C:\\state"\r\n');
  });

  it('quotes paths with a single quote and a space', () => {
    const script = launcherScript('linux', { nodePath: "/opt/it's node/node", hostScript: '/opt/a b/host.mjs', stateDir: "/st'ate dir", kind: 'production' });
    expect(script).toContain(`EATTEST_STATE_DIR='/st'\\''ate dir'\n`);
    expect(script).toContain(`exec '/opt/it'\\''s node/node' '/opt/a b/host.mjs' host "$@"\n`);
  });

  it('produces a script that sh parses and that passes paths and arguments through intact', () => {
    const dir = temporaryDirectory();
    const odd = join(dir, "it's a dir $HOME `x`");
    mkdirSync(odd);
    const fakeNode = join(odd, 'node');
    writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s\\n" "$@"\nprintf "STATE=%s\\n" "$EATTEST_STATE_DIR"\nprintf "KIND=%s\\n" "$EATTEST_INSTALL_KIND"\n');
    chmodSync(fakeNode, 0o755);
    const stateDir = join(odd, 'state');
    const file = join(dir, 'launcher');
    writeFileSync(file, launcherScript('linux', { nodePath: fakeNode, hostScript: join(odd, 'host.mjs'), stateDir, kind: 'production' }));
    chmodSync(file, 0o755);

    const syntax = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
    expect(syntax.status).toBe(0);
    expect(syntax.stderr).toBe('');

    // The kind is the launcher's, whatever the browser's environment said.
    const run = spawnSync(file, ['chrome-extension://abc/', '--parent-window=0'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', EATTEST_INSTALL_KIND: 'development' } });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual([join(odd, 'host.mjs'), 'host', 'chrome-extension://abc/', '--parent-window=0', `STATE=${stateDir}`, 'KIND=production', '']);
  });

  it('writes a Windows batch launcher with CRLF line endings', () => {
    const script = launcherScript('win32', winLauncher);
    expect(script).toBe(
      [
        '@echo off',
        'rem Written by `eattest-host install`: starts the eAttest native host with the node that installed it.',
        'set "EATTEST_INSTALL_KIND=production"',
        '"C:\\Program Files\\nodejs\\node.exe" "C:\\eattest\\eattest-host.mjs" host %*',
        '',
      ].join('\r\n'),
    );
    expect(script.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('refuses Windows paths that cannot be quoted in a batch file', () => {
    expect(() => launcherScript('win32', { ...winLauncher, nodePath: 'C:\\a"b\\node.exe' })).toThrow(InstallError);
    expect(() => launcherScript('win32', { ...winLauncher, hostScript: 'C:\\%PATH%\\host.mjs' })).toThrow(InstallError);
    expect(() => launcherScript('win32', { ...winLauncher, stateDir: 'C:\\x\r\ny' })).toThrow(InstallError);
  });
});

describe('planInstall', () => {
  it('plans the launcher then the manifest on Linux', () => {
    const plan = planInstall(linux('chrome'), launcher);
    const manifestPath = `/home/dr/.config/google-chrome/NativeMessagingHosts/${HOST}.json`;
    const launcherPath = '/home/dr/.local/share/eattest/eattest-host';
    expect(plan).toEqual({
      browser: 'chrome',
      platform: 'linux',
      kind: 'production',
      manifestPath,
      launcherPath,
      steps: [
        { kind: 'file', path: launcherPath, content: launcherScript('linux', launcher), mode: 0o755 },
        { kind: 'file', path: manifestPath, content: `${JSON.stringify(hostManifest('chrome', launcherPath, 'production'), null, 2)}\n`, mode: 0o644 },
      ],
    });
    const manifestStep = plan.steps[1];
    expect(manifestStep?.kind === 'file' ? JSON.parse(manifestStep.content) : null).toMatchObject({ path: launcherPath, allowed_origins: STORE_ORIGINS });
  });

  it('adds the registry step on Windows', () => {
    const plan = planInstall({ platform: 'win32', browser: 'firefox', home: WIN_HOME, env: {} }, winLauncher);
    expect(plan.steps.map((step) => step.kind)).toEqual(['file', 'file', 'registry']);
    expect(plan.steps[2]).toEqual({
      kind: 'registry',
      key: `HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${HOST}`,
      value: `C:\\Users\\dr\\AppData\\Local\\eAttest\\${HOST}.firefox.json`,
    });
    const manifestStep = plan.steps[1];
    expect(manifestStep?.kind === 'file' ? JSON.parse(manifestStep.content) : null).toMatchObject({
      path: 'C:\\Users\\dr\\AppData\\Local\\eAttest\\eattest-host.bat',
      allowed_extensions: [FIREFOX_ID],
    });
  });
});

describe('describePlan', () => {
  it('mentions every path, the modes and the file contents', () => {
    const plan = planInstall(linux('chromium'), { ...launcher, stateDir: '/srv/state' });
    const text = describePlan(plan);
    expect(text.startsWith('# chromium on linux\n')).toBe(true);
    expect(text).toContain(`write ${plan.launcherPath} (mode 755)\n`);
    expect(text).toContain(`write ${plan.manifestPath} (mode 644)\n`);
    expect(text).toContain(`  | exec '/usr/bin/node' '/opt/eattest/eattest-host.mjs' host "$@"\n`);
    expect(text).toContain(`  | EATTEST_STATE_DIR='/srv/state'\n`);
    expect(text).toContain(`  |   "path": "${plan.launcherPath}",\n`);
    expect(text).not.toContain('reg add');
  });

  it('prints the reg add command on Windows, without stray carriage returns', () => {
    const plan = planInstall({ platform: 'win32', browser: 'edge', home: WIN_HOME, env: {} }, winLauncher);
    const text = describePlan(plan);
    expect(text).toContain(`write ${plan.launcherPath} (mode 755)`);
    expect(text).toContain(`write ${plan.manifestPath} (mode 644)`);
    expect(text).toContain(
      `reg add "HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${HOST}" /ve /t REG_SZ /d "C:\\Users\\dr\\AppData\\Local\\eAttest\\${HOST}.edge.json" /f\n`,
    );
    expect(text).not.toContain('\r');
    expect(text).toContain('  | @echo off\n');
  });
});

describe('applyPlan and uninstall', () => {
  it('installs into a profile directory and uninstalls it again', () => {
    const profileDir = temporaryDirectory();
    const target: InstallTarget = { platform: 'linux', browser: 'chromium', home: '/nonexistent-home', env: {}, profileDir };
    const plan = planInstall(target, launcher);
    applyPlan(plan);

    const folder = join(profileDir, 'NativeMessagingHosts');
    expect(plan.manifestPath).toBe(join(folder, `${HOST}.json`));
    expect(plan.launcherPath).toBe(join(folder, `${HOST}-eattest-host`));
    expect(statSync(plan.launcherPath).mode & 0o777).toBe(0o755);
    expect(statSync(plan.manifestPath).mode & 0o777).toBe(0o644);
    expect(readFileSync(plan.launcherPath, 'utf8')).toBe(launcherScript('linux', launcher));
    expect(readOurManifest(plan.manifestPath)).toEqual({ name: HOST, path: plan.launcherPath, allowed_origins: STORE_ORIGINS });

    const dry = uninstall(target, true);
    expect(dry).toEqual([
      { kind: 'remove', path: plan.manifestPath },
      { kind: 'remove', path: plan.launcherPath },
    ]);
    expect(existsSync(plan.manifestPath)).toBe(true);
    expect(existsSync(plan.launcherPath)).toBe(true);

    const steps = uninstall(target, false);
    expect(steps).toEqual(dry);
    expect(steps.map(describeUninstallStep)).toEqual([`remove ${plan.manifestPath}`, `remove ${plan.launcherPath}`]);
    expect(existsSync(plan.manifestPath)).toBe(false);
    expect(existsSync(plan.launcherPath)).toBe(false);
    expect(uninstall(target, false)).toEqual([]);
  });

  it('keeps the shared per-user launcher while another browser still uses it', () => {
    const home = temporaryDirectory();
    const chromium: InstallTarget = { platform: 'linux', browser: 'chromium', home, env: {} };
    const firefox: InstallTarget = { ...chromium, browser: 'firefox' };
    const chromiumPlan = planInstall(chromium, launcher);
    const firefoxPlan = planInstall(firefox, launcher);
    applyPlan(chromiumPlan);
    applyPlan(firefoxPlan);
    expect(chromiumPlan.launcherPath).toBe(firefoxPlan.launcherPath);
    expect(chromiumPlan.manifestPath).toBe(join(home, '.config', 'chromium', 'NativeMessagingHosts', `${HOST}.json`));
    expect(firefoxPlan.manifestPath).toBe(join(home, '.mozilla', 'native-messaging-hosts', `${HOST}.json`));
    expect(statSync(chromiumPlan.launcherPath).mode & 0o777).toBe(0o755);

    expect(uninstall(chromium, false)).toEqual([{ kind: 'remove', path: chromiumPlan.manifestPath }]);
    expect(existsSync(chromiumPlan.manifestPath)).toBe(false);
    expect(existsSync(chromiumPlan.launcherPath)).toBe(true);

    expect(uninstall(firefox, false)).toEqual([
      { kind: 'remove', path: firefoxPlan.manifestPath },
      { kind: 'remove', path: firefoxPlan.launcherPath },
    ]);
    expect(existsSync(firefoxPlan.manifestPath)).toBe(false);
    expect(existsSync(firefoxPlan.launcherPath)).toBe(false);
  });

  it('uninstalls a development install with its own launcher, and a production install beside it keeps its own', () => {
    const home = temporaryDirectory();
    const chrome: InstallTarget = { platform: 'linux', browser: 'chrome', home, env: {} };
    const edge: InstallTarget = { ...chrome, browser: 'edge' };
    const development = planInstall(chrome, { ...launcher, kind: 'development' });
    const production = planInstall(edge, launcher);
    applyPlan(development);
    applyPlan(production);
    expect(development.launcherPath).not.toBe(production.launcherPath);
    expect(readOurManifest(development.manifestPath)).toMatchObject({ path: development.launcherPath, allowed_origins: [DEVELOPMENT_ORIGIN] });
    expect(readOurManifest(production.manifestPath)).toMatchObject({ path: production.launcherPath, allowed_origins: STORE_ORIGINS });

    expect(uninstall(chrome, false)).toEqual([
      { kind: 'remove', path: development.manifestPath },
      { kind: 'remove', path: development.launcherPath },
    ]);
    expect(existsSync(production.launcherPath)).toBe(true);
    expect(uninstall(edge, false)).toEqual([
      { kind: 'remove', path: production.manifestPath },
      { kind: 'remove', path: production.launcherPath },
    ]);
  });

  it('leaves a manifest that is not ours in place', () => {
    const home = temporaryDirectory();
    const target: InstallTarget = { platform: 'linux', browser: 'chrome', home, env: {} };
    const { manifestPath } = installLocations(target);
    mkdirSync(join(manifestPath, '..'), { recursive: true });
    writeFileSync(manifestPath, JSON.stringify({ name: 'com.other.host', path: '/x' }));
    expect(readOurManifest(manifestPath)).toBeNull();
    expect(uninstall(target, false)).toEqual([]);
    expect(existsSync(manifestPath)).toBe(true);
  });
});
