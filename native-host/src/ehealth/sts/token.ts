import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { childElements, descendants, firstChild, pathFrom, serialize, textOf } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { parseXml } from '../xml/parse.js';
import { issuedByAnchor, SignatureRejected, verifyEnvelopedSignature } from '../xml/verify.js';
import { isOrganisation } from '../../../../src/shared/domain/profession.js';
import { PROFESSION_ATTRIBUTES, type Profession } from './attributes.js';

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
  now: Date;
}

const SUCCESS = /:Success$/;
/** Tolerated difference between our clock and the platform's. */
const CLOCK_SKEW_MS = 5 * 60_000;

function bad(message: string, details?: Record<string, string>): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `STS answer: ${message}`, { service: 'sts', ...details });
}

function attributeValues(assertion: Element): Map<string, string> {
  const values = new Map<string, string>();
  for (const attribute of descendants(assertion, NS.saml, 'Attribute')) {
    const name = attribute.getAttribute('AttributeName');
    const value = textOf(firstChild(attribute, NS.saml, 'AttributeValue'));
    if (name !== null && value !== undefined) values.set(name, value);
  }
  return values;
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

  // Re-read the assertion on its own, so that what is verified is byte for byte what we keep.
  const assertionXml = serialize(found);
  const assertion = parseXml(assertionXml).documentElement as Element;
  let stsCertificate: X509Certificate;
  try {
    stsCertificate = verifyEnvelopedSignature(assertionXml, assertion, 'AssertionID');
  } catch (error) {
    throw bad(error instanceof SignatureRejected ? error.message : 'signature check failed');
  }
  if (!issuedByAnchor(stsCertificate, check.stsAnchors, check.now)) throw bad('the STS signing certificate is not trusted');

  const confirmation = descendants(assertion, NS.saml, 'SubjectConfirmation')[0];
  const holder = textOf(confirmation === undefined ? undefined : pathFrom(confirmation, [[NS.ds, 'KeyInfo'], [NS.ds, 'X509Data'], [NS.ds, 'X509Certificate']]));
  if (holder?.replace(/\s+/g, '') !== check.holderCertificate.raw.toString('base64')) throw bad('the token is not bound to our certificate');

  const conditions = firstChild(assertion, NS.saml, 'Conditions');
  const notBefore = new Date(conditions?.getAttribute('NotBefore') ?? '');
  const notOnOrAfter = new Date(conditions?.getAttribute('NotOnOrAfter') ?? '');
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notOnOrAfter.getTime()) || notOnOrAfter <= notBefore) throw bad('invalid validity period');
  const now = check.now.getTime();
  if (now + CLOCK_SKEW_MS < notBefore.getTime() || now >= notOnOrAfter.getTime()) throw bad('the token is not valid now');

  const values = attributeValues(assertion);
  const expected = PROFESSION_ATTRIBUTES[check.profession];
  const refusedQualification = expected.qualification.find((name) => values.get(name) !== 'true');
  if (refusedQualification !== undefined) {
    throw new AppError('STS_REFUSED', `the platform did not confirm the profession ${check.profession}`, { service: 'sts', attribute: refusedQualification });
  }
  const nihii11 = expected.nihii11.map((name) => values.get(name)).find((value) => value !== undefined);
  if (nihii11 === undefined || !/^\d{11}$/.test(nihii11)) throw bad('no NIHII in the token');
  // The identification attributes name the holder: a person's SSIN, an organisation's NIHII number.
  const identified = expected.identification.map((name) => values.get(name)).find((value) => value !== undefined);
  const organisation = isOrganisation(check.profession);
  if (organisation) {
    if (identified !== check.holderIdentifier) throw bad('the token does not identify the organisation of our certificate');
  } else if (identified === undefined || !/^\d{11}$/.test(identified)) throw bad('no SSIN in the token');
  const ssin = organisation ? undefined : identified;
  const organisationName = organisation ? check.organisation?.name : undefined;
  const givenName = expected.givenName === undefined ? undefined : values.get(expected.givenName);
  const surname = expected.surname === undefined ? undefined : values.get(expected.surname);
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
