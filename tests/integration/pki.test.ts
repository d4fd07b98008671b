import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';

/**
 * The test PKI generator, checked from the outside with openssl and keytool: what a real eHealth
 * keystore, certificate and ETK look like (PROTOCOL.md §3, §5.1).
 */

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function tool(command: string, args: readonly string[]): Run {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const openssl = (...args: string[]): Run => tool('openssl', args);

function opensslOk(...args: string[]): string {
  const result = openssl(...args);
  expect(result.code, result.err).toBe(0);
  return result.out;
}

/** What `openssl pkcs12 -info` reports about the protection (no key is output). */
function p12Info(material: ClinicianMaterial, keystore: string): string {
  const result = openssl('pkcs12', '-info', '-noout', '-legacy', '-in', keystore, '-passin', `file:${material.passwordFile}`);
  expect(result.code, result.err).toBe(0);
  return `${result.out}${result.err}`;
}

const count = (text: string, part: string): number => text.split(part).length - 1;

/** The SSIN check: 97 − (first nine digits mod 97), or with a "2" in front for births from 2000. */
function ssinCheckOk(ssin: string): boolean {
  if (!/^\d{11}$/.test(ssin)) return false;
  const check = Number(ssin.slice(9));
  return [BigInt(ssin.slice(0, 9)), BigInt(`2${ssin.slice(0, 9)}`)].some((base) => check === 97 - Number(base % 97n));
}

function serialOf(certificate: string): bigint {
  const line = opensslOk('x509', '-in', certificate, '-noout', '-serial').trim();
  return BigInt(`0x${line.replace(/^serial=/, '')}`);
}

function derOf(certificate: string): Buffer {
  const result = spawnSync('openssl', ['x509', '-in', certificate, '-outform', 'DER']);
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('test PKI generator', () => {
  let root: string;
  let pki: TestPki;
  let generationMs = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'eattest-pki-'));
    const started = performance.now();
    pki = await ensureTestPki(join(root, 'pki'), { force: true });
    generationMs = performance.now() - started;
  }, 120_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const clinicians = (): [string, ClinicianMaterial][] => [
    ...Object.entries(pki.clinicians),
    ['expiredDoctor', pki.expiredDoctor],
    ['untrustedDoctor', pki.untrustedDoctor],
  ];
  const current = (): ClinicianMaterial[] => Object.values(pki.clinicians);

  it('generates in reasonable time, into a private folder', () => {
    expect(generationMs).toBeLessThan(60_000);
    expect(statSync(pki.dir).mode & 0o777).toBe(0o700);
    expect(pki.dir).toBe(join(root, 'pki'));
    for (const [, material] of clinicians()) {
      expect(statSync(material.passwordFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(material.passwordFile, 'utf8')).toBe(material.password);
      for (const key of [material.authKey, material.encKey]) expect(statSync(key).mode & 0o777).toBe(0o600);
    }
    for (const key of [pki.caKey, pki.sts.key, pki.tls.key, pki.mycarenet.auth.key, pki.mycarenet.enc.key]) {
      expect(statSync(key).mode & 0o777).toBe(0o600);
    }
  });

  it('writes legacy keystores with 3DES keys, RC2-40 certificates and a SHA-1 MAC', () => {
    for (const material of current()) {
      const info = p12Info(material, material.legacyKeystore);
      expect(count(info, 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC')).toBe(2);
      expect(info).toContain('PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC');
      expect(info).toContain('MAC: sha1');
      expect(info).not.toContain('AES');
      // Like real old keystores, OpenSSL 3 cannot read them without its legacy provider.
      const withoutLegacy = openssl('pkcs12', '-info', '-noout', '-in', material.legacyKeystore, '-passin', `file:${material.passwordFile}`);
      expect(withoutLegacy.code).not.toBe(0);
    }
  });

  it('writes modern keystores with AES-256-CBC/PBKDF2 and a SHA-256 MAC', () => {
    for (const [, material] of clinicians()) {
      const info = p12Info(material, material.modernKeystore);
      expect(count(info, 'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC')).toBe(2);
      expect(info).toContain('PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC');
      expect(info).toContain('MAC: sha256');
      expect(info).not.toMatch(/pbeWithSHA1|RC2/);
    }
    // Only the modern keystore for the expired and untrusted doctors.
    expect(pki.expiredDoctor.legacyKeystore).toBe(pki.expiredDoctor.modernKeystore);
    expect(pki.untrustedDoctor.legacyKeystore).toBe(pki.untrustedDoctor.modernKeystore);
  });

  it('names the entries "authentication" and the decimal serial of the encryption certificate', () => {
    for (const [, material] of clinicians()) {
      expect(material.encAlias).toBe(serialOf(material.encCert).toString(10));
      for (const keystore of new Set([material.legacyKeystore, material.modernKeystore])) {
        const certs = opensslOk('pkcs12', '-in', keystore, '-nokeys', '-legacy', '-passin', `file:${material.passwordFile}`);
        expect(certs).toContain('friendlyName: authentication\n');
        expect(certs).toContain(`friendlyName: ${material.encAlias}\n`);
      }
    }
  });

  it('keytool reads both keystores: two key entries, each with its chain', () => {
    const material = pki.clinicians.doctorEc;
    for (const keystore of [material.legacyKeystore, material.modernKeystore]) {
      const listing = tool('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', keystore, '-storepass:file', material.passwordFile]);
      expect(listing.code, listing.err).toBe(0);
      expect(listing.out).toContain('Alias name: authentication');
      expect(listing.out).toContain(`Alias name: ${material.encAlias}`);
      expect(count(listing.out, 'Entry type: PrivateKeyEntry')).toBe(2);
      expect(count(listing.out, 'Certificate chain length: 2')).toBe(2);
    }
  });

  it('gives clinicians eHealth certificates', () => {
    for (const [, material] of clinicians()) {
      const { ssin, givenName, surname } = material.identity;
      const expected = `C=BE, O=Federal Government, OU=SSIN=${ssin}, OU=${givenName.toUpperCase()} ${surname.toUpperCase()}, OU=eHealth-platform Belgium, CN=SSIN=${ssin}`;
      for (const certificate of [material.authCert, material.encCert]) {
        expect(opensslOk('x509', '-in', certificate, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space').trim()).toBe(`subject=${expected}`);
      }
      const auth = opensslOk('x509', '-in', material.authCert, '-noout', '-ext', 'keyUsage,extendedKeyUsage');
      expect(auth).toContain('Digital Signature, Non Repudiation, Key Encipherment');
      expect(auth).toContain('TLS Web Client Authentication, E-mail Protection');
      const enc = opensslOk('x509', '-in', material.encCert, '-noout', '-ext', 'keyUsage');
      expect(enc).toContain('Key Encipherment, Data Encipherment');
      for (const certificate of [material.authCert, material.encCert]) {
        const serial = serialOf(certificate);
        expect(serial > 0n && serial < 2n ** 64n).toBe(true);
      }
      expect(serialOf(material.authCert)).not.toBe(serialOf(material.encCert));
    }
    const doctor = pki.clinicians.doctorRsa;
    const lifetime = Date.parse(doctor.notAfter) - Date.parse(doctor.notBefore);
    expect(lifetime / 86_400_000).toBeGreaterThanOrEqual(3 * 365);
    expect(lifetime / 86_400_000).toBeLessThanOrEqual(3 * 366);
    expect(Date.now() - Date.parse(doctor.notBefore)).toBeGreaterThan(23 * 3_600_000);
  });

  it('uses RSA 2048 or EC P-384 keys as asked', () => {
    for (const [, material] of clinicians()) {
      const { keyType, encryptionKeyType = keyType } = material.identity;
      for (const [key, type] of [[material.authKey, keyType], [material.encKey, encryptionKeyType]] as const) {
        const text = opensslOk('pkey', '-in', key, '-noout', '-text_pub');
        if (type === 'ec') expect(text).toContain('ASN1 OID: secp384r1');
        else expect(text).toContain('Public-Key: (2048 bit)');
      }
    }
    expect(pki.clinicians.doctorEc.identity.keyType).toBe('ec');
    expect(pki.clinicians.doctorEcRsaEtk.identity).toMatchObject({ keyType: 'ec', encryptionKeyType: 'rsa' });
  });

  it('uses valid SSINs and NIHII numbers', () => {
    for (const [, { identity }] of clinicians()) {
      expect(ssinCheckOk(identity.ssin), identity.ssin).toBe(true);
      const firstDigit = { doctor: '1', dentist: '3', nurse: '4', midwife: '4', physiotherapist: '5', speechTherapist: '6' }[identity.profession];
      expect(identity.nihii11, identity.id).toMatch(new RegExp(`^${firstDigit}\\d{10}$`));
    }
    expect(new Set(clinicians().map(([, { identity }]) => identity.ssin)).size).toBe(clinicians().length);
  });

  it('makes ETKs that verify and hold the encryption certificate', () => {
    const holders = [...current().map((material) => ({ etk: material.etk, enc: material.encCert, auth: material.authCert })),
      { etk: pki.mycarenet.etk, enc: pki.mycarenet.enc.cert, auth: pki.mycarenet.auth.cert }];
    for (const holder of holders) {
      const content = join(root, 'etk-content.der');
      const signer = join(root, 'etk-signer.pem');
      opensslOk('cms', '-verify', '-inform', 'DER', '-in', holder.etk, '-CAfile', pki.caCert, '-binary', '-out', content, '-signer', signer);
      expect(readFileSync(content).equals(derOf(holder.enc))).toBe(true);
      expect(derOf(signer).equals(derOf(holder.auth))).toBe(true);
      const structure = opensslOk('cms', '-cmsout', '-print', '-noout', '-inform', 'DER', '-in', holder.etk);
      expect(structure).toContain('eContentType: pkcs7-data');
      expect(structure).toContain('algorithm: sha256');
    }
    expect(pki.mycarenet.encAlias).toBe(serialOf(pki.mycarenet.enc.cert).toString(10));
  });

  it('has an expired doctor and an untrusted doctor', () => {
    expect(Date.parse(pki.expiredDoctor.notAfter)).toBeLessThan(Date.now());
    expect(openssl('x509', '-in', pki.expiredDoctor.authCert, '-noout', '-checkend', '0').code).toBe(1);
    const expired = openssl('verify', '-CAfile', pki.caCert, pki.expiredDoctor.authCert);
    expect(expired.code).not.toBe(0);
    expect(`${expired.out}${expired.err}`).toContain('certificate has expired');

    expect(openssl('verify', '-CAfile', pki.caCert, pki.untrustedDoctor.authCert).code).not.toBe(0);
    opensslOk('verify', '-CAfile', pki.untrustedCaCert, pki.untrustedDoctor.authCert);
    for (const material of current()) opensslOk('verify', '-CAfile', pki.caCert, material.authCert, material.encCert);
  });

  it('issues MyCareNet, STS and TLS certificates from the test CA', () => {
    const subject = (certificate: string) => opensslOk('x509', '-in', certificate, '-noout', '-subject', '-nameopt', 'oneline').trim();
    expect(pki.mycarenet.cbe).toBe('0820563481');
    for (const certificate of [pki.mycarenet.auth.cert, pki.mycarenet.enc.cert]) {
      expect(subject(certificate)).toBe(
        'subject=C = BE, O = Federal Government, OU = eHealth-platform Belgium, OU = MYCARENET, OU = CBE=0820563481, CN = "CBE=0820563481, MYCARENET"',
      );
    }
    expect(opensslOk('pkey', '-in', pki.mycarenet.enc.key, '-noout', '-text_pub')).toContain('Public-Key: (2048 bit)');
    expect(subject(pki.sts.cert)).toBe(
      'subject=C = BE, O = Federal Government, OU = eHealth-platform Belgium, OU = CBE=0809394427, CN = "CBE=0809394427, STS test"',
    );
    expect(opensslOk('x509', '-in', pki.caCert, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space')).toContain(
      'C=BE, O=eAttest test PKI, CN=eAttest Test eHealth issuing CA',
    );
    const san = opensslOk('x509', '-in', pki.tls.cert, '-noout', '-ext', 'subjectAltName');
    expect(san).toContain('DNS:localhost');
    expect(san).toContain('IP Address:127.0.0.1');
    expect(pki.tls.caCert).toBe(pki.caCert);
    opensslOk('verify', '-CAfile', pki.caCert, '-purpose', 'sslserver', pki.tls.cert);
    opensslOk('verify', '-CAfile', pki.caCert, pki.sts.cert, pki.mycarenet.auth.cert, pki.mycarenet.enc.cert);
  });

  it('returns the same PKI quickly on the next call', async () => {
    const started = performance.now();
    const again = await ensureTestPki(join(root, 'pki'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(again).toEqual(pki);
    expect(again.clinicians.doctorRsa.encAlias).toBe(pki.clinicians.doctorRsa.encAlias);
  });
});
