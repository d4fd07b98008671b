import { X509Certificate } from 'node:crypto';
import { ALLOWED_SIGNATURE_METHODS, signatureChecker } from './signatures.js';
import { BadRequest, DS_NS, SAML_NS, SOAP_NS, WSSE_NS, WSU_NS, childrenNS, elementsNS, onlyChild, text } from './xml.js';

/**
 * The platform's WS-Security checks: who signed, what they signed, and when. Any failure is an
 * authentication failure for the caller (SOA-01001), except plain malformation.
 */

export class Unauthenticated extends Error {
  override readonly name = 'Unauthenticated';
}

const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_TIMESTAMP_WINDOW_MS = 60 * 60_000;
const X509_TOKEN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const SAML_ASSERTION_ID = 'http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID';

export interface SecuredEnvelope {
  security: Element;
  body: Element;
  ids: Map<string, Element>;
}

/** The envelope's Security header and Body, with every wsu:Id (each must be unique: no signature wrapping). */
export function securedEnvelope(document: Document): SecuredEnvelope {
  const envelope = document.documentElement as Element;
  if (envelope.namespaceURI !== SOAP_NS || envelope.localName !== 'Envelope') throw new BadRequest('not a SOAP 1.1 envelope');
  const header = onlyChild(envelope, SOAP_NS, 'Header');
  const body = onlyChild(envelope, SOAP_NS, 'Body');
  const securities = childrenNS(header, WSSE_NS, 'Security');
  const security = securities[0];
  if (securities.length !== 1 || security === undefined) throw new Unauthenticated('expected one wsse:Security header');
  const ids = new Map<string, Element>();
  const all = envelope.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const element = all.item(i);
    const id = element?.getAttributeNS(WSU_NS, 'Id') ?? null;
    if (element === null || id === null || id === '') continue;
    if (ids.has(id)) throw new Unauthenticated('duplicate wsu:Id');
    ids.set(id, element);
  }
  return { security, body, ids };
}

function checkTimestamp(security: Element, now: Date): Element {
  const timestamp = onlyChild(security, WSU_NS, 'Timestamp');
  const created = Date.parse(text(onlyChild(timestamp, WSU_NS, 'Created')));
  const expires = Date.parse(text(onlyChild(timestamp, WSU_NS, 'Expires')));
  const time = now.getTime();
  if (Number.isNaN(created) || Number.isNaN(expires)) throw new Unauthenticated('unreadable timestamp');
  if (created - CLOCK_SKEW_MS > time) throw new Unauthenticated('timestamp created in the future');
  if (expires + CLOCK_SKEW_MS < time) throw new Unauthenticated('the message has expired');
  if (expires - created > MAX_TIMESTAMP_WINDOW_MS) throw new Unauthenticated('timestamp window too long');
  return timestamp;
}

/** Verifies the one ds:Signature of the Security header and returns the ids of what it signed. */
function verifySignature(xml: string, security: Element, signerPem: string): { signedIds: Set<string>; keyInfo: Element } {
  const signatures = childrenNS(security, DS_NS, 'Signature');
  const signature = signatures[0];
  if (signatures.length !== 1 || signature === undefined) throw new Unauthenticated('expected one signature');
  const method = elementsNS(signature, DS_NS, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!ALLOWED_SIGNATURE_METHODS.has(method)) throw new Unauthenticated('signature algorithm not accepted');
  const checker = signatureChecker(signerPem, { idMode: 'wssecurity' });
  checker.loadSignature(signature);
  let valid: boolean;
  try {
    valid = checker.checkSignature(xml);
  } catch {
    valid = false;
  }
  if (!valid) throw new Unauthenticated('the signature does not verify');
  const signedIds = new Set(checker.getReferences().map((reference) => reference.uri.replace(/^#/, '')));
  return { signedIds, keyInfo: onlyChild(signature, DS_NS, 'KeyInfo') };
}

function requireSigned(signedIds: Set<string>, element: Element, what: string): void {
  const id = element.getAttributeNS(WSU_NS, 'Id');
  if (id === null || !signedIds.has(id)) throw new Unauthenticated(`${what} is not signed`);
}

export function certificateFromBase64(value: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(value.replace(/\s+/g, ''), 'base64'));
  } catch {
    throw new Unauthenticated('unreadable certificate');
  }
}

export function checkIssuedBy(certificate: X509Certificate, ca: X509Certificate, now: Date): void {
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new Unauthenticated('certificate not issued by a trusted CA');
  if (now.getTime() < Date.parse(certificate.validFrom) || now.getTime() > Date.parse(certificate.validTo)) throw new Unauthenticated('certificate expired or not yet valid');
}

/** X.509 profile (the STS call): a BinarySecurityToken, and one signature over Body, Timestamp and the token. */
export function verifyX509Envelope(xml: string, document: Document, ca: X509Certificate, now: Date): { certificate: X509Certificate; body: Element } {
  const { security, body, ids } = securedEnvelope(document);
  const timestamp = checkTimestamp(security, now);
  const token = onlyChild(security, WSSE_NS, 'BinarySecurityToken');
  if (token.getAttribute('ValueType') !== X509_TOKEN) throw new Unauthenticated('unexpected token type');
  const certificate = certificateFromBase64(text(token));
  const { signedIds, keyInfo } = verifySignature(xml, security, certificate.toString());
  for (const [element, what] of [[body, 'the body'], [timestamp, 'the timestamp'], [token, 'the certificate token']] as const) requireSigned(signedIds, element, what);
  const reference = elementsNS(keyInfo, WSSE_NS, 'Reference')[0]?.getAttribute('URI') ?? '';
  if (ids.get(reference.replace(/^#/, '')) !== token) throw new Unauthenticated('KeyInfo does not point to the certificate token');
  checkIssuedBy(certificate, ca, now);
  return { certificate, body };
}

/** SAML holder-of-key profile: the assertion in the header, one signature over Body and Timestamp by the key it confirms. */
export function verifyHolderOfKeyEnvelope(
  xml: string,
  document: Document,
  checkAssertion: (assertion: Element) => { holder: X509Certificate; assertionId: string },
  now: Date,
): { assertion: Element; holder: X509Certificate; body: Element } {
  const { security, body } = securedEnvelope(document);
  const timestamp = checkTimestamp(security, now);
  const assertion = onlyChild(security, SAML_NS, 'Assertion');
  const { holder, assertionId } = checkAssertion(assertion);
  const { signedIds, keyInfo } = verifySignature(xml, security, holder.toString());
  requireSigned(signedIds, body, 'the body');
  requireSigned(signedIds, timestamp, 'the timestamp');
  const identifier = elementsNS(keyInfo, WSSE_NS, 'KeyIdentifier')[0];
  if (identifier?.getAttribute('ValueType') !== SAML_ASSERTION_ID || text(identifier) !== assertionId) throw new Unauthenticated('KeyInfo does not name the assertion');
  return { assertion, holder, body };
}
