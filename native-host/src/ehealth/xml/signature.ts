import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SignatureAlgorithm } from 'xml-crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { ECDSA_SHA256, EXC_C14N, RSA_SHA256, SHA256_DIGEST } from './namespaces.js';

/**
 * XML-DSig through xml-crypto (exclusive C14N, SHA-256). xml-crypto has no ECDSA, which the 2025
 * eHealth certificates (P-384) need, so it is registered here: XML-DSig wants the raw r||s form
 * (RFC 4050 / IEEE P1363), not the DER form CMS uses.
 */
class EcdsaSha256 implements SignatureAlgorithm {
  getSignature = ((signedInfo: string | Buffer, privateKey: KeyObject): string =>
    cryptoSign('sha256', Buffer.from(signedInfo), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64')) as SignatureAlgorithm['getSignature'];
  verifySignature = (() => {
    throw new Error('the host does not verify ECDSA XML signatures');
  }) as SignatureAlgorithm['verifySignature'];
  getAlgorithmName = (): string => ECDSA_SHA256;
}

export function xmlSignatureAlgorithm(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA_SHA256;
    case 'ec':
      return ECDSA_SHA256;
    default:
      throw new AppError('KEY_TYPE_UNSUPPORTED', `keys of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign XML yet`);
  }
}

export interface SignOptions {
  xml: string;
  key: KeyObject;
  /** XPath of each element to sign (each must carry a wsu:Id or Id attribute already). */
  references: readonly string[];
  /** Raw XML put inside ds:KeyInfo; built from constants and validated identifiers only. */
  keyInfoXml: string;
  /** XPath of the element the ds:Signature is appended to. */
  parentXpath: string;
  idMode?: 'wssecurity';
  idAttribute?: string;
}

/** Returns the document with a ds:Signature appended to `parentXpath`. */
export function signXml(options: SignOptions): string {
  const signed = new SignedXml({
    privateKey: options.key as unknown as string,
    signatureAlgorithm: xmlSignatureAlgorithm(options.key),
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: () => options.keyInfoXml,
    ...(options.idMode !== undefined ? { idMode: options.idMode } : {}),
    ...(options.idAttribute !== undefined ? { idAttribute: options.idAttribute } : {}),
  });
  signed.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256;
  for (const xpath of options.references) {
    signed.addReference({ xpath, transforms: [EXC_C14N], digestAlgorithm: SHA256_DIGEST });
  }
  signed.computeSignature(options.xml, { prefix: 'ds', location: { reference: options.parentXpath, action: 'append' } });
  return signed.getSignedXml();
}

/** XPath selecting an element by namespace and local name, independent of prefixes. */
export function xpathOf(ns: string, localName: string): string {
  return `//*[local-name(.)='${localName}' and namespace-uri(.)='${ns}']`;
}
