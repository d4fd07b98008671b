import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../native-host/src/config.js';
import { stateDirectory } from '../../native-host/src/state-directory.js';

const DEFAULTS = { environment: 'simulator', profession: 'doctor', simulatorUrl: 'https://127.0.0.1:8443', soapTimeoutMs: 20_000, idleTimeoutMs: 1_800_000 } as const;

const temporaryDirectories: string[] = [];
function stateDir(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-config-'));
  temporaryDirectories.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), config);
  return dir;
}
afterEach(() => {
  for (const dir of temporaryDirectories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('stateDirectory', () => {
  it('uses ~/.local/state/eattest on Linux by default', () => {
    expect(stateDirectory({}, 'linux', '/home/dr')).toBe('/home/dr/.local/state/eattest');
    expect(stateDirectory({ XDG_STATE_HOME: '' }, 'linux', '/home/dr')).toBe('/home/dr/.local/state/eattest');
  });

  it('follows XDG_STATE_HOME on Linux', () => {
    expect(stateDirectory({ XDG_STATE_HOME: '/var/xdg-state' }, 'linux', '/home/dr')).toBe('/var/xdg-state/eattest');
  });

  it('uses Application Support on macOS', () => {
    expect(stateDirectory({ XDG_STATE_HOME: '/ignored' }, 'darwin', '/Users/dr')).toBe('/Users/dr/Library/Application Support/eAttest');
  });

  it('uses LOCALAPPDATA on Windows, or AppData\\Local under the home folder', () => {
    // path.join follows the platform the tests run on, so compare with the same separator.
    expect(stateDirectory({ LOCALAPPDATA: '/winlocal' }, 'win32', '/home/dr')).toBe(join('/winlocal', 'eAttest'));
    expect(stateDirectory({}, 'win32', '/home/dr')).toBe(join('/home/dr', 'AppData', 'Local', 'eAttest'));
  });

  it('lets EATTEST_STATE_DIR override everything, unless empty', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(stateDirectory({ EATTEST_STATE_DIR: '/srv/eattest', XDG_STATE_HOME: '/x', LOCALAPPDATA: '/y' }, platform, '/home/dr')).toBe('/srv/eattest');
    }
    expect(stateDirectory({ EATTEST_STATE_DIR: '' }, 'linux', '/home/dr')).toBe('/home/dr/.local/state/eattest');
  });
});

describe('loadConfig', () => {
  it('uses the defaults when there is no config file', () => {
    expect(loadConfig(stateDir(), {})).toEqual({ ...DEFAULTS, idleTimeoutMs: 30 * 60 * 1000 });
  });

  it('uses the defaults when the state directory does not exist', () => {
    expect(loadConfig(join(stateDir(), 'missing', 'deeper'), {})).toEqual(DEFAULTS);
  });

  it('reads the values of the config file', () => {
    expect(loadConfig(stateDir('{"environment":"acceptance","idleTimeoutMs":5000}'), {})).toEqual({
      ...DEFAULTS,
      environment: 'acceptance',
      idleTimeoutMs: 5000,
    });
    expect(loadConfig(stateDir('{"environment":"production"}'), {})).toEqual({ ...DEFAULTS, environment: 'production' });
  });

  it('refuses invalid JSON with a ConfigError naming the file', () => {
    const dir = stateDir('{"environment": ');
    const error = configError(() => loadConfig(dir, {}));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(join(dir, 'config.json'));
  });

  it('says where invalid JSON is wrong, never what it holds (a licence password must not reach the log)', () => {
    for (const text of ['{"mycarenet": {"licencePassword": s3cr3t-pass}}', '{"mycarenet": {"licencePassword": "s3cr3t-pass" "x"}}', '{"mycarenet": {"licencePassword": "s3cr3t-pass\u0001"}}']) {
      const error = configError(() => loadConfig(stateDir(text), {}));
      expect(error.message).toMatch(/is not valid JSON/);
      expect(error.message).not.toMatch(/s3cr3t|pass/);
    }
    expect(configError(() => loadConfig(stateDir('{\n  "environment": "simulator" "x"\n}'), {})).message).toMatch(/not valid JSON \(line 2, column 30\)$/);
    // V8 gives no position for an unexpected token, only a quote of the text around it (here a password typed without quotes).
    const unquoted = configError(() => loadConfig(stateDir('{\n  "mycarenet": {\n    "licencePassword": Qx7-Zr9vW2-kP4mT8\n  }\n}'), {})).message;
    expect(unquoted).toMatch(/not valid JSON \(line 3, column 24\)$/);
    expect(unquoted).not.toContain('Qx7');
  });

  it('refuses an unknown key', () => {
    const error = configError(() => loadConfig(stateDir('{"environment":"simulator","debug":true}'), {}));
    expect(error.message).toContain('is invalid');
    expect(error.message).toContain('debug');
  });

  it('refuses invalid values', () => {
    expect(configError(() => loadConfig(stateDir('{"environment":"staging"}'), {})).message).toContain('environment');
    expect(configError(() => loadConfig(stateDir('{"idleTimeoutMs":10}'), {})).message).toContain('idleTimeoutMs');
    // A call may be given less time than the shared worst case counts on, never more.
    expect(configError(() => loadConfig(stateDir('{"soapTimeoutMs":20001}'), {})).message).toContain('soapTimeoutMs');
    expect(configError(() => loadConfig(stateDir('[]'), {})).message).toContain('is invalid');
    expect(configError(() => loadConfig(stateDir('null'), {})).message).toContain('is invalid');
  });

  it('refuses a config file that is too large', () => {
    const big = JSON.stringify({ environment: 'simulator', padding: 'x'.repeat(70 * 1024) });
    expect(configError(() => loadConfig(stateDir(big), {})).message).toContain('larger than 65536 bytes');
  });

  it('refuses a config.json that cannot be read, rather than using the defaults', () => {
    // A directory where the file should be (EISDIR) is not a missing file.
    const dir = stateDir();
    mkdirSync(join(dir, 'config.json'));
    expect(configError(() => loadConfig(dir, {})).message).toContain(`cannot read ${join(dir, 'config.json')}`);
    // A state "directory" that is a file (ENOTDIR) neither.
    const file = join(stateDir(), 'not-a-dir');
    writeFileSync(file, '');
    expect(() => loadConfig(file, {})).toThrow(ConfigError);
  });

  it('lets EATTEST_IDLE_TIMEOUT_MS override the idle timeout', () => {
    expect(loadConfig(stateDir('{"idleTimeoutMs":5000}'), { EATTEST_IDLE_TIMEOUT_MS: '250' })).toEqual({
      ...DEFAULTS,
      idleTimeoutMs: 250,
    });
    expect(loadConfig(stateDir(), { EATTEST_IDLE_TIMEOUT_MS: '' }).idleTimeoutMs).toBe(1_800_000);
  });

  it.each(['abc', '99', '1.5', '-1000', '1e', '86400001', '99999999999'])('refuses EATTEST_IDLE_TIMEOUT_MS=%s', (value) => {
    const error = configError(() => loadConfig(stateDir(), { EATTEST_IDLE_TIMEOUT_MS: value }));
    expect(error.message).toBe('EATTEST_IDLE_TIMEOUT_MS must be an integer from 100 to 86400000');
  });

  it('accepts the largest idle timeout, a day', () => {
    expect(loadConfig(stateDir(), { EATTEST_IDLE_TIMEOUT_MS: '86400000' }).idleTimeoutMs).toBe(86_400_000);
  });
});
