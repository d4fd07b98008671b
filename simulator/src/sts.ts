import { randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { brusselsIsoTime } from '../../src/shared/domain/calendar.js';
import type { Profession } from '../../src/shared/domain/profession.js';
import { rfc1779Issuer, rfc1779Subject } from './rfc1779.js';
import { Unauthenticated, verifyX509Envelope } from './wss.js';
import { BadRequest, DS_NS, SAMLP_NS, SAML_NS, childrenNS, elementsNS, onlyChild, soapEnvelope, tag, text } from './xml.js';

/**
 * The eHealth STS (SAML 1.1 token service): checks the X.509 WS-Security signature against the
 * trusted CA, then issues a holder-of-key assertion with the attributes the platform knows of
 * the clinician, signed with the STS key (PROTOCOL §4).
 */

export interface KnownClinician {
  ssin: string;
  profession: Profession;
  nihii11: string;
  givenName: string;
  surname: string;
}

/** An organisation the platform knows by the NIHII number in its certificate (a guard post). */
export interface KnownOrganisation {
  /** The identifier type of its certificate's `OU=<TYPE>=<number>`. */
  type: 'NIHII-GUARDPOST';
  nihii: string;
  nihii11: string;
  profession: 'guardPost';
}

export interface StsConfig {
  ca: X509Certificate;
  signingKey: KeyObject;
  signingCert: X509Certificate;
  clinicians: ReadonlyMap<string, KnownClinician>;
  /** Organisations by their NIHII number. */
  organisations?: ReadonlyMap<string, KnownOrganisation>;
  /** Overrides the token lifetime (tests of renewal); otherwise what was asked, at most 24 h. */
  tokenLifetimeSeconds?: number;
  /** How far NotBefore is set back for clock skew, as the platform does (5 minutes). */
  notBeforeSkewSeconds?: number;
}

export const STS_ISSUER = 'urn:be:fgov:ehealth:sts:1_0';
/** The platform's name for each profession in its attribute names (a speech therapist is a "logopedist"). */
const QUALITY_NAMES: Readonly<Record<Profession, string>> = { doctor: 'doctor', dentist: 'dentist', nurse: 'nurse', physiotherapist: 'physiotherapist', midwife: 'midwife', speechTherapist: 'logopedist', guardPost: 'guardpost' };
const GUARD_POST = 'urn:be:fgov:ehealth:1.0:guardpost:nihii-number';
const GUARD_POST_HOLDER = 'urn:be:fgov:ehealth:1.0:certificateholder:guardpost:nihii-number';
const IDENTIFICATION_NS = 'urn:be:fgov:identification-namespace';
const MAX_LIFETIME_MS = 24 * 3600_000;

function ssinOfSubject(certificate: X509Certificate): string | undefined {
  return /(?:^|\n)CN=SSIN=(\d{11})(?:\n|$)/.exec(certificate.subject)?.[1];
}

function guardPostOfSubject(certificate: X509Certificate): string | undefined {
  return /(?:^|\n)OU=NIHII-GUARDPOST=(\d{8})(?:\n|$)/.exec(certificate.subject)?.[1];
}

/** What the platform grants a recognised guard post: its number, its NIHII and the recognitions; nothing of a person. */
function grantedToOrganisation(name: string, organisation: KnownOrganisation): string | undefined {
  if (name === GUARD_POST || name === GUARD_POST_HOLDER) return organisation.nihii;
  if (name === `${GUARD_POST}:recognisedguardpost:nihii11`) return organisation.nihii11;
  if (name === `${GUARD_POST}:recognisedguardpost:boolean` || name === 'urn:be:fgov:ehealth:1.0:certificateholder:recognisedorganization:boolean') return 'true';
  return undefined;
}

/** The value the platform grants for one requested attribute, or undefined when it grants nothing. */
function grantedValue(name: string, clinician: KnownClinician): string | undefined {
  if (name === 'urn:be:fgov:ehealth:1.0:certificateholder:person:ssin' || name === 'urn:be:fgov:person:ssin') return clinician.ssin;
  if (name.endsWith(':givenname')) return clinician.givenName;
  if (name.endsWith(':surname')) return clinician.surname;
  const quality = /:(doctor|dentist|nurse|physiotherapist|midwife|logopedist)(?::nihii11|:boolean)$/.exec(name)?.[1];
  if (quality === undefined) return undefined;
  const own = quality === QUALITY_NAMES[clinician.profession];
  if (name.endsWith(':boolean')) return String(own);
  return own ? clinician.nihii11 : undefined;
}

/** The certificate holder as the STS knows them: what they claim to be, and what it grants each requested attribute. */
interface Holder {
  identifier: string;
  granted: (attributeName: string) => string | undefined;
}

export function issueToken(xml: string, document: Document, config: StsConfig, now: Date): string {
  const { certificate, body } = verifyX509Envelope(xml, document, config.ca, now);
  const request = onlyChild(body, SAMLP_NS, 'Request');
  const query = onlyChild(request, SAMLP_NS, 'AttributeQuery');
  const subject = onlyChild(query, SAML_NS, 'Subject');
  const confirmation = onlyChild(subject, SAML_NS, 'SubjectConfirmation');
  const holderText = text(elementsNS(confirmation, DS_NS, 'X509Certificate')[0]).replace(/\s+/g, '');
  if (holderText !== certificate.raw.toString('base64')) throw new Unauthenticated('the holder-of-key certificate is not the signing certificate');
  // The subject named as the connectors name it: RFC 1779, `CN="SSIN=…", …`, qualified by the issuer in the same form.
  const named = onlyChild(subject, SAML_NS, 'NameIdentifier');
  if (text(named) !== rfc1779Subject(certificate) || named.getAttribute('NameQualifier') !== rfc1779Issuer(certificate)) throw new BadRequest('the subject is not named as RFC 1779 names it');
  const ssin = ssinOfSubject(certificate);
  const guardPost = guardPostOfSubject(certificate);
  const clinician = ssin === undefined ? undefined : config.clinicians.get(ssin);
  const organisation = guardPost === undefined ? undefined : config.organisations?.get(guardPost);
  const holder: Holder | undefined =
    clinician !== undefined ? { identifier: clinician.ssin, granted: (name) => grantedValue(name, clinician) } : organisation !== undefined ? { identifier: organisation.nihii, granted: (name) => grantedToOrganisation(name, organisation) } : undefined;
  if (holder === undefined) throw new Unauthenticated('unknown certificate holder');
  const claimed = elementsNS(confirmation, SAML_NS, 'Attribute').filter((a) => a.getAttribute('AttributeNamespace') === IDENTIFICATION_NS);
  if (claimed.length === 0 || claimed.some((attribute) => text(elementsNS(attribute, SAML_NS, 'AttributeValue')[0]) !== holder.identifier)) {
    throw new Unauthenticated('claimed identifier does not match the certificate');
  }
  const requestedConditions = elementsNS(confirmation, SAML_NS, 'Conditions')[0];
  const askedMs = Date.parse(requestedConditions?.getAttribute('NotOnOrAfter') ?? '') - Date.parse(requestedConditions?.getAttribute('NotBefore') ?? '');
  const lifetimeMs =
    config.tokenLifetimeSeconds !== undefined ? config.tokenLifetimeSeconds * 1000 : Number.isFinite(askedMs) && askedMs > 0 ? Math.min(askedMs, MAX_LIFETIME_MS) : MAX_LIFETIME_MS;
  const designators = childrenNS(query, SAML_NS, 'AttributeDesignator');
  if (designators.length === 0) throw new BadRequest('no attribute requested');
  return signedResponse(config, certificate, holder, designators, request.getAttribute('RequestID') ?? '', now, lifetimeMs);
}

function signedResponse(
  config: StsConfig,
  holderCertificate: X509Certificate,
  known: Holder,
  designators: Element[],
  inResponseTo: string,
  now: Date,
  lifetimeMs: number,
): string {
  const assertionId = `_${randomBytes(16).toString('hex')}`;
  const nameIdentifier = (document: Document) =>
    tag(
      document,
      SAML_NS,
      'saml:NameIdentifier',
      { Format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName', NameQualifier: rfc1779Issuer(holderCertificate) },
      rfc1779Subject(holderCertificate),
    );
  const subject = (document: Document, withKey: boolean) =>
    tag(
      document,
      SAML_NS,
      'saml:Subject',
      {},
      nameIdentifier(document),
      ...(withKey
        ? [
            tag(
              document,
              SAML_NS,
              'saml:SubjectConfirmation',
              {},
              tag(document, SAML_NS, 'saml:ConfirmationMethod', {}, 'urn:oasis:names:tc:SAML:1.0:cm:holder-of-key'),
              tag(document, DS_NS, 'ds:KeyInfo', {}, tag(document, DS_NS, 'ds:X509Data', {}, tag(document, DS_NS, 'ds:X509Certificate', {}, holderCertificate.raw.toString('base64')))),
            ),
          ]
        : []),
    );
  // The platform (Java) writes its instants in Brussels time with the offset.
  const issueInstant = brusselsIsoTime(now);
  const unsigned = soapEnvelope((document) => {
    const attributes: Element[] = [];
    for (const designator of designators) {
      const name = designator.getAttribute('AttributeName') ?? '';
      const value = known.granted(name);
      if (value === undefined) continue;
      attributes.push(
        tag(
          document,
          SAML_NS,
          'saml:Attribute',
          { AttributeName: name, AttributeNamespace: designator.getAttribute('AttributeNamespace') ?? '' },
          tag(document, SAML_NS, 'saml:AttributeValue', {}, value),
        ),
      );
    }
    const assertion = tag(
      document,
      SAML_NS,
      'saml:Assertion',
      { AssertionID: assertionId, IssueInstant: issueInstant, Issuer: STS_ISSUER, MajorVersion: '1', MinorVersion: '1' },
      tag(document, SAML_NS, 'saml:Conditions', {
        NotBefore: brusselsIsoTime(new Date(now.getTime() - (config.notBeforeSkewSeconds ?? 300) * 1000)),
        NotOnOrAfter: brusselsIsoTime(new Date(now.getTime() + lifetimeMs)),
      }),
      tag(
        document,
        SAML_NS,
        'saml:AuthenticationStatement',
        { AuthenticationInstant: issueInstant, AuthenticationMethod: 'urn:oasis:names:tc:SAML:1.0:am:X509-PKI' },
        subject(document, true),
      ),
      tag(document, SAML_NS, 'saml:AttributeStatement', {}, subject(document, true), ...attributes),
    );
    return tag(
      document,
      SAMLP_NS,
      'samlp:Response',
      { InResponseTo: inResponseTo, IssueInstant: issueInstant, MajorVersion: '1', MinorVersion: '1', ResponseID: `_${randomBytes(16).toString('hex')}` },
      tag(document, SAMLP_NS, 'samlp:Status', {}, tag(document, SAMLP_NS, 'samlp:StatusCode', { Value: 'samlp:Success' })),
      assertion,
    );
  });
  return signAssertion(unsigned, config.signingKey, config.signingCert);
}

/**
 * Signs the one saml:Assertion in `xml` as the platform's STS does: an enveloped signature, one
 * reference to the assertion by its AssertionID, exclusive C14N, RSA-SHA256, the signer's
 * certificate in KeyInfo. Exported for the tests that forge assertions with the test PKI's keys.
 */
export function signAssertion(xml: string, signingKey: KeyObject, signingCert: X509Certificate): string {
  const signer = new SignedXml({
    privateKey: signingKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicCert: signingCert.toString(),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    idAttribute: 'AssertionID',
  });
  signer.addReference({
    xpath: `//*[local-name(.)='Assertion' and namespace-uri(.)='${SAML_NS}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `//*[local-name(.)='Assertion' and namespace-uri(.)='${SAML_NS}']`, action: 'append' },
  });
  return signer.getSignedXml();
}
