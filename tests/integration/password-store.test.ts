import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilePasswordStore, SecretToolStore } from '../../native-host/src/certificate/password-store.js';
import { writeFakeSecretTool } from '../support/fake-secret-tool.js';

/**
 * The password stores as the host uses them. secret-tool needs a desktop keyring over D-Bus, which
 * a CI machine has not; a stand-in `secret-tool` on PATH records exactly how it is called, so the
 * test can show that the password travels on stdin and never in the arguments.
 */
describe('password stores', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'eattest-store-'));
    savedPath = process.env['PATH'];
  });
  afterEach(() => {
    process.env['PATH'] = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the password in a file only the user can read, and refuses a file others can read', async () => {
    const store = new FilePasswordStore(join(dir, 'keystore.password'));
    expect(await store.get()).toBeUndefined();
    await store.set('s3cret pass');
    expect(statSync(join(dir, 'keystore.password')).mode & 0o777).toBe(0o600);
    expect(await store.get()).toBe('s3cret pass');
    chmodSync(join(dir, 'keystore.password'), 0o644);
    await expect(store.get()).rejects.toMatchObject({ code: 'CERTIFICATE_PASSWORD_MISSING' });
  });

  it('hands the password to secret-tool on stdin, never as an argument', async () => {
    const log = join(dir, 'calls.log');
    writeFakeSecretTool(dir, log);
    process.env['PATH'] = `${dir}${delimiter}${savedPath ?? ''}`;
    const store = new SecretToolStore();
    expect(await store.get()).toBeUndefined();
    await store.set('correct horse battery');
    expect(await store.get()).toBe('correct horse battery');
    await store.remove();
    expect(await store.get()).toBeUndefined();
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain('store --label=eAttest companion keystore password service be.eattest.companion account keystore');
    expect(calls).toContain('lookup service be.eattest.companion account keystore');
    expect(calls).not.toContain('correct horse battery');
  });

  it('says clearly when there is no secret-tool at all', async () => {
    process.env['PATH'] = dir;
    await expect(new SecretToolStore().get()).rejects.toMatchObject({ code: 'CERTIFICATE_PASSWORD_MISSING' });
  });
});
