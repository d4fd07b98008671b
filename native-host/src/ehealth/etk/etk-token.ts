import { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { OID } from '../seal/oids.js';
import { verifySignedData } from '../seal/signed-data-verifier.js';

/**
 * An eHealth ETK (encryption token, PROTOCOL §5.1): a CMS SignedData whose embedded content is the
 * DER of the holder's encryption certificate, signed with the holder's authentication key.
 */
export interface EncryptionToken {
  encryptionCertificate: X509Certificate;
  signer: X509Certificate;
  /** The token as published, for a Reply-to-Etk (the recipient reads it the same way). */
  der: Uint8Array;
}

const MAX_ETK_BYTES = 1024 * 1024;

/**
 * Parses an ETK and verifies its CMS signature over the embedded certificate. Throws
 * MYCARENET_BAD_ANSWER on anything wrong. Trust in the signer (chain, validity) is for the caller.
 */
export function parseEtk(der: Uint8Array): Promise<EncryptionToken> {
  return new Promise((resolve) => {
    resolve(parseEtkNow(der));
  });
}

function parseEtkNow(der: Uint8Array): EncryptionToken {
  if (der.byteLength > MAX_ETK_BYTES) {
    throw new AppError('MYCARENET_BAD_ANSWER', 'The encryption token (ETK) is larger than allowed.', { size: der.byteLength });
  }
  try {
    const verified = verifySignedData('Encryption token (ETK)', der, MAX_ETK_BYTES);
    if (verified.contentType !== OID.data) throw new AppError('MYCARENET_BAD_ANSWER', 'Encryption token (ETK): unexpected content type.');
    let encryptionCertificate: X509Certificate;
    try {
      if (verified.content[0] !== 0x30) throw new Error('not DER');
      encryptionCertificate = new X509Certificate(verified.content);
    } catch {
      throw new AppError('MYCARENET_BAD_ANSWER', 'Encryption token (ETK): the content is not a certificate.');
    }
    if (!encryptionCertificate.raw.equals(verified.content)) {
      throw new AppError('MYCARENET_BAD_ANSWER', 'Encryption token (ETK): the content is not exactly one certificate.');
    }
    return { encryptionCertificate, signer: verified.signer, der: Uint8Array.from(der) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('MYCARENET_BAD_ANSWER', 'The encryption token (ETK) is malformed.');
  }
}
