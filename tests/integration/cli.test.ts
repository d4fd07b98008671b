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

  it('installs for the user, is seen by doctor, and uninstalls', () => {
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
    expect(manifest.allowed_origins).toEqual(['chrome-extension://kpghmhnplncbdjmflbikfegpgigphlfp/']);
    expect(statSync(launcherPath).mode & 0o777).toBe(0o755);
    const launcher = readFileSync(launcherPath, 'utf8');
    expect(launcher).toContain(`exec '${process.execPath}' '${builtHostScript}' host "$@"`);

    const after = run('doctor');
    expect(after.out).toContain(`ok       chromium: manifest at ${manifestPath}`);
    expect(after.code).toBe(0);

    expect(run('uninstall', '--browser', 'chromium').code).toBe(0);
    expect(existsSync(manifestPath)).toBe(false);
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
