import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtHostScript } from '../support/paths.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';

/**
 * Finding 7: a malformed config.json put part of the licence password into host.log and `doctor`'s
 * output (Node's JSON error quotes the text around the fault), and config.json's permissions were
 * never checked. The built host and its `doctor`, on a config whose password was typed without
 * its quotes: neither says any part of it, and a config.json others may read is a problem.
 */

/** No English word in it: any 6 characters of it found in an output are a leak. */
const PASSWORD = 'Qx7-Zr9vW2-kP4mT8';
/** The password typed without its quotes: the parser's "Unexpected token" message quotes the text around it. */
const MALFORMED = `{\n  "environment": "simulator",\n  "mycarenet": { "licenceUsername": "vendor", "licencePassword": ${PASSWORD}, "packageName": "x" }\n}\n`;

/** Any 6 consecutive characters of the password: what a quoted excerpt would show. */
function leaksPassword(text: string): boolean {
  for (let start = 0; start + 6 <= PASSWORD.length; start += 1) if (text.includes(PASSWORD.slice(start, start + 6))) return true;
  return false;
}

describe('config.json holds the licence password', () => {
  let home: string;
  let stateDir: string;
  let host: HostProcess | undefined;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'eattest-secrets-'));
    stateDir = join(home, 'state');
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  });
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    rmSync(home, { recursive: true, force: true });
  });

  const doctor = () => {
    const result = spawnSync(process.execPath, [builtHostScript, 'doctor'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: stateDir } });
    return `${result.stdout}\n${result.stderr}`;
  };

  it('a malformed one is reported by line and column in host.log, the host’s answers and doctor, never quoted', async () => {
    writeFileSync(join(stateDir, 'config.json'), MALFORMED, { mode: 0o600 });
    host = startHost({ stateDir });
    void hello(host);
    // The host refuses to serve on a configuration it cannot read, says so in a typed error and leaves.
    const refusal = await host.nextReply();
    expect(refusal).toMatchObject({ id: null, ok: false, error: { code: 'HOST_MISCONFIGURED' } });
    expect(await host.exited).not.toBe(0);
    const answers = JSON.stringify(refusal) + host.stderrText();
    host = undefined;
    const log = readFileSync(join(stateDir, 'host.log'), 'utf8');
    const doctorOutput = doctor();

    expect(`${log}\n${doctorOutput}`).toMatch(/line 3, column \d+/);
    expect(leaksPassword(log)).toBe(false);
    expect(leaksPassword(answers)).toBe(false);
    expect(leaksPassword(doctorOutput)).toBe(false);
    // The check can fail: the JSON parser's own message does quote the password.
    let parserMessage = '';
    try {
      JSON.parse(MALFORMED);
    } catch (error) {
      parserMessage = error instanceof Error ? error.message : '';
    }
    expect(leaksPassword(parserMessage)).toBe(true);
  });

  it('doctor flags a config.json other users may read as a problem, and is content with 0600', () => {
    const file = join(stateDir, 'config.json');
    writeFileSync(file, JSON.stringify({ environment: 'simulator', mycarenet: { packageName: 'x', licenceUsername: 'vendor', licencePassword: PASSWORD } }), { mode: 0o600 });
    chmodSync(file, 0o644);
    const loose = doctor();
    expect(loose).toMatch(/PROBLEM.*config\.json/);
    expect(leaksPassword(loose)).toBe(false);
    chmodSync(file, 0o600);
    expect(doctor()).not.toMatch(/PROBLEM.*config\.json/);
  });
});
