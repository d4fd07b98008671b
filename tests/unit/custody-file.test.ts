import { createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody, PASSWORD_FILE, UNLOCK_KEY_FILE } from '../../native-host/src/certificate/custody.js';
import { CUSTODY_FILE, CUSTODY_KDF, sealCustody, isCustodyFile, openCustodyFile } from '../../native-host/src/certificate/custody-file.js';
import type { Keystore } from '../../native-host/src/certificate/keys.js';
import { openKeystore } from '../../native-host/src/certificate/keystore.js';
import { hostConfigSchema } from '../../native-host/src/config.js';
import { AppError } from '../../src/shared/errors.js';
import { ensureTestPki, type ClinicianMaterial } from '../../simulator/pki/test-pki.js';
import { legacyCustodyText } from '../support/legacy-custody.js';

/** The host's custody file holds the same keys as the keystore it was made from, under the same password, in ciphers Node opens natively. */
describe('the custody file', () => {
  let doctor: ClinicianMaterial;
  let keystore: Keystore;
  let text: string;
  beforeAll(async () => {
    doctor = (await ensureTestPki()).clinicians.doctorRsa;
    keystore = openKeystore(readFileSync(doctor.legacyKeystore), doctor.password);
    text = (await sealCustody(keystore, doctor.password)).text;
  });

  const reason = async (run: () => Promise<unknown>): Promise<string> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof AppError && error.code === 'CERTIFICATE_UNREADABLE') return String(error.details?.['reason']);
      throw error;
    }
    throw new Error('expected CERTIFICATE_UNREADABLE');
  };

  it('opens to the same keys, certificates and aliases as the legacy keystore', async () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(isCustodyFile(bytes)).toBe(true);
    expect(isCustodyFile(readFileSync(doctor.legacyKeystore))).toBe(false);
    const { keystore: opened, outdated } = await openCustodyFile(bytes, doctor.password);
    expect(outdated).toBe(false);
    expect(opened.authentication.certificate.fingerprint256).toBe(keystore.authentication.certificate.fingerprint256);
    expect(opened.authentication.chain.map((c) => c.fingerprint256)).toEqual(keystore.authentication.chain.map((c) => c.fingerprint256));
    expect([...opened.encryption.keys()]).toEqual([...keystore.encryption.keys()]);
    expect(opened.encryption.size).toBeGreaterThan(0);
    // The reopened key signs what the original certificate verifies.
    const data = Buffer.from('proof of possession');
    const signature = sign('sha256', data, opened.authentication.privateKey);
    expect(verify('sha256', data, createPublicKey(keystore.authentication.privateKey), signature)).toBe(true);
    for (const [alias, entry] of opened.encryption) expect(entry.certificate.checkPrivateKey(keystore.encryption.get(alias)?.privateKey ?? entry.privateKey)).toBe(true);
  });

  it('keeps every key sealed under scrypt (N = 2^15 at least, a fresh salt) and never the password', async () => {
    const header = (label: string): string => `-----BEGIN ${label}-----`;
    expect(text).not.toContain(doctor.password);
    for (const plain of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']) expect(text).not.toContain(header(plain));
    const custody = JSON.parse(text) as { version: number; kdf: { name: string; N: number; r: number; p: number; salt: string }; encryption: unknown[] };
    expect(custody.version).toBe(2);
    expect(custody.kdf).toMatchObject({ name: 'scrypt', r: 8, p: 1 });
    expect(custody.kdf.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(custody.encryption).toHaveLength(keystore.encryption.size);
    const again = JSON.parse((await sealCustody(keystore, doctor.password)).text) as typeof custody;
    expect(again.kdf.salt).not.toBe(custody.kdf.salt);
  });

  it('refuses a wrong password, a damaged certificate, a swapped key, a tampered key and a foreign shape', async () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(await reason(() => openCustodyFile(bytes, `${doctor.password}x`))).toBe('wrong password');
    type Entry = { alias: string; certificate: string; key: { iv: string; data: string } };
    const custody = JSON.parse(text) as { kdf: { N: number }; authentication: Entry; encryption: Entry[] };
    const write = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
    const damaged = { ...custody, authentication: { ...custody.authentication, certificate: custody.authentication.certificate.split('\n').filter((_, line) => line < 3 || line > 6).join('\n') } };
    expect(await reason(() => openCustodyFile(write(damaged), doctor.password))).toMatch(/damaged/);
    // A sealed key is bound to its alias: moved under "authentication", it does not open at all.
    const swapped = { ...custody, authentication: { ...custody.authentication, key: custody.encryption[0]?.key } };
    expect(await reason(() => openCustodyFile(write(swapped), doctor.password))).toBe('wrong password');
    const data = Buffer.from(custody.authentication.key.data, 'base64');
    data[5] = (data[5] ?? 0) ^ 1;
    const tampered = { ...custody, authentication: { ...custody.authentication, key: { ...custody.authentication.key, data: data.toString('base64') } } };
    expect(await reason(() => openCustodyFile(write(tampered), doctor.password))).toBe('wrong password');
    expect(await reason(() => openCustodyFile(write({ ...custody, version: 3 }), doctor.password))).toMatch(/shape/);
    expect(await reason(() => openCustodyFile(write({ ...custody, kdf: { ...custody.kdf, N: 1000 } }), doctor.password))).toMatch(/shape/);
    expect(await reason(() => openCustodyFile(write({ ...custody, kdf: { ...custody.kdf, N: 2 ** 30 } }), doctor.password))).toMatch(/asks too much/);
    expect(await reason(() => openCustodyFile(Buffer.from('{not json'), doctor.password))).toMatch(/not JSON/);
    expect(await reason(() => openCustodyFile(Buffer.from(`{${' '.repeat(1024 * 1024)}}`), doctor.password))).toMatch(/too large/);
  });

  it('opens a version 1 file (OpenSSL PEM, PBKDF2 at 2,048 iterations) and reports it outdated', async () => {
    const opened = await openCustodyFile(Buffer.from(legacyCustodyText(keystore, doctor.password)), doctor.password);
    expect(opened.outdated).toBe(true);
    expect(opened.keystore.authentication.certificate.fingerprint256).toBe(keystore.authentication.certificate.fingerprint256);
    expect([...opened.keystore.encryption.keys()]).toEqual([...keystore.encryption.keys()]);
    expect(await reason(() => openCustodyFile(Buffer.from(legacyCustodyText(keystore, doctor.password)), 'wrong'))).toBe('wrong password');
  });

  it('reports a file sealed under weaker scrypt parameters as outdated', async () => {
    const weaker = (await sealCustody(keystore, doctor.password, { ...CUSTODY_KDF, N: CUSTODY_KDF.N / 2 })).text;
    expect((await openCustodyFile(Buffer.from(weaker), doctor.password)).outdated).toBe(true);
  });
});

describe('custody opened ahead of use', () => {
  let doctor: ClinicianMaterial;
  let stateDir: string;
  beforeAll(async () => {
    doctor = (await ensureTestPki()).clinicians.doctorRsa;
    stateDir = mkdtempSync(join(tmpdir(), 'eattest-custody-'));
    const keystore = openKeystore(readFileSync(doctor.modernKeystore), doctor.password);
    writeFileSync(join(stateDir, CUSTODY_FILE), (await sealCustody(keystore, doctor.password)).text, { mode: 0o600 });
    writeFileSync(join(stateDir, PASSWORD_FILE), doctor.password, { mode: 0o600 });
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('opens the keystore once: the use after openAhead gets the keys it opened', async () => {
    const logged: string[] = [];
    const log = { info: (message: string) => logged.push(message), warn: () => undefined, error: () => undefined };
    const custody = new CertificateCustody(hostConfigSchema.parse({ keystore: { file: join(stateDir, CUSTODY_FILE), passwordStore: 'file' } }), stateDir, { log });
    await custody.openAhead();
    await custody.openAhead();
    const first = await custody.authentication();
    expect(first).toBe(await custody.authentication());
    expect(first.certificate.fingerprint256).toBe(new X509Certificate(readFileSync(doctor.authCert)).fingerprint256);
    expect(logged).toEqual(['custody file opened']);
  });

  it('keeps the unlock key beside the password (0600), and the next start opens the keys with it, without the KDF', async () => {
    const logged: string[] = [];
    const log = { info: (message: string) => logged.push(message), warn: () => undefined, error: () => undefined };
    const config = hostConfigSchema.parse({ keystore: { file: join(stateDir, CUSTODY_FILE), passwordStore: 'file' } });
    const unlockKeyFile = join(stateDir, UNLOCK_KEY_FILE);
    // Kept by the opening of the test above.
    expect(statSync(unlockKeyFile).mode & 0o777).toBe(0o600);
    const next = await new CertificateCustody(config, stateDir, { log }).authentication();
    expect(next.certificate.fingerprint256).toBe(new X509Certificate(readFileSync(doctor.authCert)).fingerprint256);
    expect(logged).toEqual(['custody file opened with its unlock key']);

    // A key that is not this file's (another salt, or damaged) is not trusted: the password and the KDF open it, and the key is kept again.
    const [version, salt] = readFileSync(unlockKeyFile, 'utf8').split(':');
    writeFileSync(unlockKeyFile, `${version}:${salt}:${Buffer.alloc(32, 7).toString('base64')}`, { mode: 0o600 });
    logged.length = 0;
    await new CertificateCustody(config, stateDir, { log }).authentication();
    expect(logged).toEqual(['custody file opened']);
    await new CertificateCustody(config, stateDir, { log }).authentication();
    expect(logged).toEqual(['custody file opened', 'custody file opened with its unlock key']);
  });

  it('leaves a failure to the first use, which reports it', async () => {
    const custody = new CertificateCustody(hostConfigSchema.parse({ keystore: { file: join(stateDir, 'absent.json'), passwordStore: 'file' } }), stateDir);
    await expect(custody.openAhead()).resolves.toBeUndefined();
    await expect(custody.authentication()).rejects.toMatchObject({ code: 'CERTIFICATE_MISSING' });
  });
});
