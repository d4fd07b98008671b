import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { parseEtk } from '../../native-host/src/ehealth/etk/etk-token.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

let pki: TestPki;
let encryption: TestIdentity;
let encryptionDer: Buffer;

/** An ETK the way the depot serves one: CMS SignedData embedding the encryption certificate's DER. */
async function makeEtk(name: string, signer: TestIdentity, inputFile = 'enc.der', extra: string[] = []): Promise<Buffer> {
  await pki.openssl([
    'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-in', inputFile,
    '-signer', signer.certPath, '-inkey', signer.keyPath, ...extra, '-out', `${name}.der`,
  ]);
  return readFileSync(pki.path(`${name}.der`));
}

beforeAll(async () => {
  pki = await testPki();
  encryption = await pki.issue('etk-enc', 'rsa');
  await pki.openssl(['x509', '-in', encryption.certPath, '-outform', 'DER', '-out', 'enc.der']);
  encryptionDer = readFileSync(pki.path('enc.der'));
}, 60_000);
afterAll(() => pki.cleanup());

async function badEtk(der: Uint8Array): Promise<AppError> {
  try {
    await parseEtk(der);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe('MYCARENET_BAD_ANSWER');
    return error;
  }
  throw new Error('expected MYCARENET_BAD_ANSWER');
}

function flipped(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}

describe('parseEtk', () => {
  it('returns the encryption certificate and the signer of an RSA-signed ETK', async () => {
    const etk = await makeEtk('etk-rsa', pki.rsa);
    const token = await parseEtk(etk);
    expect(token.encryptionCertificate.raw.equals(encryptionDer)).toBe(true);
    expect(token.signer.raw.equals(pki.rsa.certificate.raw)).toBe(true);
  });

  it('accepts an EC P-384 signer and an RSASSA-PSS signature', async () => {
    const ec = await parseEtk(await makeEtk('etk-ec', pki.ec));
    expect(ec.signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
    const pss = await parseEtk(await makeEtk('etk-pss', pki.rsa, 'enc.der', ['-keyopt', 'rsa_padding_mode:pss']));
    expect(pss.encryptionCertificate.raw.equals(encryptionDer)).toBe(true);
  });

  it('finds a signer named by subject key identifier instead of issuer and serial', async () => {
    const token = await parseEtk(await makeEtk('etk-keyid', pki.ec, 'enc.der', ['-keyid']));
    expect(token.signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
  });

  it('refuses a tampered ETK', async () => {
    const etk = await makeEtk('etk-tamper', pki.rsa);
    const inCertificate = etk.indexOf(encryptionDer) + Math.floor(encryptionDer.byteLength / 2);
    expect(inCertificate).toBeGreaterThan(encryptionDer.byteLength / 2);
    await badEtk(flipped(etk, inCertificate));
    await badEtk(flipped(etk, Math.floor(etk.byteLength / 2)));
    await badEtk(flipped(etk, etk.byteLength - 10));
  });

  it('refuses garbage, a truncated ETK and signed content that is not a certificate', async () => {
    const etk = await makeEtk('etk-good', pki.rsa);
    await badEtk(etk.subarray(0, etk.byteLength - 1));
    await badEtk(new Uint8Array(0));
    await badEtk(new TextEncoder().encode('not an ETK'));
    writeFileSync(pki.path('text.bin'), 'hello, not a certificate');
    const error = await badEtk(await makeEtk('etk-text', pki.rsa, 'text.bin'));
    expect(error.message).toMatch(/not a certificate/);
  });

  it('refuses a detached signature (no embedded certificate)', async () => {
    await pki.openssl([
      'cms', '-sign', '-binary', '-outform', 'DER', '-md', 'sha256', '-in', 'enc.der',
      '-signer', pki.rsa.certPath, '-inkey', pki.rsa.keyPath, '-out', 'etk-detached.der',
    ]);
    const error = await badEtk(readFileSync(pki.path('etk-detached.der')));
    expect(error.message).toMatch(/not embedded/);
  });
});
