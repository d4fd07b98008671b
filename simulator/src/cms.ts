import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, ToolFailed } from './tool.js';

/**
 * The platform's side of the ETEE seal (PROTOCOL §5.2), done with the `openssl cms` command: an
 * implementation independent of the host's (pkijs) code, so that the two check each other.
 */

export class SealRejected extends Error {
  override readonly name = 'SealRejected';
}

async function openssl(args: readonly string[], input: Buffer): Promise<Buffer> {
  try {
    return await runTool('openssl', args, { input });
  } catch (error) {
    if (!(error instanceof ToolFailed)) throw error;
    throw new SealRejected(`openssl ${args[1] ?? ''} failed: ${error.message.replace(/^openssl \S* failed: /, '').split('\n')[0] ?? ''}`.slice(0, 200));
  }
}

export interface UnsealKey {
  certFile: string;
  keyFile: string;
}

export interface Unsealed {
  content: Buffer;
  signer: X509Certificate;
}

/** Verifies the outer signature, decrypts with our key, verifies the inner signature; both signers must be the same. */
export async function unsealWithOpenssl(sealed: Buffer, recipient: UnsealKey, caFile: string): Promise<Unsealed> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-unseal-'));
  try {
    const outerSigner = join(dir, 'outer.pem');
    const innerSigner = join(dir, 'inner.pem');
    const enveloped = await openssl(['cms', '-verify', '-inform', 'DER', '-binary', '-CAfile', caFile, '-purpose', 'any', '-signer', outerSigner], sealed);
    const inner = await openssl(['cms', '-decrypt', '-inform', 'DER', '-binary', '-recip', recipient.certFile, '-inkey', recipient.keyFile], enveloped);
    const content = await openssl(['cms', '-verify', '-inform', 'DER', '-binary', '-CAfile', caFile, '-purpose', 'any', '-signer', innerSigner], inner);
    const outer = new X509Certificate(await readFile(outerSigner));
    const innerCertificate = new X509Certificate(await readFile(innerSigner));
    if (outer.fingerprint256 !== innerCertificate.fingerprint256) throw new SealRejected('the inner and outer signers differ');
    return { content, signer: outer };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SealSigner {
  certFile: string;
  keyFile: string;
}

/**
 * How the CEK reaches an EC recipient: ephemeral-static ECDH (KeyAgreeRecipientInfo) with the
 * X9.63 KDF over SHA-256 (the scheme RFC 5753's recommended algorithms ask every implementation
 * to support; openssl's own default is SHA-1) and AES-128 key wrap (openssl matches the wrap to the AES-128 content key). How the real
 * platform seals for EC ETKs is not established (README, "EC certificates"); this is standard CMS.
 */
const EC_RECIPIENT_OPTIONS = ['-keyopt', 'ecdh_kdf_md:sha256'];

/** Seals content for a recipient certificate (sign, encrypt with AES-128, sign), as the platform answers. */
export async function sealWithOpenssl(content: Buffer, signer: SealSigner, recipientCertificate: X509Certificate): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-seal-'));
  try {
    const recipientFile = join(dir, 'recipient.pem');
    await writeFile(recipientFile, recipientCertificate.toString());
    const sign = ['cms', '-sign', '-binary', '-nodetach', '-outform', 'DER', '-md', 'sha256', '-signer', signer.certFile, '-inkey', signer.keyFile];
    const inner = await openssl(sign, content);
    const recipientOptions = recipientCertificate.publicKey.asymmetricKeyType === 'ec' ? EC_RECIPIENT_OPTIONS : [];
    const enveloped = await openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-aes128', '-recip', recipientFile, ...recipientOptions], inner);
    return await openssl(sign, enveloped);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Corrupts a sealed blob the way a broken intermediary would (the "garbled seal" fault). */
export function garble(sealed: Buffer): Buffer {
  const copy = Buffer.from(sealed);
  for (let index = Math.floor(copy.length / 3); index < copy.length; index += 97) copy[index] = (copy[index] ?? 0) ^ 0x5a;
  return copy;
}

/** Opens an ETK (a CMS SignedData around the holder's encryption certificate) and verifies its signature. */
export async function readEtkWithOpenssl(etk: Buffer, caFile: string): Promise<{ encryptionCertificate: X509Certificate; signer: X509Certificate }> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-etk-'));
  try {
    const signerFile = join(dir, 'signer.pem');
    const content = await openssl(['cms', '-verify', '-inform', 'DER', '-binary', '-CAfile', caFile, '-purpose', 'any', '-signer', signerFile], etk);
    let encryptionCertificate: X509Certificate;
    try {
      encryptionCertificate = new X509Certificate(content);
    } catch {
      throw new SealRejected('the ETK does not hold a certificate');
    }
    return { encryptionCertificate, signer: new X509Certificate(await readFile(signerFile)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
