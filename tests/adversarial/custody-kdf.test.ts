import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody, PASSWORD_FILE, UNLOCK_KEY_FILE } from '../../native-host/src/certificate/custody.js';
import { CUSTODY_FILE, CUSTODY_KDF } from '../../native-host/src/certificate/custody-file.js';
import type { Keystore } from '../../native-host/src/certificate/keys.js';
import { openKeystore } from '../../native-host/src/certificate/keystore.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import type { Logger } from '../../native-host/src/log.js';
import { ensureTestPki, type ClinicianMaterial } from '../../simulator/pki/test-pki.js';
import { legacyCustodyText } from '../support/legacy-custody.js';

/**
 * Finding 9: custody keys were encrypted with PBKDF2 at 2,048 iterations (OpenSSL's PEM default).
 * A state folder holding such a file is unlocked by the host's custody, which seals it again under
 * scrypt; the keys are the same, and the next unlock reads the new file as it is.
 */
describe('custody files under the old KDF', () => {
  let doctor: ClinicianMaterial;
  let keystore: Keystore;
  let stateDir: string | undefined;
  beforeAll(async () => {
    doctor = (await ensureTestPki()).clinicians.doctorRsa;
    keystore = openKeystore(readFileSync(doctor.modernKeystore), doctor.password);
  });
  afterEach(() => {
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
    stateDir = undefined;
  });

  it('are sealed again under scrypt on the next unlock, with the same keys, 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eattest-custody-'));
    stateDir = dir;
    const file = join(dir, CUSTODY_FILE);
    writeFileSync(file, legacyCustodyText(keystore, doctor.password), { mode: 0o600 });
    writeFileSync(join(dir, PASSWORD_FILE), doctor.password, { mode: 0o600 });
    const config = hostConfigSchema.parse({ keystore: { file, passwordStore: 'file' } });
    const logged: string[] = [];
    const log: Logger = { info: (message) => logged.push(message), warn: (message) => logged.push(message), error: (message) => logged.push(message) };
    const before = readFileSync(file, 'utf8');
    // The version-1 file: PEM-encrypted PKCS#8 (PBKDF2 at 2,048 iterations).
    expect(before).toContain('ENCRYPTED PRIVATE KEY-----');

    const first = await new CertificateCustody(config, dir, { log }).authentication();
    expect(first.certificate.fingerprint256).toBe(keystore.authentication.certificate.fingerprint256);
    const after = readFileSync(file, 'utf8');
    const custody = JSON.parse(after) as { version: number; kdf: { name: string; N: number } };
    expect(custody.version).toBe(2);
    expect(custody.kdf).toMatchObject({ name: 'scrypt', N: CUSTODY_KDF.N });
    expect(after).not.toContain('ENCRYPTED PRIVATE KEY');
    expect(after).not.toContain(doctor.password);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(logged).toEqual(['custody file opened', 'custody file sealed again under the current KDF']);

    // The next unlock reads the new file, the same keys, and leaves it as it is.
    const reopened = new CertificateCustody(config, dir, { log });
    expect((await reopened.authentication()).certificate.fingerprint256).toBe(keystore.authentication.certificate.fingerprint256);
    expect([...(await reopened.encryptionKeys()).keys()]).toEqual([...keystore.encryption.keys()]);
    expect(readFileSync(file, 'utf8')).toBe(after);
    // The unlock key kept at the reseal is the new file's; without it, the password opens the new file through scrypt.
    expect(logged).toEqual(['custody file opened', 'custody file sealed again under the current KDF', 'custody file opened with its unlock key']);
    rmSync(join(dir, UNLOCK_KEY_FILE));
    expect((await new CertificateCustody(config, dir, { log }).authentication()).certificate.fingerprint256).toBe(keystore.authentication.certificate.fingerprint256);
    expect(logged.at(-1)).toBe('custody file opened');
  });
});
