import * as crypto from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { exclusiveC14n } from '../xades/c14n.js';
import { childElements, descendants, firstChild, textOf } from './dom.js';
import { EXC_C14N, NS, RSA_SHA256, SHA256_DIGEST } from './namespaces.js';

export class SignatureRejected extends Error {
  override readonly name = 'SignatureRejected';
}

const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SIGNATURE_HASHES: ReadonlyMap<string, string> = new Map([
  [RSA_SHA256, 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'sha512'],
]);
const DIGEST_HASHES: ReadonlyMap<string, string> = new Map([
  [SHA256_DIGEST, 'sha256'],
  ['http://www.w3.org/2001/04/xmlenc#sha512', 'sha512'],
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PREFIX = /^(?:#default|[A-Za-z_][A-Za-z0-9._-]{0,63})$/;

function base64Bytes(element: Element | undefined, what: string): Buffer {
  const text = textOf(element)?.replace(/\s+/g, '') ?? '';
  if (!BASE64.test(text)) throw new SignatureRejected(`the ${what} is not base64`);
  return Buffer.from(text, 'base64');
}

/** The only children `parent` may have, in this order, each once (those marked optional at most once). */
function exactChildren(parent: Element, expected: readonly (readonly [string, string, 'optional'?])[], what: string): Map<string, Element> {
  const children = childElements(parent);
  const found = new Map<string, Element>();
  let index = 0;
  for (const [ns, localName, optional] of expected) {
    const child = children[index];
    if (child !== undefined && child.namespaceURI === ns && child.localName === localName) {
      found.set(localName, child);
      index += 1;
    } else if (optional === undefined) {
      throw new SignatureRejected(`${what} has no ${localName} where XML-DSig puts it`);
    }
  }
  if (index !== children.length) throw new SignatureRejected(`${what} holds an element the signature profile does not allow`);
  return found;
}

/** An exclusive C14N algorithm element, with the prefixes of its InclusiveNamespaces, if any. */
function exclusivePrefixes(method: Element, what: string): string[] {
  if (method.getAttribute('Algorithm') !== EXC_C14N) throw new SignatureRejected(`${what} is not exclusive C14N`);
  const children = childElements(method);
  if (children.length === 0) return [];
  const inclusive = children[0];
  if (children.length !== 1 || inclusive?.namespaceURI !== EXC_C14N_NS || inclusive.localName !== 'InclusiveNamespaces') throw new SignatureRejected(`${what} holds an unexpected element`);
  const prefixes = (inclusive.getAttribute('PrefixList') ?? '').split(/\s+/).filter((prefix) => prefix !== '');
  if (prefixes.length > 32 || !prefixes.every((prefix) => PREFIX.test(prefix))) throw new SignatureRejected(`${what} names an unreadable namespace prefix list`);
  return prefixes;
}

/**
 * Verifies the enveloped signature of a standalone element (an STS assertion) on the very DOM nodes
 * the caller then reads, so that what was verified is what is used (no signature wrapping, no
 * second parse that could read otherwise). The profile is the one the eHealth STS signs with and
 * nothing more: one ds:Signature, a direct child, holding SignedInfo, SignatureValue and KeyInfo
 * only (no ds:Object); exclusive C14N; RSA with SHA-256 or SHA-512; exactly one Reference, to
 * `#<idAttribute of root>`, with the enveloped-signature and exclusive C14N transforms. The digest
 * and signature are computed here (xml-crypto's canonicalizer, node:crypto), as signature.ts signs.
 * Returns the signer's certificate from KeyInfo; the caller decides whether to trust it.
 */
export function verifyEnvelopedSignature(root: Element, idAttribute: string): X509Certificate {
  const signatures = childElements(root, NS.ds, 'Signature');
  const signature = signatures[0];
  if (signatures.length !== 1 || signature === undefined || descendants(root, NS.ds, 'Signature').length !== 1) throw new SignatureRejected('expected exactly one enveloped signature');
  const parts = exactChildren(signature, [[NS.ds, 'SignedInfo'], [NS.ds, 'SignatureValue'], [NS.ds, 'KeyInfo']], 'the signature');
  const signedInfo = parts.get('SignedInfo') as Element;
  const info = exactChildren(signedInfo, [[NS.ds, 'CanonicalizationMethod'], [NS.ds, 'SignatureMethod'], [NS.ds, 'Reference']], 'the signed info');
  const signedInfoPrefixes = exclusivePrefixes(info.get('CanonicalizationMethod') as Element, 'the canonicalization method');
  const method = (info.get('SignatureMethod') as Element).getAttribute('Algorithm') ?? '';
  const hash = SIGNATURE_HASHES.get(method);
  if (hash === undefined) throw new SignatureRejected(`signature method not accepted: ${method.slice(0, 100)}`);

  const reference = info.get('Reference') as Element;
  const id = root.getAttribute(idAttribute) ?? '';
  if (id === '' || reference.getAttribute('URI') !== `#${id}`) throw new SignatureRejected('the signature does not cover exactly the signed element');
  const referenceParts = exactChildren(reference, [[NS.ds, 'Transforms'], [NS.ds, 'DigestMethod'], [NS.ds, 'DigestValue']], 'the reference');
  const transforms = childElements(referenceParts.get('Transforms') as Element);
  const [enveloped, canonical] = transforms;
  if (transforms.length !== 2 || !transforms.every((t) => t.namespaceURI === NS.ds && t.localName === 'Transform') || enveloped?.getAttribute('Algorithm') !== ENVELOPED_SIGNATURE || childElements(enveloped).length !== 0 || canonical === undefined) {
    throw new SignatureRejected('the signature uses a transform that is not accepted');
  }
  const referencePrefixes = exclusivePrefixes(canonical, 'the reference transform');
  const digestHash = DIGEST_HASHES.get((referenceParts.get('DigestMethod') as Element).getAttribute('Algorithm') ?? '');
  if (digestHash === undefined) throw new SignatureRejected('the signature uses a digest that is not accepted');

  const certificates = descendants(parts.get('KeyInfo') as Element, NS.ds, 'X509Certificate');
  if (certificates.length === 0) throw new SignatureRejected('the signature carries no certificate');
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(base64Bytes(certificates[0], 'signature certificate'));
  } catch {
    throw new SignatureRejected('the signature certificate cannot be read');
  }
  if (signer.publicKey.asymmetricKeyType !== 'rsa') throw new SignatureRejected('the signature certificate does not hold an RSA key');

  // The enveloped-signature transform: the element as it was signed, without its signature (a copy; the original stays as read).
  const unsigned = root.cloneNode(true) as Element;
  const ownSignature = firstChild(unsigned, NS.ds, 'Signature');
  if (ownSignature !== undefined) unsigned.removeChild(ownSignature);
  const digest = crypto.createHash(digestHash).update(exclusiveC14n(unsigned, referencePrefixes), 'utf8').digest();
  if (!digest.equals(base64Bytes(referenceParts.get('DigestValue'), 'digest value'))) throw new SignatureRejected('the signed element was changed after signing');

  const signatureValue = base64Bytes(parts.get('SignatureValue'), 'signature value');
  let valid = false;
  try {
    valid = crypto.verify(hash, Buffer.from(exclusiveC14n(signedInfo, signedInfoPrefixes), 'utf8'), { key: signer.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, signatureValue);
  } catch {
    valid = false;
  }
  if (!valid) throw new SignatureRejected('the signature does not verify');
  return signer;
}

/** True when `certificate` was issued by one of `anchors` (directly) and is valid at `now`. */
export function issuedByAnchor(certificate: X509Certificate, anchors: readonly X509Certificate[], now: Date): boolean {
  const time = now.getTime();
  if (time < Date.parse(certificate.validFrom) || time > Date.parse(certificate.validTo)) return false;
  return anchors.some((anchor) => certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey));
}
