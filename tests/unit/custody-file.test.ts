import { createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { custodyText, isCustodyFile, openCustodyFile } from '../../native-host/src/certificate/custody-file.js';
import type { Keystore } from '../../native-host/src/certificate/keys.js';
import { openKeystore } from '../../native-host/src/certificate/keystore.js';
import { AppError } from '../../src/shared/errors.js';
import { ensureTestPki, type ClinicianMaterial } from '../../simulator/pki/test-pki.js';

/** The host's custody file holds the same keys as the keystore it was made from, under the same password, in ciphers Node opens natively. */
describe('the custody file', () => {
  let doctor: ClinicianMaterial;
  let keystore: Keystore;
  let text: string;
  beforeAll(async () => {
    doctor = (await ensureTestPki()).clinicians.doctorRsa;
    keystore = openKeystore(readFileSync(doctor.legacyKeystore), doctor.password);
    text = custodyText(keystore, doctor.password);
  });

  const reason = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof AppError && error.code === 'CERTIFICATE_UNREADABLE') return String(error.details?.['reason']);
      throw error;
    }
    throw new Error('expected CERTIFICATE_UNREADABLE');
  };

  it('opens to the same keys, certificates and aliases as the legacy keystore', () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(isCustodyFile(bytes)).toBe(true);
    expect(isCustodyFile(readFileSync(doctor.legacyKeystore))).toBe(false);
    const opened = openCustodyFile(bytes, doctor.password);
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

  it('keeps every key encrypted and never the password', () => {
    const header = (label: string): string => `-----BEGIN ${label}-----`;
    expect(text).not.toContain(doctor.password);
    for (const plain of ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']) expect(text).not.toContain(header(plain));
    expect(text.split(header('ENCRYPTED PRIVATE KEY')).length - 1).toBe(1 + keystore.encryption.size);
  });

  it('refuses a wrong password, a damaged certificate, a swapped key and a foreign shape', () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(reason(() => openCustodyFile(bytes, `${doctor.password}x`))).toBe('wrong password');
    const custody = JSON.parse(text) as { authentication: { certificate: string; key: string }; encryption: { key: string }[] };
    const damaged = { ...custody, authentication: { ...custody.authentication, certificate: custody.authentication.certificate.split('\n').filter((_, line) => line < 3 || line > 6).join('\n') } };
    expect(reason(() => openCustodyFile(Buffer.from(JSON.stringify(damaged)), doctor.password))).toMatch(/damaged/);
    const swapped = { ...custody, authentication: { ...custody.authentication, key: custody.encryption[0]?.key ?? '' } };
    expect(reason(() => openCustodyFile(Buffer.from(JSON.stringify(swapped)), doctor.password))).toMatch(/does not match/);
    expect(reason(() => openCustodyFile(Buffer.from(JSON.stringify({ ...custody, version: 2 })), doctor.password))).toMatch(/shape/);
    expect(reason(() => openCustodyFile(Buffer.from('{not json'), doctor.password))).toMatch(/not JSON/);
    expect(reason(() => openCustodyFile(Buffer.from(`{${' '.repeat(1024 * 1024)}}`), doctor.password))).toMatch(/too large/);
  });
});
