import * as crypto from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { exclusiveC14n } from '../xades/c14n.js';
import { createElement, declareNamespace, firstChild, serialize, type ElementSpec } from './dom.js';
import { ECDSA_SHA256, EXC_C14N, NS, RSA_SHA256, SHA256_DIGEST } from './namespaces.js';
import { parseXml } from './parse.js';

/**
 * XML-DSig as the host writes it: exclusive C14N and SHA-256, signed with RSA or, for the 2025
 * eHealth certificates (P-384), ECDSA in the raw r||s form XML-DSig wants (RFC 4050 / IEEE P1363),
 * not the DER form CMS uses. Signatures are assembled on the DOM the host has just built: the
 * canonical forms come from xml-crypto's canonicalizer (xades/c14n.ts), digests and signature
 * values from node:crypto. Signing through xml-crypto's SignedXml instead serialized the message,
 * parsed it back and searched it with XPath, twice: ~35 ms of a cold start's STS request.
 * Both the XAdES (xades/xades-bes.ts) and the WS-Security signatures (wss/envelope.ts) are built here.
 */

/**
 * rsa-sha256 or ecdsa-sha256, whatever the curve: ecdsa-sha256 is the eHealth connector's default
 * for EC keys in WS-Security (`ECAlgorithmHelper`, `default.ec.signature.method.algorithm`, with a
 * SHA-256 digest), and ETEE signs EC with SHA256withECDSA. With a P-384 key that gives 128-bit
 * strength, the same as SHA-256 digests and AES-128 everywhere else in the stack; ecdsa-sha384
 * would be the Suite B pairing, which no eHealth reference uses.
 */
export function xmlSignatureAlgorithm(key: crypto.KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return RSA_SHA256;
    case 'ec':
      return ECDSA_SHA256;
    default:
      throw new AppError('KEY_TYPE_UNSUPPORTED', `keys of type ${key.asymmetricKeyType ?? 'unknown'} cannot sign XML yet`);
  }
}

/** An element of the XML-DSig namespace, written with the `ds` prefix. */
export function ds(name: string, attrs: Record<string, string> = {}, children: ElementSpec['children'] = []): ElementSpec {
  return { ns: NS.ds, name: `ds:${name}`, attrs, children };
}

export function dsReference(attrs: Record<string, string>, transforms: readonly string[], digest: string): ElementSpec {
  return ds('Reference', attrs, [
    ds('Transforms', {}, transforms.map((algorithm) => ds('Transform', { Algorithm: algorithm }))),
    ds('DigestMethod', { Algorithm: SHA256_DIGEST }),
    ds('DigestValue', {}, [digest]),
  ]);
}

export function digestBase64(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('base64');
}

/** The SignatureValue text over the canonical SignedInfo. */
export function signatureValueBase64(key: crypto.KeyObject, canonicalSignedInfo: Uint8Array): string {
  const value =
    key.asymmetricKeyType === 'ec'
      ? crypto.sign('sha256', canonicalSignedInfo, { key, dsaEncoding: 'ieee-p1363' })
      : crypto.sign('sha256', canonicalSignedInfo, { key, padding: crypto.constants.RSA_PKCS1_PADDING });
  return value.toString('base64');
}

export interface SignedPart {
  element: Element;
  /** Its identifier (wsu:Id), which the reference's URI names. */
  id: string;
}

/**
 * Appends to `parent` a ds:Signature whose references are `parts` (each canonicalized in place,
 * where it sits in the document) and whose KeyInfo holds `keyInfo`: the WS-Security message
 * signature. The parts must be in the document already and must not change afterwards.
 */
export function appendSignature(parent: Element, parts: readonly SignedPart[], key: crypto.KeyObject, keyInfo: ElementSpec): Element {
  const signatureMethod = xmlSignatureAlgorithm(key);
  const references = parts.map(({ element, id }) => dsReference({ URI: `#${id}` }, [EXC_C14N], digestBase64(Buffer.from(exclusiveC14n(element), 'utf8'))));
  const signature = createElement(
    parent.ownerDocument,
    ds('Signature', {}, [
      ds('SignedInfo', {}, [ds('CanonicalizationMethod', { Algorithm: EXC_C14N }), ds('SignatureMethod', { Algorithm: signatureMethod }), ...references]),
      ds('SignatureValue'),
      ds('KeyInfo', {}, [keyInfo]),
    ]),
  );
  declareNamespace(signature, 'ds', NS.ds);
  parent.appendChild(signature);
  const signedInfo = firstChild(signature, NS.ds, 'SignedInfo');
  const signatureValue = firstChild(signature, NS.ds, 'SignatureValue');
  if (signedInfo === undefined || signatureValue === undefined) throw new AppError('INTERNAL', 'The XML signature could not be assembled.');
  signatureValue.textContent = signatureValueBase64(key, Buffer.from(exclusiveC14n(signedInfo), 'utf8'));
  return signature;
}

/** Characters in text that parsers turn into a line feed: CR for every XML 1.0 parser, NEL and LS for xmldom. */
const LINE_END_VARIANT = /[\r\u0085\u2028]/;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

function holdsLineEndVariant(node: Node): boolean {
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) {
      if (LINE_END_VARIANT.test((child as CharacterData).data)) return true;
    } else if (holdsLineEndVariant(child)) {
      return true;
    }
  }
  return false;
}

/**
 * The document as the receiver will read it. A signature assembled on the DOM is over the DOM's
 * text, and the serializer writes a carriage return in text as it is, which the receiver's parser
 * reads as a line feed: the digests would then differ. Such a document (rare: none of the host's
 * messages carries one) is signed as parsed back from its own serialization.
 */
export function asReceiverReadsIt(document: Document): Document {
  return holdsLineEndVariant(document) ? parseXml(serialize(document)) : document;
}
