import { ECDSA_SHA256, EXC_C14N, RSA_SHA256, SHA256_DIGEST } from '../xml/namespaces.js';
import { parseXml } from '../xml/parse.js';
import { exclusiveC14n } from './c14n.js';
import { simpleExclusiveC14n } from './simple-c14n.js';

/** Algorithm identifiers and the reference processing shared by the XAdES signer and verifier. */

export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
export const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';
export const BASE64_TRANSFORM = 'http://www.w3.org/2000/09/xmldsig#base64';
export const SHA512_DIGEST = 'http://www.w3.org/2001/04/xmlenc#sha512';
export const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';
export const ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384';
export const MANIFEST_TYPE = 'http://www.w3.org/2000/09/xmldsig#Manifest';

export type HashName = 'sha256' | 'sha512';

export const DIGEST_HASHES: ReadonlyMap<string, HashName> = new Map([
  [SHA256_DIGEST, 'sha256'],
  [SHA512_DIGEST, 'sha512'],
]);

export interface SignatureMethod {
  keyType: 'rsa' | 'ec';
  hash: 'sha256' | 'sha384' | 'sha512';
}

export const SIGNATURE_METHODS: ReadonlyMap<string, SignatureMethod> = new Map<string, SignatureMethod>([
  [RSA_SHA256, { keyType: 'rsa', hash: 'sha256' }],
  [RSA_SHA512, { keyType: 'rsa', hash: 'sha512' }],
  [ECDSA_SHA256, { keyType: 'ec', hash: 'sha256' }],
  [ECDSA_SHA384, { keyType: 'ec', hash: 'sha384' }],
]);

/** The transforms of a reference to the base64 content: decode, then (XML only) exc-c14n. */
export function contentTransforms(isXml: boolean): readonly string[] {
  return isXml ? [BASE64_TRANSFORM, EXC_C14N] : [BASE64_TRANSFORM];
}

/** Thrown when XML content cannot be canonicalized; its message carries no content. */
export class ContentNotXml extends Error {
  override readonly name = 'ContentNotXml';
}

/**
 * The octets a content reference digests: the decoded bytes themselves, or for XML the exclusive
 * canonical form of the document they encode (UTF-8 only, no DTD, capped at `maxBytes`).
 * `ownContent`: the host wrote this XML itself (it is signing it); plain XML is then canonicalized
 * from its text (simple-c14n.ts) and only the rest goes through the DOM. Content received from
 * elsewhere always goes through the DOM.
 */
export function contentOctets(content: Uint8Array, isXml: boolean, maxBytes: number, ownContent = false): Uint8Array {
  if (content.byteLength > maxBytes) throw new ContentNotXml('content larger than accepted');
  if (!isXml) return content;
  let text: string;
  try {
    // A leading byte order mark is dropped by the decoder.
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new ContentNotXml('XML content is not UTF-8');
  }
  const declared = /^<\?xml[^>]*\sencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) throw new ContentNotXml('XML content declares an encoding other than UTF-8');
  const simple = ownContent ? simpleExclusiveC14n(text) : undefined;
  if (simple !== undefined) return Buffer.from(simple, 'utf8');
  let document: Document;
  try {
    document = parseXml(text, maxBytes);
  } catch {
    throw new ContentNotXml('XML content is not well-formed or carries a DTD');
  }
  return Buffer.from(exclusiveC14n(document), 'utf8');
}
