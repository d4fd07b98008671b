import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import type { DecryptionKey } from '../../native-host/src/ehealth/seal/credential.js';
import { certificateDecimalSerial } from '../../native-host/src/ehealth/seal/cert-id.js';
import { buildEnvelopedData, openEnvelopedData } from '../../native-host/src/ehealth/seal/enveloped-data.js';
import { objectIdentifier } from '../../native-host/src/ehealth/seal/der-writer.js';
import { x963Kdf } from '../../native-host/src/ehealth/seal/key-agreement.js';
import { OID } from '../../native-host/src/ehealth/seal/oids.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

/**
 * The ECDH key agreement of the seal (RFC 5753) at the EnvelopedData level: the X9.63 KDF against
 * openssl's own, and what an EC recipient refuses (a point off the curve, an unknown scheme or
 * wrap, a wrapped key that does not unwrap). Whole seals round-trip in seal.test.ts and against
 * `openssl cms` in the seal-openssl integration test.
 */

let pki: TestPki;
let ec2: TestIdentity;
const content = new TextEncoder().encode('<kmehrmessage>consultation</kmehrmessage>');

beforeAll(async () => {
  pki = await testPki();
  ec2 = await pki.issue('ec2', 'ec');
}, 60_000);
afterAll(() => pki.cleanup());

function keysOf(id: TestIdentity): Map<string, DecryptionKey> {
  return new Map([[certificateDecimalSerial(id.certificate), { privateKey: id.privateKey, certificate: id.certificate }]]);
}

/** `der` with the first occurrence of `from` replaced by `to` (same length). */
function replaced(der: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  expect(to.byteLength).toBe(from.byteLength);
  const at = Buffer.from(der).indexOf(Buffer.from(from));
  expect(at).toBeGreaterThan(0);
  const copy = Buffer.from(der);
  copy.set(to, at);
  return copy;
}

function refusal(der: Uint8Array): string {
  try {
    openEnvelopedData(der, keysOf(ec2), 1 << 20);
  } catch (error) {
    if (error instanceof AppError && error.code === 'MYCARENET_BAD_ANSWER') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('X9.63 KDF', () => {
  it('derives what openssl derives (SHA-1/256/384, one and several blocks, with and without shared info)', () => {
    for (const hash of ['sha1', 'sha256', 'sha384'] as const) {
      for (const length of [16, 32, 70]) {
        const secret = randomBytes(48);
        const info = length === 32 ? new Uint8Array(0) : randomBytes(23);
        const args = ['kdf', '-keylen', String(length), '-kdfopt', `digest:${hash.toUpperCase()}`, '-kdfopt', `hexsecret:${secret.toString('hex')}`];
        if (info.byteLength > 0) args.push('-kdfopt', `hexinfo:${Buffer.from(info).toString('hex')}`);
        const expected = execFileSync('openssl', [...args, 'X963KDF'], { encoding: 'utf8' }).trim().replace(/:/g, '').toLowerCase();
        expect(x963Kdf(hash, secret, info, length).toString('hex')).toBe(expected);
      }
    }
  });
});

describe('an EC recipient', () => {
  it('opens what was enveloped for it', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    expect(Buffer.from(openEnvelopedData(der, keysOf(ec2), 1 << 20)).equals(Buffer.from(content))).toBe(true);
  });

  it('refuses an originator key that is not on the curve', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    // BIT STRING of 98 bytes: 0 unused bits, 0x04, X (48), Y (48).
    const header = Uint8Array.of(0x03, 0x62, 0x00, 0x04);
    const at = Buffer.from(der).indexOf(Buffer.from(header));
    expect(at).toBeGreaterThan(0);
    const offCurve = Buffer.from(der);
    offCurve[at + header.byteLength + 95] = (offCurve[at + header.byteLength + 95] ?? 0) ^ 0x01;
    expect(refusal(offCurve)).toMatch(/cannot be decrypted/);
  });

  it('refuses a key agreement scheme or a key wrap it does not know', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    // dhSinglePass-stdDH-sha256kdf-scheme (1.3.132.1.11.1) → 1.3.132.1.11.9; id-aes128-wrap → id-aes128-CBC.
    const scheme = replaced(der, objectIdentifier(OID.dhSinglePassStdDhSha256Kdf), objectIdentifier('1.3.132.1.11.9'));
    expect(refusal(scheme)).toMatch(/cannot be decrypted/);
    const wrap = replaced(der, objectIdentifier(OID.aes128Wrap), objectIdentifier(OID.aes128Cbc));
    expect(refusal(wrap)).toMatch(/cannot be decrypted/);
  });

  it('refuses a wrapped key altered in transit (AES key wrap checks its integrity)', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    // The wrapped 16-byte key: an OCTET STRING of 24 bytes.
    const at = Buffer.from(der).indexOf(Buffer.from([0x04, 0x18]));
    expect(at).toBeGreaterThan(0);
    const altered = Buffer.from(der);
    altered[at + 10] = (altered[at + 10] ?? 0) ^ 0x80;
    expect(refusal(altered)).toMatch(/cannot be decrypted/);
  });

  it('reads the same scheme with the cofactor variant (the NIST curves have cofactor 1)', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    const cofactor = replaced(der, objectIdentifier(OID.dhSinglePassStdDhSha256Kdf), objectIdentifier(OID.dhSinglePassCofactorDhSha256Kdf));
    expect(Buffer.from(openEnvelopedData(cofactor, keysOf(ec2), 1 << 20)).equals(Buffer.from(content))).toBe(true);
  });

  it('is not found among keys for other certificates', () => {
    const der = buildEnvelopedData(content, [ec2.certificate]);
    expect(() => openEnvelopedData(der, keysOf(pki.ec), 1 << 20)).toThrow(/not addressed to any of our encryption keys/);
  });
});
