import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeProtocolRange } from '../../native-host/src/install/versions.js';
import { STORE_EXTENSION_IDS } from '../../src/shared/identity.js';
import { HOST_PROTOCOL_RANGE, PRODUCT_VERSION } from '../../src/shared/version.js';
import { builtHostScript } from '../support/paths.js';

/** `eattest-host doctor` on versions: the installed host's version and protocol range, and the extension's where a profile shows it. */
describe('eattest-host doctor: versions', () => {
  let home: string;
  let profileDir: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'eattest-home-'));
    profileDir = join(home, 'chromium-user-data');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [builtHostScript, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: join(home, 'state') },
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };
  const range = describeProtocolRange(HOST_PROTOCOL_RANGE);

  /** A store install of the extension in the profile "Default", as Chromium lays it out. */
  const storeExtension = (version: string) => {
    const dir = join(profileDir, 'Default', 'Extensions', STORE_EXTENSION_IDS.chromeWebStore, `${version}_0`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'eAttest', version }));
  };

  it('prints its version and protocol range as JSON for doctor to ask an installed program', () => {
    const report = run('version', '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out)).toEqual({ version: PRODUCT_VERSION, protocolRange: HOST_PROTOCOL_RANGE });
  });

  it('reports the installed host\'s version and protocol range, and the extension found in the profile', () => {
    expect(run('install', '--browser', 'chromium', '--profile', profileDir).code).toBe(0);
    storeExtension(PRODUCT_VERSION);
    const report = run('doctor', '--browser', 'chromium', '--profile', profileDir);
    expect(report.out).toContain(`ok       eattest-host ${PRODUCT_VERSION}, ${range}`);
    expect(report.out).toContain(`ok       chromium: installed host ${PRODUCT_VERSION}, ${range}`);
    expect(report.out).toContain(`ok       chromium: extension ${PRODUCT_VERSION} (${STORE_EXTENSION_IDS.chromeWebStore}) in profile Default, the host's version`);
  });

  it('names an extension of another version, and an installed host older than protocol ranges (protocol 1)', () => {
    expect(run('install', '--browser', 'chromium', '--profile', profileDir).code).toBe(0);
    storeExtension('0.2.0');
    // The launcher now runs an older host program: it knows `--version` only.
    const older = join(home, 'older-host.cjs');
    writeFileSync(older, "if (process.argv[2] === '--version') process.stdout.write('0.0.9\\n'); else { process.stderr.write('unknown option --json\\n'); process.exitCode = 2; }\n");
    const manifest = JSON.parse(readFileSync(join(profileDir, 'NativeMessagingHosts', 'be.eattest.companion.json'), 'utf8')) as { path: string };
    const launcher = readFileSync(manifest.path, 'utf8');
    writeFileSync(manifest.path, launcher.replace(`'${builtHostScript}'`, `'${older}'`));
    const report = run('doctor', '--browser', 'chromium', '--profile', profileDir);
    expect(report.out).toContain('chromium: installed host 0.0.9, protocol 1');
    expect(report.out).toContain(`info     chromium: extension 0.2.0 (${STORE_EXTENSION_IDS.chromeWebStore}) in profile Default, the host is 0.0.9`);
  });
});
