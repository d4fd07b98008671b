import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecryptionKey, SigningCredential } from '../../native-host/src/ehealth/seal/credential.js';
import { certificateDecimalSerial } from '../../native-host/src/ehealth/seal/cert-id.js';
import { seal } from '../../native-host/src/ehealth/seal/seal.js';
import { unseal } from '../../native-host/src/ehealth/seal/unseal.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

/**
 * OpenSSL as the outside judge of our CMS: what we seal opens with `openssl cms`, and what
 * `openssl cms` builds the same way (sign → encrypt → sign) unseals with ours.
 */

let pki: TestPki;
let recipient2: TestIdentity;
let ecRecipient: TestIdentity;
const content = Buffer.from(`<kmehrmessage>${'consultation 101032 '.repeat(256)}</kmehrmessage>`);

beforeAll(async () => {
  pki = await testPki();
  [recipient2, ecRecipient] = await Promise.all([pki.issue('recipient2', 'rsa'), pki.issue('ec-recipient', 'ec')]);
  writeFileSync(pki.path('content.bin'), content);
}, 60_000);
afterAll(() => pki.cleanup());

function sender(id: TestIdentity): SigningCredential {
  return { privateKey: id.privateKey, certificate: id.certificate, chain: [pki.ca.certificate] };
}

function keysOf(id: TestIdentity): Map<string, DecryptionKey> {
  return new Map([[certificateDecimalSerial(id.certificate), { privateKey: id.privateKey, certificate: id.certificate }]]);
}

/** openssl's three steps back: verify outer, decrypt, verify inner. Returns the content. */
async function openWithOpenssl(prefix: string, sealed: Uint8Array, recipient: TestIdentity): Promise<Buffer> {
  writeFileSync(pki.path(`${prefix}-sealed.der`), sealed);
  await pki.openssl(['cms', '-verify', '-inform', 'DER', '-in', `${prefix}-sealed.der`, '-CAfile', pki.ca.certPath, '-out', `${prefix}-env.der`]);
  await pki.openssl([
    'cms', '-decrypt', '-inform', 'DER', '-in', `${prefix}-env.der`,
    '-recip', recipient.certPath, '-inkey', recipient.keyPath, '-out', `${prefix}-inner.der`,
  ]);
  await pki.openssl(['cms', '-verify', '-inform', 'DER', '-in', `${prefix}-inner.der`, '-CAfile', pki.ca.certPath, '-out', `${prefix}-content.bin`]);
  return readFileSync(pki.path(`${prefix}-content.bin`));
}

interface OpensslSealOptions {
  signer: TestIdentity;
  recipient: TestIdentity;
  signKeyopt?: string[];
  encryptKeyopt?: string[];
}

/** openssl's three steps forward: sign, encrypt with AES-128 for the recipient, sign. */
async function sealWithOpenssl(prefix: string, options: OpensslSealOptions): Promise<Buffer> {
  const sign = (input: string, output: string): Promise<unknown> =>
    pki.openssl([
      'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-in', input,
      '-signer', options.signer.certPath, '-inkey', options.signer.keyPath, ...(options.signKeyopt ?? []), '-out', output,
    ]);
  await sign('content.bin', `${prefix}-inner.der`);
  await pki.openssl([
    'cms', '-encrypt', '-binary', '-aes128', '-in', `${prefix}-inner.der`, '-outform', 'DER', '-out', `${prefix}-env.der`,
    '-recip', options.recipient.certPath, ...(options.encryptKeyopt ?? []),
  ]);
  await sign(`${prefix}-env.der`, `${prefix}-sealed.der`);
  return readFileSync(pki.path(`${prefix}-sealed.der`));
}

describe('our seal, opened by openssl cms', () => {
  it('RSA sender → RSA recipient', async () => {
    const sealed = await seal(content, sender(pki.rsa), [recipient2.certificate]);
    expect((await openWithOpenssl('ours-rsa', sealed, recipient2)).equals(content)).toBe(true);
  });

  it('EC P-384 sender → RSA recipient', async () => {
    const sealed = await seal(content, sender(pki.ec), [pki.rsa.certificate]);
    expect((await openWithOpenssl('ours-ec', sealed, pki.rsa)).equals(content)).toBe(true);
  });

  it('several recipients: openssl opens it as each of them', async () => {
    const sealed = await seal(content, sender(pki.ec), [pki.rsa.certificate, recipient2.certificate]);
    expect((await openWithOpenssl('ours-multi-1', sealed, pki.rsa)).equals(content)).toBe(true);
    expect((await openWithOpenssl('ours-multi-2', sealed, recipient2)).equals(content)).toBe(true);
  });

  it('EC P-384 sender → EC P-384 recipient (ECDH key agreement), and RSA and EC recipients together', async () => {
    const sealed = await seal(content, sender(pki.ec), [ecRecipient.certificate]);
    expect((await openWithOpenssl('ours-ecdh', sealed, ecRecipient)).equals(content)).toBe(true);
    const mixed = await seal(content, sender(pki.rsa), [recipient2.certificate, ecRecipient.certificate]);
    expect((await openWithOpenssl('ours-mixed-rsa', mixed, recipient2)).equals(content)).toBe(true);
    expect((await openWithOpenssl('ours-mixed-ec', mixed, ecRecipient)).equals(content)).toBe(true);
    const { stdout } = await pki.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'ours-ecdh-env.der']);
    expect(stdout).toContain('dhSinglePass-stdDH-sha256kdf-scheme');
    expect(stdout).toContain('id-aes128-wrap');
  });

  it('is canonical DER at every layer (openssl re-encodes it byte for byte)', async () => {
    const sealed = await seal(content, sender(pki.rsa), [pki.rsa.certificate, recipient2.certificate, ecRecipient.certificate]);
    await openWithOpenssl('ours-der', sealed, recipient2);
    for (const layer of ['sealed', 'env', 'inner']) {
      await pki.openssl(['cms', '-cmsout', '-inform', 'DER', '-in', `ours-der-${layer}.der`, '-outform', 'DER', '-out', `ours-der-${layer}.re.der`]);
      expect(readFileSync(pki.path(`ours-der-${layer}.re.der`)).equals(readFileSync(pki.path(`ours-der-${layer}.der`)))).toBe(true);
    }
  });
});

describe('openssl cms seal, opened by our unseal', () => {
  const cases: { name: string; options: () => OpensslSealOptions }[] = [
    { name: 'RSA signer, PKCS#1 v1.5 key transport (openssl default)', options: () => ({ signer: pki.rsa, recipient: recipient2 }) },
    {
      name: 'RSA signer, RSAES-OAEP key transport (SHA-1 defaults)',
      options: () => ({ signer: pki.rsa, recipient: recipient2, encryptKeyopt: ['-keyopt', 'rsa_padding_mode:oaep'] }),
    },
    {
      name: 'RSA signer, RSAES-OAEP with SHA-256',
      options: () => ({
        signer: pki.rsa,
        recipient: recipient2,
        encryptKeyopt: ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-keyopt', 'rsa_mgf1_md:sha256'],
      }),
    },
    {
      name: 'RSASSA-PSS signatures',
      options: () => ({ signer: pki.rsa, recipient: recipient2, signKeyopt: ['-keyopt', 'rsa_padding_mode:pss'] }),
    },
    { name: 'EC P-384 signer (ECDSA)', options: () => ({ signer: pki.ec, recipient: pki.rsa }) },
    // ECDH ephemeral-static for an EC P-384 recipient: the X9.63 KDF hashes and modes a platform may choose.
    { name: 'EC P-384 recipient, ECDH with SHA-1 KDF and AES-128 wrap (openssl default)', options: () => ({ signer: pki.ec, recipient: ecRecipient }) },
    {
      name: 'EC P-384 recipient, ECDH with SHA-256 KDF',
      options: () => ({ signer: pki.rsa, recipient: ecRecipient, encryptKeyopt: ['-keyopt', 'ecdh_kdf_md:sha256'] }),
    },
    {
      name: 'EC P-384 recipient, ECDH with SHA-384 KDF, cofactor mode, named by subject key identifier',
      options: () => ({ signer: pki.ec, recipient: ecRecipient, encryptKeyopt: ['-keyopt', 'ecdh_kdf_md:sha384', '-keyopt', 'ecdh_cofactor_mode:1', '-keyid'] }),
    },
    {
      name: 'signatures without signed attributes (-noattr)',
      options: () => ({ signer: pki.ec, recipient: recipient2, signKeyopt: ['-noattr'] }),
    },
  ];

  for (const { name, options } of cases) {
    it(name, async () => {
      const prefix = `theirs-${name.replace(/[^a-zA-Z0-9]+/g, '-')}`;
      const chosen = options();
      const sealed = await sealWithOpenssl(prefix, chosen);
      const opened = await unseal(sealed, keysOf(chosen.recipient));
      expect(Buffer.from(opened.content).equals(content)).toBe(true);
      expect(opened.signer.raw.equals(chosen.signer.certificate.raw)).toBe(true);
      if (chosen.signKeyopt?.includes('-noattr') === true) expect(opened.signingTime).toBeUndefined();
      else expect(opened.signingTime).toBeInstanceOf(Date);
    });
  }

  it('refuses an openssl seal whose layers have different signers', async () => {
    await pki.openssl([
      'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-in', 'content.bin',
      '-signer', pki.ec.certPath, '-inkey', pki.ec.keyPath, '-out', 'mixed-inner.der',
    ]);
    await pki.openssl(['cms', '-encrypt', '-binary', '-aes128', '-in', 'mixed-inner.der', '-outform', 'DER', '-out', 'mixed-env.der', recipient2.certPath]);
    await pki.openssl([
      'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-in', 'mixed-env.der',
      '-signer', pki.rsa.certPath, '-inkey', pki.rsa.keyPath, '-out', 'mixed-sealed.der',
    ]);
    await expect(unseal(readFileSync(pki.path('mixed-sealed.der')), keysOf(recipient2))).rejects.toMatchObject({ code: 'MYCARENET_BAD_ANSWER' });
  });
});
