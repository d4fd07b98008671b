import * as crypto from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { certificateDecimalSerial } from '../seal/cert-id.js';
import { childElements, descendants, firstChild, textOf } from '../xml/dom.js';
import { EXC_C14N, NS } from '../xml/namespaces.js';
import { DEFAULT_MAX_XML_BYTES, parseXml } from '../xml/parse.js';
import {
  ContentNotXml,
  contentOctets,
  contentTransforms,
  DIGEST_HASHES,
  MANIFEST_TYPE,
  SIGNATURE_METHODS,
  SIGNED_PROPERTIES_TYPE,
  XADES_NS,
  type HashName,
} from './algorithms.js';
import { exclusiveC14n } from './c14n.js';

/**
 * Verification of a detached XAdES signature (BES, or T: the insurer's answers carry a
 * SignatureTimeStamp) over content the caller has already taken out of its carrier element.
 *
 * Only the shapes MyCareNet uses are accepted (PROTOCOL §5.3), so that what was verified is exactly
 * what the caller uses: each reference is either one of the given contents (transforms base64, then
 * exc-c14n for XML) or this signature's own SignedProperties (transform exc-c14n); SignedInfo is
 * canonicalized with exc-c14n; RSA or ECDSA signatures, SHA-256/512 digests. Nested manifests, XPath
 * and enveloped transforms, external URIs and other algorithms are refused.
 *
 * The signer's certificate is returned as found in KeyInfo; whether it is trusted (issued by the
 * MyCareNet/insurer CA, valid at the signing time) is for the caller to decide.
 */

export interface XadesVerification {
  signer: crypto.X509Certificate;
  /** The other certificates KeyInfo carries (a chain, perhaps), unverified: candidates for a path to an anchor. */
  otherCertificates: crypto.X509Certificate[];
  signingTime?: Date;
  hasSignatureTimeStamp: boolean;
}

export interface XadesContent {
  /** The Id the signature references (`URI="#<id>"`). */
  id: string;
  /** The decoded bytes of that element's base64 text. */
  content: Uint8Array;
  isXml: boolean;
}

export interface XadesVerifyInput {
  /** The ds:Signature document (the decoded text of a Xades / XadesT element). */
  signatureXml: string;
  content: Uint8Array;
  contentId: string;
  contentIsXml: boolean;
  /** Other elements the signature may also cover, e.g. the original request's BusinessContent. */
  additionalContent?: XadesContent[];
}

/** A XAdES-T with its timestamp token and a certificate or two stays far below this. */
export const MAX_SIGNATURE_XML_BYTES = 1024 * 1024;
const MAX_REFERENCES = 8;
const MAX_CERTIFICATES = 10;
const MAX_ADDITIONAL_CONTENTS = 4;

/** Throws AppError('MYCARENET_BAD_ANSWER') unless the signature verifies over the contents. */
export function verifyXades(input: XadesVerifyInput): XadesVerification {
  const document = parseSignature(input.signatureXml);
  const signature = document.documentElement;
  if (signature.namespaceURI !== NS.ds || signature.localName !== 'Signature') reject('the XAdES document is not a ds:Signature');
  if (descendants(document, NS.ds, 'Signature').length !== 1) reject('the XAdES document holds more than one ds:Signature');
  const signatureId = signature.getAttribute('Id') ?? '';
  if (signatureId === '') reject('the XAdES signature has no Id');

  const contents = contentsById(input);
  const parts = signatureParts(signature);
  const signedProperties = qualifyingPropertiesOf(signature, signatureId);

  checkReferences(parts.references, contents, input.contentId, signedProperties.element, document);
  const { signer, others } = signingCertificate(signature, signedProperties.element);
  checkSignatureValue(parts, signer);

  return {
    signer,
    otherCertificates: others,
    ...(signedProperties.signingTime !== undefined ? { signingTime: signedProperties.signingTime } : {}),
    hasSignatureTimeStamp: signedProperties.hasSignatureTimeStamp,
  };
}

function reject(message: string): never {
  throw new AppError('MYCARENET_BAD_ANSWER', message);
}

function parseSignature(text: string): Document {
  if (Buffer.byteLength(text, 'utf8') > MAX_SIGNATURE_XML_BYTES) reject('the XAdES signature is too large');
  try {
    return parseXml(text, MAX_SIGNATURE_XML_BYTES);
  } catch {
    // The parser's message may quote the document; it is not passed on.
    return reject('the XAdES signature is not well-formed XML or carries a DTD');
  }
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]{0,127}$/;

function contentsById(input: XadesVerifyInput): Map<string, XadesContent> {
  const all: XadesContent[] = [{ id: input.contentId, content: input.content, isXml: input.contentIsXml }, ...(input.additionalContent ?? [])];
  if (all.length > 1 + MAX_ADDITIONAL_CONTENTS) reject('too many contents to verify');
  const byId = new Map<string, XadesContent>();
  for (const content of all) {
    if (!NCNAME.test(content.id) || byId.has(content.id)) reject('a content id is malformed or repeated');
    if (content.content.byteLength > DEFAULT_MAX_XML_BYTES) reject('a signed content is too large');
    byId.set(content.id, content);
  }
  return byId;
}

// ---------------------------------------------------------------------------------------------
// Structure

interface ReferenceInfo {
  uri: string;
  type: string | undefined;
  transforms: { algorithm: string; inclusivePrefixes: string[] }[];
  hash: HashName;
  digest: Buffer;
}

interface SignatureParts {
  signedInfo: Element;
  canonicalizationPrefixes: string[];
  method: { keyType: 'rsa' | 'ec'; hash: 'sha256' | 'sha384' | 'sha512' };
  references: ReferenceInfo[];
  value: Buffer;
}

/** Reads ds:Signature strictly: the XML-DSig sequence, no unknown element in SignedInfo. */
function signatureParts(signature: Element): SignatureParts {
  const children = childElements(signature);
  const [signedInfo, signatureValue, keyInfo] = children;
  if (
    signedInfo === undefined ||
    !isDs(signedInfo, 'SignedInfo') ||
    signatureValue === undefined ||
    !isDs(signatureValue, 'SignatureValue') ||
    keyInfo === undefined ||
    !isDs(keyInfo, 'KeyInfo') ||
    !children.slice(3).every((child) => isDs(child, 'Object'))
  ) {
    reject('the XAdES signature does not have the XML-DSig structure');
  }

  const [canonicalization, signatureMethod, ...referenceElements] = childElements(signedInfo);
  if (canonicalization === undefined || !isDs(canonicalization, 'CanonicalizationMethod') || signatureMethod === undefined || !isDs(signatureMethod, 'SignatureMethod')) {
    reject('the XAdES SignedInfo does not have the XML-DSig structure');
  }
  const c14n = transformOf(canonicalization);
  if (c14n.algorithm !== EXC_C14N) reject('the XAdES SignedInfo canonicalization is not exclusive C14N');
  const method = SIGNATURE_METHODS.get(signatureMethod.getAttribute('Algorithm') ?? '');
  if (method === undefined || childElements(signatureMethod).length > 0) reject('the XAdES signature method is not accepted');
  if (referenceElements.length === 0 || referenceElements.length > MAX_REFERENCES || !referenceElements.every((element) => isDs(element, 'Reference'))) {
    reject('the XAdES SignedInfo references are missing or malformed');
  }

  return {
    signedInfo,
    canonicalizationPrefixes: c14n.inclusivePrefixes,
    method,
    references: referenceElements.map(referenceInfo),
    value: base64Value(signatureValue, 'SignatureValue'),
  };
}

function referenceInfo(element: Element): ReferenceInfo {
  const children = childElements(element);
  const transformsElement = children[0] !== undefined && isDs(children[0], 'Transforms') ? children[0] : undefined;
  const [digestMethod, digestValue, ...rest] = transformsElement === undefined ? children : children.slice(1);
  if (digestMethod === undefined || !isDs(digestMethod, 'DigestMethod') || digestValue === undefined || !isDs(digestValue, 'DigestValue') || rest.length > 0) {
    reject('a XAdES reference is malformed');
  }
  const hash = DIGEST_HASHES.get(digestMethod.getAttribute('Algorithm') ?? '');
  if (hash === undefined) reject('a XAdES reference digest algorithm is not accepted');
  const transforms = transformsElement === undefined ? [] : childElements(transformsElement);
  if (!transforms.every((transform) => isDs(transform, 'Transform'))) reject('a XAdES reference transform is malformed');
  const digest = base64Value(digestValue, 'DigestValue');
  if (digest.byteLength !== (hash === 'sha256' ? 32 : 64)) reject('a XAdES reference digest has the wrong length');
  return {
    uri: element.getAttribute('URI') ?? '',
    type: element.hasAttribute('Type') ? (element.getAttribute('Type') ?? '') : undefined,
    transforms: transforms.map(transformOf),
    hash,
    digest,
  };
}

/** A CanonicalizationMethod or Transform: its algorithm, and an exc-c14n InclusiveNamespaces list. */
function transformOf(element: Element): { algorithm: string; inclusivePrefixes: string[] } {
  const algorithm = element.getAttribute('Algorithm') ?? '';
  const parameters = childElements(element);
  if (parameters.length === 0) return { algorithm, inclusivePrefixes: [] };
  const [inclusive] = parameters;
  if (algorithm !== EXC_C14N || parameters.length !== 1 || inclusive?.namespaceURI !== EXC_C14N || inclusive.localName !== 'InclusiveNamespaces') {
    reject('a XAdES transform has parameters that are not accepted');
  }
  const prefixes = (inclusive.getAttribute('PrefixList') ?? '').split(/\s+/).filter((prefix) => prefix !== '');
  return { algorithm, inclusivePrefixes: prefixes };
}

interface SignedPropertiesInfo {
  element: Element;
  signingTime?: Date;
  hasSignatureTimeStamp: boolean;
}

/** The one xades:QualifyingProperties, in a ds:Object of this signature, targeting it. */
function qualifyingPropertiesOf(signature: Element, signatureId: string): SignedPropertiesInfo {
  const all = descendants(signature, XADES_NS, 'QualifyingProperties');
  const qualifying = all[0];
  if (all.length !== 1 || qualifying === undefined || qualifying.parentNode?.parentNode !== signature || !isDs(qualifying.parentNode as Element, 'Object')) {
    reject('the XAdES signature does not hold exactly one QualifyingProperties');
  }
  if (qualifying.getAttribute('Target') !== `#${signatureId}`) reject('the XAdES QualifyingProperties do not target this signature');
  const signedAll = descendants(signature, XADES_NS, 'SignedProperties');
  const signedProperties = firstChild(qualifying, XADES_NS, 'SignedProperties');
  if (signedAll.length !== 1 || signedProperties === undefined) reject('the XAdES signature does not hold exactly one SignedProperties');

  const signedSignatureProperties = firstChild(signedProperties, XADES_NS, 'SignedSignatureProperties');
  const signingTimeText = textOf(signedSignatureProperties === undefined ? undefined : firstChild(signedSignatureProperties, XADES_NS, 'SigningTime'));
  let signingTime: Date | undefined;
  if (signingTimeText !== undefined) {
    // xs:dateTime with a time zone; a local time without one would be ambiguous.
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(signingTimeText) ? Date.parse(signingTimeText) : Number.NaN;
    if (Number.isNaN(time)) reject('the XAdES SigningTime is malformed');
    signingTime = new Date(time);
  }

  // XAdES-T: UnsignedProperties/UnsignedSignatureProperties/SignatureTimeStamp. Only its presence
  // is reported: the RFC 3161 token inside (EncapsulatedTimeStamp) is not verified here.
  const unsigned = firstChild(qualifying, XADES_NS, 'UnsignedProperties');
  const unsignedSignatureProperties = unsigned === undefined ? undefined : firstChild(unsigned, XADES_NS, 'UnsignedSignatureProperties');
  const hasSignatureTimeStamp =
    unsignedSignatureProperties !== undefined && firstChild(unsignedSignatureProperties, XADES_NS, 'SignatureTimeStamp') !== undefined;

  return { element: signedProperties, ...(signingTime !== undefined ? { signingTime } : {}), hasSignatureTimeStamp };
}

// ---------------------------------------------------------------------------------------------
// References

function checkReferences(
  references: readonly ReferenceInfo[],
  contents: ReadonlyMap<string, XadesContent>,
  contentId: string,
  signedProperties: Element,
  document: Document,
): void {
  const signedPropertiesId = signedProperties.getAttribute('Id') ?? '';
  const elementIds = idsInDocument(document);
  // A content id must not also name an element of the signature document: the reference would be ambiguous.
  for (const id of contents.keys()) if (elementIds.has(id)) reject('a content id also names an element of the XAdES signature');
  if (signedPropertiesId === '' || elementIds.get(signedPropertiesId) !== 1) reject('the XAdES SignedProperties Id is missing or not unique');

  const seen = new Set<string>();
  let coversSignedProperties = false;
  for (const reference of references) {
    if (!reference.uri.startsWith('#') || seen.has(reference.uri)) reject('a XAdES reference is not a same-document reference, or repeats one');
    seen.add(reference.uri);
    const id = reference.uri.slice(1);
    const content = contents.get(id);
    let octets: Uint8Array;
    if (id === signedPropertiesId) {
      const [transform, ...more] = reference.transforms;
      if (reference.type !== SIGNED_PROPERTIES_TYPE || transform?.algorithm !== EXC_C14N || more.length > 0) {
        reject('the XAdES SignedProperties reference has an unexpected type or transforms');
      }
      octets = Buffer.from(exclusiveC14n(signedProperties, transform.inclusivePrefixes), 'utf8');
      coversSignedProperties = true;
    } else if (content !== undefined) {
      const expected = contentTransforms(content.isXml);
      if (
        reference.type === SIGNED_PROPERTIES_TYPE ||
        reference.type === MANIFEST_TYPE ||
        reference.transforms.length !== expected.length ||
        reference.transforms.some((transform, index) => transform.algorithm !== expected[index] || transform.inclusivePrefixes.length > 0)
      ) {
        reject('a XAdES content reference has an unexpected type or transforms');
      }
      try {
        octets = contentOctets(content.content, content.isXml, DEFAULT_MAX_XML_BYTES);
      } catch (error) {
        if (error instanceof ContentNotXml) reject('a content signed as XML is not well-formed XML');
        throw error;
      }
    } else {
      reject('a XAdES reference points to something other than the content or the SignedProperties');
    }
    const actual = crypto.createHash(reference.hash).update(octets).digest();
    if (!crypto.timingSafeEqual(actual, reference.digest)) reject('a XAdES reference digest does not match');
  }
  if (!coversSignedProperties) reject('the XAdES signature does not cover its SignedProperties');
  // The additional contents may be covered; the content itself must be.
  if (!seen.has(`#${contentId}`)) reject('the XAdES signature does not cover the content');
}

/** How many elements of the signature document carry each Id (Id, wsu:Id, xml:id). */
function idsInDocument(document: Document): Map<string, number> {
  const counts = new Map<string, number>();
  const all = document.getElementsByTagName('*');
  for (let index = 0; index < all.length; index += 1) {
    const element = all.item(index);
    if (element === null) continue;
    for (const id of [element.getAttribute('Id'), element.getAttribute('ID'), element.getAttribute('id'), element.getAttributeNS(NS.wsu, 'Id'), element.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'id')]) {
      if (id !== null && id !== '') counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Signer and signature value

/**
 * The KeyInfo certificate that SigningCertificate names by digest (and serial). KeyInfo may carry
 * a chain; the signer is the one certificate the signed properties bind.
 */
function signingCertificate(signature: Element, signedProperties: Element): { signer: crypto.X509Certificate; others: crypto.X509Certificate[] } {
  const keyInfo = firstChild(signature, NS.ds, 'KeyInfo');
  const certificateElements = keyInfo === undefined ? [] : childElements(keyInfo, NS.ds, 'X509Data').flatMap((data) => childElements(data, NS.ds, 'X509Certificate'));
  if (certificateElements.length === 0 || certificateElements.length > MAX_CERTIFICATES) reject('the XAdES KeyInfo carries no certificate, or too many');
  const certificates = certificateElements.map((element) => {
    try {
      return new crypto.X509Certificate(base64Value(element, 'X509Certificate'));
    } catch (error) {
      if (error instanceof AppError) throw error;
      return reject('a XAdES KeyInfo certificate cannot be read');
    }
  });

  const signedSignatureProperties = firstChild(signedProperties, XADES_NS, 'SignedSignatureProperties');
  const signingCertificateElement = signedSignatureProperties === undefined ? undefined : firstChild(signedSignatureProperties, XADES_NS, 'SigningCertificate');
  const certs = signingCertificateElement === undefined ? [] : childElements(signingCertificateElement, XADES_NS, 'Cert');
  if (certs.length === 0 || certs.length > MAX_CERTIFICATES) reject('the XAdES SignedProperties carry no SigningCertificate');

  for (const cert of certs) {
    const certDigest = firstChild(cert, XADES_NS, 'CertDigest');
    const digestMethod = certDigest === undefined ? undefined : firstChild(certDigest, NS.ds, 'DigestMethod');
    const digestValue = certDigest === undefined ? undefined : firstChild(certDigest, NS.ds, 'DigestValue');
    const hash = DIGEST_HASHES.get(digestMethod?.getAttribute('Algorithm') ?? '');
    if (digestValue === undefined || hash === undefined) reject('the XAdES SigningCertificate digest is missing or uses an algorithm that is not accepted');
    const expected = base64Value(digestValue, 'CertDigest');
    const serialText = textOf(cert.getElementsByTagNameNS(NS.ds, 'X509SerialNumber').item(0) ?? undefined);
    for (const certificate of certificates) {
      const actual = crypto.createHash(hash).update(certificate.raw).digest();
      if (actual.byteLength !== expected.byteLength || !crypto.timingSafeEqual(actual, expected)) continue;
      if (serialText !== undefined && serialText !== certificateDecimalSerial(certificate)) reject('the XAdES SigningCertificate serial number does not match');
      return { signer: certificate, others: certificates.filter((other) => other !== certificate) };
    }
  }
  return reject('the XAdES SigningCertificate does not match the KeyInfo certificate');
}

function checkSignatureValue(parts: SignatureParts, signer: crypto.X509Certificate): void {
  const publicKey = signer.publicKey;
  if (publicKey.asymmetricKeyType !== parts.method.keyType) reject('the XAdES signature method does not fit the signer key');
  if (publicKey.asymmetricKeyType === 'rsa' && (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) reject('the XAdES signer RSA key is too short');
  const signedInfo = Buffer.from(exclusiveC14n(parts.signedInfo, parts.canonicalizationPrefixes), 'utf8');
  let valid: boolean;
  try {
    valid =
      parts.method.keyType === 'ec'
        ? crypto.verify(parts.method.hash, signedInfo, { key: publicKey, dsaEncoding: 'ieee-p1363' }, parts.value)
        : crypto.verify(parts.method.hash, signedInfo, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, parts.value);
  } catch {
    valid = false;
  }
  if (!valid) reject('the XAdES signature value does not verify');
}

// ---------------------------------------------------------------------------------------------

function isDs(element: Element, localName: string): boolean {
  return element.namespaceURI === NS.ds && element.localName === localName;
}

/** Strict base64 (whitespace allowed between characters, as XML-DSig writers wrap lines). */
function base64Value(element: Element, what: string): Buffer {
  const text = element.textContent.replace(/\s+/g, '');
  if (text === '' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) reject(`the XAdES ${what} is not base64`);
  return Buffer.from(text, 'base64');
}
