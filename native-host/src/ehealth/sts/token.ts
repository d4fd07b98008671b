import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { childElements, firstChild, pathFrom, serialize, textOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { parseXml } from '../xml/parse.js';
import { issuedByAnchor, SignatureRejected, verifyEnvelopedSignature } from '../xml/verify.js';
import { isOrganisation } from '../../../../src/shared/domain/profession.js';
import { AssertionShapeRejected, attributeKey, readAssertionParts } from './assertion.js';
import { CERTIFIED_NS, IDENTIFICATION_NS, PROFESSION_ATTRIBUTES, type Profession } from './attributes.js';

/** A SAML 1.1 holder-of-key token from the eHealth STS, verified and read (PROTOCOL §4.2). */
export interface SamlToken {
  /** The assertion as one standalone XML text, exactly as verified: it is copied verbatim into every request. */
  assertionXml: string;
  assertionId: string;
  notBefore: Date;
  notOnOrAfter: Date;
  /** A person's SSIN; an organisation (a guard post) has none. */
  ssin?: string;
  nihii11: string;
  profession: Profession;
  /** The holder as the ETK depot knows it (its own ETK, the Reply-to-Etk): `SSIN`, or the organisation's identifier. */
  holder: { type: string; value: string };
  /** An organisation's name: the platform certifies none, so it is the one its certificate carries. */
  name?: string;
  givenName?: string;
  surname?: string;
}

export interface TokenCheck {
  /** Our certificate: the assertion must confirm this key as the holder of key. */
  holderCertificate: X509Certificate;
  /** The identifier our certificate names (SSIN, or an organisation's NIHII number): the token must identify the same holder. */
  holderIdentifier: string;
  /** An organisation certificate: its identifier type (`NIHII-GUARDPOST`) and the name it carries. */
  organisation?: { type: string; name?: string | undefined };
  profession: Profession;
  /** CAs that may issue the STS signing certificate. */
  stsAnchors: readonly X509Certificate[];
  /** The STS signing certificate(s) of the environment, pinned: only these may sign a token. */
  stsSigners: readonly X509Certificate[];
  now: Date;
}

const SUCCESS = /:Success$/;
const XMLNS = 'http://www.w3.org/2000/xmlns/';
/** Tolerated difference between our clock and the platform's. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Why an answer was refused, named in its details (the tests and the log tell the cases apart by it). */
type Refusal = 'signature' | 'signer-not-pinned' | 'signer-untrusted' | 'not-our-key' | 'not-our-holder' | 'validity' | 'no-nihii' | AssertionShapeRejected['reason'];

function bad(message: string, reason?: Refusal): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `STS answer: ${message}`, { service: 'sts', ...(reason !== undefined ? { reason } : {}) });
}

/** The one value of an attribute we read; several values for it refuse the token. */
function singleValue(attributes: ReadonlyMap<string, readonly string[]>, namespace: string, name: string): string | undefined {
  const values = attributes.get(attributeKey(namespace, name));
  if (values === undefined) return undefined;
  if (values.length !== 1) throw bad(`the attribute ${name} has ${values.length} values`, 'assertion-shape');
  return values[0];
}

/**
 * A copy of `element` declaring every namespace in scope where it sits. The assertion leaves the
 * answer to travel alone (in every MyCareNet call): a prefix its signature's InclusiveNamespaces
 * list names but that only an ancestor declared (say samlp) would otherwise drop out of its
 * canonical form, and its digest with it. Exclusive C14N renders no other declaration, so the
 * copy's canonical form is the original's.
 */
function withNamespacesInScope(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  for (let parent = element.parentNode; parent !== null && parent.nodeType === 1; parent = parent.parentNode) {
    const attributes = (parent as Element).attributes;
    for (let index = 0; index < attributes.length; index++) {
      const attribute = attributes.item(index);
      if (attribute === null || attribute.namespaceURI !== XMLNS) continue;
      if (!copy.hasAttributeNS(XMLNS, attribute.localName)) copy.setAttributeNS(XMLNS, attribute.name, attribute.value);
    }
  }
  return copy;
}

export function readStsResponse(envelope: Document, check: TokenCheck): SamlToken {
  const body = firstChild(envelope.documentElement, NS.soap, 'Body');
  const response = body === undefined ? undefined : firstChild(body, NS.samlp, 'Response');
  if (response === undefined) throw bad('no samlp:Response');
  const statusCode = pathFrom(response, [[NS.samlp, 'Status'], [NS.samlp, 'StatusCode']]);
  const status = statusCode?.getAttribute('Value') ?? '';
  if (!SUCCESS.test(status)) {
    const subStatus = statusCode === undefined ? undefined : firstChild(statusCode, NS.samlp, 'StatusCode')?.getAttribute('Value');
    const message = textOf(pathFrom(response, [[NS.samlp, 'Status'], [NS.samlp, 'StatusMessage']]));
    throw new AppError('STS_REFUSED', 'the STS refused to issue a token', {
      service: 'sts',
      status: status.slice(0, 200),
      subStatus: subStatus?.slice(0, 200) ?? null,
      statusMessage: message?.slice(0, 500) ?? null,
    });
  }
  const assertions = childElements(response, NS.saml, 'Assertion');
  const found = assertions[0];
  if (assertions.length !== 1 || found === undefined) throw bad('expected exactly one assertion');

  // Re-read the assertion on its own, so that what is verified is byte for byte what we keep and
  // send; it is then verified and read on this one DOM, never parsed again in between.
  const assertionXml = serialize(withNamespacesInScope(found));
  const assertion = parseXml(assertionXml).documentElement as Element;
  let stsCertificate: X509Certificate;
  try {
    stsCertificate = verifyEnvelopedSignature(assertion, 'AssertionID');
  } catch (error) {
    throw bad(error instanceof SignatureRejected ? error.message : 'signature check failed', 'signature');
  }
  // The STS's own certificate, not any other the same CAs issued (a clinician's is one of them).
  if (!check.stsSigners.some((pinned) => pinned.fingerprint256 === stsCertificate.fingerprint256)) throw bad('the token is not signed by the pinned STS certificate', 'signer-not-pinned');
  if (!issuedByAnchor(stsCertificate, check.stsAnchors, check.now)) throw bad('the STS signing certificate is not trusted', 'signer-untrusted');

  let parts;
  try {
    parts = readAssertionParts(assertion);
  } catch (error) {
    if (error instanceof AssertionShapeRejected) throw bad(error.message, error.reason);
    throw error;
  }
  const ours = check.holderCertificate.raw.toString('base64');
  if (!parts.holderCertificates.every((holder) => holder === ours)) throw bad('the token is not bound to our certificate', 'not-our-key');

  const notBefore = new Date(parts.notBefore ?? '');
  const notOnOrAfter = new Date(parts.notOnOrAfter ?? '');
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notOnOrAfter.getTime()) || notOnOrAfter <= notBefore) throw bad('invalid validity period', 'validity');
  const now = check.now.getTime();
  if (now + CLOCK_SKEW_MS < notBefore.getTime() || now >= notOnOrAfter.getTime()) throw bad('the token is not valid now', 'validity');

  // Each attribute in the namespace it was asked in (attributes.ts: requestedAttributes).
  const value = (name: string) => singleValue(parts.attributes, CERTIFIED_NS, name);
  const identification = (name: string) => singleValue(parts.attributes, IDENTIFICATION_NS, name);
  const expected = PROFESSION_ATTRIBUTES[check.profession];
  const refusedQualification = expected.qualification.find((name) => value(name) !== 'true');
  if (refusedQualification !== undefined) {
    throw new AppError('STS_REFUSED', `the platform did not confirm the profession ${check.profession}`, { service: 'sts', attribute: refusedQualification });
  }
  const nihii11 = expected.nihii11.map(value).find((granted) => granted !== undefined);
  if (nihii11 === undefined || !/^\d{11}$/.test(nihii11)) throw bad('no NIHII in the token', 'no-nihii');
  // The identification attributes name the holder (a person's SSIN, an organisation's NIHII
  // number): each one granted must name the holder of our certificate.
  const identifiers = expected.identification.map(identification).filter((granted) => granted !== undefined);
  if (identifiers.length === 0 || identifiers.some((granted) => granted !== check.holderIdentifier)) throw bad('the token does not identify the holder of our certificate', 'not-our-holder');
  const identified = identifiers[0];
  const organisation = isOrganisation(check.profession);
  if (!organisation && (identified === undefined || !/^\d{11}$/.test(identified))) throw bad('no SSIN in the token', 'not-our-holder');
  const ssin = organisation ? undefined : identified;
  const organisationName = organisation ? check.organisation?.name : undefined;
  const givenName = expected.givenName === undefined ? undefined : value(expected.givenName);
  const surname = expected.surname === undefined ? undefined : value(expected.surname);
  const assertionId = assertion.getAttribute('AssertionID') ?? '';
  return {
    assertionXml,
    assertionId,
    notBefore,
    notOnOrAfter,
    ...(ssin !== undefined ? { ssin } : {}),
    nihii11,
    profession: check.profession,
    holder: ssin !== undefined ? { type: 'SSIN', value: ssin } : { type: check.organisation?.type ?? 'NIHII', value: check.holderIdentifier },
    ...(organisationName !== undefined ? { name: organisationName } : {}),
    ...(givenName !== undefined ? { givenName } : {}),
    ...(surname !== undefined ? { surname } : {}),
  };
}

/** The token is reused until less than half of its life remains (PROTOCOL §4.3). */
export function isFresh(token: Pick<SamlToken, 'notBefore' | 'notOnOrAfter'>, now: Date): boolean {
  const life = token.notOnOrAfter.getTime() - token.notBefore.getTime();
  return token.notOnOrAfter.getTime() - now.getTime() >= life / 2;
}

export function assertionElement(token: SamlToken): Element {
  return parseXml(token.assertionXml).documentElement;
}
