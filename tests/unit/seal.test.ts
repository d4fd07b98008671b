import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../src/shared/errors.js';
import type { DecryptionKey, SigningCredential } from '../../native-host/src/ehealth/seal/credential.js';
import { certificateDecimalSerial } from '../../native-host/src/ehealth/seal/cert-id.js';
import { buildEnvelopedData } from '../../native-host/src/ehealth/seal/enveloped-data.js';
import { seal } from '../../native-host/src/ehealth/seal/seal.js';
import { buildSignedData } from '../../native-host/src/ehealth/seal/signed-data-builder.js';
import { unseal } from '../../native-host/src/ehealth/seal/unseal.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

const SECRET = 'kmehr SSIN 85073012345 patient Jan Janssens';
const content = new TextEncoder().encode(`<kmehrmessage>${SECRET}${'x'.repeat(5000)}</kmehrmessage>`);

let pki: TestPki;
let rsa2: TestIdentity;
let rsa3: TestIdentity;
let stranger: TestIdentity;
let ec2: TestIdentity;
let ecP256: TestIdentity;
let ecK256: TestIdentity;
const seenErrors: AppError[] = [];

beforeAll(async () => {
  pki = await testPki();
  [rsa2, rsa3, stranger, ec2, ecP256, ecK256] = await Promise.all([
    pki.issue('rsa2', 'rsa'),
    pki.issue('rsa3', 'rsa'),
    pki.issue('stranger', 'rsa'),
    pki.issue('ec2', 'ec'),
    pki.issue('ec-p256', 'ec', 'P-256'),
    pki.issue('ec-k256', 'ec', 'secp256k1'),
  ]);
}, 60_000);
afterAll(() => pki.cleanup());

function sender(id: TestIdentity): SigningCredential {
  return { privateKey: id.privateKey, certificate: id.certificate, chain: [pki.ca.certificate] };
}

function keysOf(...ids: TestIdentity[]): Map<string, DecryptionKey> {
  return new Map(ids.map((id) => [certificateDecimalSerial(id.certificate), { privateKey: id.privateKey, certificate: id.certificate }]));
}

async function appError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe(code);
    seenErrors.push(error);
    return error;
  }
  throw new Error(`expected ${code}`);
}

function flipped(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}

describe('seal → unseal', () => {
  it('round-trips RSA sender → RSA recipient', async () => {
    const before = Date.now();
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    const opened = await unseal(sealed, keysOf(rsa2));
    expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
    expect(opened.signer.raw.equals(pki.rsa.certificate.raw)).toBe(true);
    expect(opened.signingTime).toBeInstanceOf(Date);
    expect(opened.signingTime?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(opened.signingTime?.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('round-trips EC P-384 sender → RSA recipient', async () => {
    const sealed = await seal(content, sender(pki.ec), [pki.rsa.certificate]);
    const opened = await unseal(sealed, keysOf(pki.rsa));
    expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
    expect(opened.signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
  });

  it('seals for several recipients, each of which can unseal alone', async () => {
    const sealed = await seal(content, sender(pki.ec), [pki.rsa.certificate, rsa2.certificate, rsa3.certificate]);
    for (const recipient of [pki.rsa, rsa2, rsa3]) {
      const opened = await unseal(sealed, keysOf(recipient));
      expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
    }
    // With several keys of ours, the one the message names is used.
    const opened = await unseal(sealed, keysOf(stranger, rsa3));
    expect(opened.content.byteLength).toBe(content.byteLength);
  });

  it('round-trips to an EC P-384 recipient (ECDH key agreement), from an RSA or an EC sender', async () => {
    for (const from of [pki.rsa, pki.ec]) {
      const sealed = await seal(content, sender(from), [ec2.certificate]);
      const opened = await unseal(sealed, keysOf(ec2));
      expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
      expect(opened.signer.raw.equals(from.certificate.raw)).toBe(true);
    }
  });

  it('seals for RSA and EC recipients together, each of which can unseal alone', async () => {
    const sealed = await seal(content, sender(pki.ec), [rsa2.certificate, ec2.certificate, pki.ec.certificate]);
    for (const recipient of [rsa2, ec2, pki.ec]) {
      const opened = await unseal(sealed, keysOf(recipient));
      expect(Buffer.from(opened.content).equals(Buffer.from(content))).toBe(true);
    }
  });

  it('indexes keys by the decimal serial number of the certificate', () => {
    const serial = certificateDecimalSerial(pki.rsa.certificate);
    expect(serial).toMatch(/^[1-9][0-9]+$/);
    expect(serial).toBe(BigInt(`0x${pki.rsa.certificate.serialNumber}`).toString(10));
  });
});

describe('unseal refuses', () => {
  it('a message for none of our keys', async () => {
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    const error = await appError(unseal(sealed, keysOf(stranger, rsa3)), 'MYCARENET_BAD_ANSWER');
    expect(error.message).toMatch(/not addressed to any of our encryption keys/);
    expect(error.details?.recipientSerials).toBe(certificateDecimalSerial(rsa2.certificate));
    await appError(unseal(sealed, new Map()), 'MYCARENET_BAD_ANSWER');
  });

  it('an EC recipient whose key is not the one the message names, or whose wrapped key was altered', async () => {
    const sealed = await seal(content, sender(pki.rsa), [ec2.certificate]);
    const wrongKey = new Map([[certificateDecimalSerial(ec2.certificate), { privateKey: pki.ec.privateKey, certificate: ec2.certificate }]]);
    const error = await appError(unseal(sealed, wrongKey), 'MYCARENET_BAD_ANSWER');
    expect(error.message).toMatch(/cannot be decrypted/);
    await appError(unseal(sealed, keysOf(pki.ec)), 'MYCARENET_BAD_ANSWER');
  });

  it('a key filed under the right alias that is not the right key', async () => {
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    const wrongKey = new Map([[certificateDecimalSerial(rsa2.certificate), { privateKey: stranger.privateKey, certificate: rsa2.certificate }]]);
    await appError(unseal(sealed, wrongKey), 'MYCARENET_BAD_ANSWER');
    const wrongCertificate = new Map([[certificateDecimalSerial(rsa2.certificate), { privateKey: rsa2.privateKey, certificate: stranger.certificate }]]);
    await appError(unseal(sealed, wrongCertificate), 'MYCARENET_BAD_ANSWER');
  });

  it('a message with a byte flipped in the middle', async () => {
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    await appError(unseal(flipped(sealed, Math.floor(sealed.byteLength / 2)), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
  });

  it('a message with a byte flipped anywhere in the signed envelope or in the signature', async () => {
    for (const signer of [pki.rsa, pki.ec]) {
      const sealed = await seal(content, sender(signer), [rsa2.certificate]);
      const offsets: number[] = [];
      // The embedded EnvelopedData spans from about byte 64 to well past 60 % of the blob.
      for (let offset = 80; offset < sealed.byteLength * 0.6; offset += 131) offsets.push(offset);
      // The outer signature value ends the blob.
      for (let offset = sealed.byteLength - 40; offset < sealed.byteLength; offset += 7) offsets.push(offset);
      for (const offset of offsets) {
        await appError(unseal(flipped(sealed, offset), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
      }
    }
  });

  it('truncated, extended, empty and random input', async () => {
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    await appError(unseal(sealed.subarray(0, sealed.byteLength - 1), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
    await appError(unseal(Buffer.concat([sealed, Buffer.from([0])]), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
    await appError(unseal(new Uint8Array(0), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
    await appError(unseal(randomBytes(4096), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
  });

  it('an oversized message, before parsing it', async () => {
    const sealed = await seal(content, sender(pki.rsa), [rsa2.certificate]);
    const error = await appError(unseal(sealed, keysOf(rsa2), { maxBytes: sealed.byteLength - 1 }), 'MYCARENET_BAD_ANSWER');
    expect(error.message).toMatch(/larger than allowed/);
    await appError(unseal(new Uint8Array(10 * 1024 * 1024 + 1), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
    await expect(unseal(sealed, keysOf(rsa2), { maxBytes: sealed.byteLength })).resolves.toBeDefined();
  });

  it('a message whose inner and outer signers differ', async () => {
    const inner = buildSignedData(content, sender(pki.ec), new Date());
    const envelope = buildEnvelopedData(inner, [rsa2.certificate]);
    const outer = buildSignedData(envelope, sender(pki.rsa), new Date());
    const error = await appError(unseal(outer, keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
    expect(error.message).toMatch(/inner and outer signers differ/);
    // The same layers with one signer do open: the refusal is about the signers only.
    const same = buildSignedData(envelope, sender(pki.ec), new Date());
    await expect(unseal(same, keysOf(rsa2))).resolves.toBeDefined();
  });

  it('an envelope that is not signed', async () => {
    const inner = buildSignedData(content, sender(pki.rsa), new Date());
    await appError(unseal(buildEnvelopedData(inner, [rsa2.certificate]), keysOf(rsa2)), 'MYCARENET_BAD_ANSWER');
  });
});

describe('seal refuses', () => {
  it('an EC recipient on a curve we do not agree keys on is sealed for P-256 but not for secp256k1', async () => {
    const sealed = await seal(content, sender(pki.rsa), [ecP256.certificate]);
    expect((await unseal(sealed, keysOf(ecP256))).content.byteLength).toBe(content.byteLength);
    const error = await appError(seal(content, sender(pki.rsa), [rsa2.certificate, ecK256.certificate]), 'KEY_TYPE_UNSUPPORTED');
    expect(error.details?.recipientIndex).toBe(1);
  });

  it('no recipient, empty content, a key that is not the certificate’s', async () => {
    await appError(seal(content, sender(pki.rsa), []), 'SEAL_FAILED');
    await appError(seal(new Uint8Array(0), sender(pki.rsa), [rsa2.certificate]), 'SEAL_FAILED');
    const mismatched: SigningCredential = { privateKey: stranger.privateKey, certificate: pki.rsa.certificate, chain: [] };
    await appError(seal(content, mismatched, [rsa2.certificate]), 'SEAL_FAILED');
  });
});

describe('errors', () => {
  it('never carry the content or key material', () => {
    expect(seenErrors.length).toBeGreaterThan(20);
    const forbidden = [
      SECRET,
      Buffer.from(SECRET).toString('hex'),
      Buffer.from(SECRET).toString('base64').slice(0, 24),
      'PRIVATE KEY',
      pki.rsa.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64').slice(40, 80),
    ];
    for (const error of seenErrors) {
      const text = `${error.message} ${JSON.stringify(error.details ?? {})} ${error.stack ?? ''}`;
      for (const needle of forbidden) expect(text).not.toContain(needle);
      expect(error.message.length).toBeLessThan(200);
    }
  });
});
