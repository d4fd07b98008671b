import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCT_VERSION } from '../../src/shared/version.js';
import { builtHostScript } from '../support/paths.js';

/** `eattest-host` as a user runs it, with HOME pointed at a scratch folder. */
describe('eattest-host command line', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'eattest-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [builtHostScript, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: join(home, 'state') },
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  it('prints its version', () => {
    expect(run('--version')).toMatchObject({ code: 0, out: `${PRODUCT_VERSION}\n` });
  });

  it('installs for the user (a production install: the published extension only), is seen by doctor, and uninstalls', () => {
    const before = run('doctor');
    expect(before.code).toBe(1);
    expect(before.out).toContain('the host is not installed for any browser');
    expect(before.out).toContain('eattest-host install --browser chromium');

    const installed = run('install', '--browser', 'chromium');
    expect(installed.code).toBe(0);
    const manifestPath = join(home, '.config', 'chromium', 'NativeMessagingHosts', 'be.eattest.companion.json');
    const launcherPath = join(home, '.local', 'share', 'eattest', 'eattest-host');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { path: string; allowed_origins: string[] };
    expect(manifest.path).toBe(launcherPath);
    expect(manifest.allowed_origins).toEqual(['chrome-extension://gjakjkbfamedobjcjnlokhgljinedeko/', 'chrome-extension://chchjlgpbenjjdfcaniehhbihdibppgk/']);
    expect(statSync(launcherPath).mode & 0o777).toBe(0o755);
    const launcher = readFileSync(launcherPath, 'utf8');
    expect(launcher).toContain(`exec '${process.execPath}' '${builtHostScript}' host "$@"`);
    expect(launcher).toContain('EATTEST_INSTALL_KIND=production\n');

    const after = run('doctor');
    expect(after.out).toContain(`ok       chromium: manifest at ${manifestPath}`);
    expect(after.out).toContain('ok       chromium: production install: only the published extension may start the host');
    expect(after.code).toBe(0);

    expect(run('uninstall', '--browser', 'chromium').code).toBe(0);
    expect(existsSync(manifestPath)).toBe(false);
    expect(existsSync(launcherPath)).toBe(false);
  });

  it('installs for the development build with --development, and doctor warns about it, more loudly where the published extension is installed', () => {
    expect(run('install', '--browser', 'chrome', '--development').out).toContain('(development install)');
    const manifestPath = join(home, '.config', 'google-chrome', 'NativeMessagingHosts', 'be.eattest.companion.json');
    const launcherPath = join(home, '.local', 'share', 'eattest', 'eattest-host-development');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { path: string; allowed_origins: string[] };
    expect(manifest).toMatchObject({ path: launcherPath, allowed_origins: ['chrome-extension://kpghmhnplncbdjmflbikfegpgigphlfp/'] });
    expect(readFileSync(launcherPath, 'utf8')).toContain('EATTEST_INSTALL_KIND=development\n');

    const development = run('doctor', '--browser', 'chrome');
    expect(development.out).toContain('WARNING  chrome: DEVELOPMENT install');
    expect(development.out).toContain('run `eattest-host install --browser chrome` (without --development)');
    expect(development.code).toBe(0);

    // The published extension, as Chrome keeps a store-installed one: it cannot reach a development install.
    mkdirSync(join(home, '.config', 'google-chrome', 'Default', 'Extensions', 'gjakjkbfamedobjcjnlokhgljinedeko', '1.0.0_0'), { recursive: true });
    const mixed = run('doctor', '--browser', 'chrome');
    expect(mixed.out).toContain('PROBLEM  chrome: the published extension is installed in this browser, but the host is a development install');
    expect(mixed.code).toBe(1);

    // A manifest edited to let another extension in, or a launcher of the other kind, is a problem.
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, allowed_origins: [...manifest.allowed_origins, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/'] }));
    expect(run('doctor', '--browser', 'chrome').out).toContain('chrome: the manifest also allows other extensions: chrome-extension://abcdefghijklmnopabcdefghijklmnop/');
    writeFileSync(launcherPath, readFileSync(launcherPath, 'utf8').replace('=development', '=production'));
    expect(run('doctor', '--browser', 'chrome').out).toContain(`chrome: the launcher ${launcherPath} is not written for a development install`);

    expect(run('install', '--browser', 'chrome').code).toBe(0);
    const production = run('doctor', '--browser', 'chrome');
    expect(production.out).toContain('ok       chrome: production install');
    expect(production.code).toBe(0);
    expect(run('uninstall', '--browser', 'chrome').out).toContain(`remove ${launcherPath}`);
    expect(existsSync(launcherPath)).toBe(false);
  });

  it('doctor names a launcher whose host program is gone', () => {
    expect(run('install', '--browser', 'chrome').code).toBe(0);
    const launcherPath = join(home, '.local', 'share', 'eattest', 'eattest-host');
    rmSync(launcherPath);
    const report = run('doctor', '--browser', 'chrome');
    expect(report.code).toBe(1);
    expect(report.out).toContain('chrome: the launcher');
    expect(report.out).toContain('eattest-host install --browser chrome');
  });

  it('doctor flags a config.json others may read (it may hold the licence password) and never quotes a malformed one', () => {
    const configFile = join(home, 'state', 'config.json');
    mkdirSync(join(home, 'state'), { recursive: true, mode: 0o700 });
    writeFileSync(configFile, '{"environment": "simulator"}', { mode: 0o644 });
    chmodSync(configFile, 0o644);
    const open = run('doctor');
    expect(open.out).toContain(`${configFile} can be read or changed by other users (mode 644)`);
    expect(open.out).toContain(`chmod 600 ${configFile}`);
    chmodSync(configFile, 0o600);
    expect(run('doctor').out).not.toContain('can be read or changed by other users');
    writeFileSync(configFile, '{"mycarenet": {"licencePassword": s3cr3t-pass}}');
    const malformed = run('doctor');
    expect(malformed.code).toBe(1);
    expect(malformed.out).toContain(`${configFile} is not valid JSON`);
    expect(`${malformed.out}${malformed.err}`).not.toContain('s3cr3t');
  });

  it('shows the macOS locations and the Windows registry keys with --dry-run', () => {
    const mac = run('install', '--browser', 'chrome', '--dry-run', '--platform', 'darwin');
    expect(mac.code).toBe(0);
    expect(mac.out).toContain(join(home, 'Library', 'Application Support', 'Google', 'Chrome', 'NativeMessagingHosts', 'be.eattest.companion.json'));
    const win = run('install', '--browser', 'edge', '--dry-run', '--platform', 'win32');
    expect(win.code).toBe(0);
    expect(win.out).toContain('reg add "HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\be.eattest.companion" /ve /t REG_SZ');
    expect(win.out).toContain('eattest-host.bat');
    // A dry run writes nothing.
    expect(existsSync(join(home, 'Library'))).toBe(false);
  });

  it('rejects bad usage with exit code 2 and the usage text', () => {
    const noBrowser = run('install');
    expect(noBrowser.code).toBe(2);
    expect(noBrowser.err).toContain('--browser is required');
    expect(run('install', '--browser', 'netscape').err).toContain('unknown browser');
    expect(run('install', '--browser', 'chrome', '--platform', 'win32').err).toContain('--platform is only for --dry-run');
    expect(run('install', '--browser', 'firefox', '--profile', home).err).toContain('Firefox has no per-profile native hosts');
    expect(run('frobnicate').code).toBe(2);
  });
});
