import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SignatureAlgorithm } from 'xml-crypto';

/** XML-DSig checks for the simulator, with ECDSA (raw r||s, RFC 4050) added to xml-crypto. */

export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const ALLOWED_SIGNATURE_METHODS = new Set(['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', ECDSA_SHA256]);

class EcdsaSha256Verifier implements SignatureAlgorithm {
  getSignature = (() => {
    throw new Error('not used for signing');
  }) as SignatureAlgorithm['getSignature'];
  verifySignature = ((material: string, key: string, signatureValue: string): boolean =>
    cryptoVerify('sha256', Buffer.from(material), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'))) as SignatureAlgorithm['verifySignature'];
  getAlgorithmName = (): string => ECDSA_SHA256;
}

export function signatureChecker(publicCertPem: string, options: { idMode?: 'wssecurity'; idAttribute?: string } = {}): SignedXml {
  const checker = new SignedXml({ publicCert: publicCertPem, ...options });
  checker.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256Verifier;
  return checker;
}
