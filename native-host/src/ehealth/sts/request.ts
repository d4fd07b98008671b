import { randomUUID, type X509Certificate } from 'node:crypto';
import type { ElementSpec } from '../xml/dom.js';
import { NS } from '../xml/namespaces.js';
import { IDENTIFICATION_NS, PROFESSION_ATTRIBUTES, requestedAttributes, type Profession } from './attributes.js';
import { certificateName } from '../x500-name.js';

/**
 * The SAML 1.1 AttributeQuery of PROTOCOL §4.1 (the connector's holder-of-key template): the
 * clinician's certificate is both the identification and the holder-of-key certificate, so the
 * inner request is not signed; the envelope's WS-Security signature authenticates it.
 */

const X509_SUBJECT_NAME = 'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName';
const HOLDER_OF_KEY = 'urn:oasis:names:tc:SAML:1.0:cm:holder-of-key';

export interface StsRequestInput {
  certificate: X509Certificate;
  /** What the holder claims to be: a person's SSIN, a guard post's NIHII number (both in its certificate). */
  holderIdentifier: string;
  profession: Profession;
  now: Date;
  validityHours: number;
}

export function stsRequestBody(input: StsRequestInput): ElementSpec {
  // As the Java connectors write them and the STS answers: `CN="SSIN=…", OU=…, C=BE`.
  const subject = certificateName(input.certificate, 'subject', 'rfc1779');
  const issuer = certificateName(input.certificate, 'issuer', 'rfc1779');
  const issueInstant = input.now.toISOString();
  const notOnOrAfter = new Date(input.now.getTime() + input.validityHours * 3600_000).toISOString();
  const nameIdentifier = (): ElementSpec => ({
    ns: NS.saml,
    name: 'saml:NameIdentifier',
    attrs: { Format: X509_SUBJECT_NAME, NameQualifier: issuer },
    children: [subject],
  });
  return {
    ns: NS.samlp,
    name: 'samlp:Request',
    attrs: { MajorVersion: '1', MinorVersion: '1', RequestID: `request-${randomUUID()}`, IssueInstant: issueInstant },
    children: [
      {
        ns: NS.samlp,
        name: 'samlp:AttributeQuery',
        children: [
          {
            ns: NS.saml,
            name: 'saml:Subject',
            children: [
              nameIdentifier(),
              {
                ns: NS.saml,
                name: 'saml:SubjectConfirmation',
                children: [
                  { ns: NS.saml, name: 'saml:ConfirmationMethod', children: [HOLDER_OF_KEY] },
                  {
                    ns: NS.saml,
                    name: 'saml:SubjectConfirmationData',
                    children: [
                      {
                        ns: NS.saml,
                        name: 'saml:Assertion',
                        attrs: { AssertionID: `assertion-${randomUUID()}`, IssueInstant: issueInstant, Issuer: subject, MajorVersion: '1', MinorVersion: '1' },
                        children: [
                          { ns: NS.saml, name: 'saml:Conditions', attrs: { NotBefore: issueInstant, NotOnOrAfter: notOnOrAfter } },
                          {
                            ns: NS.saml,
                            name: 'saml:AttributeStatement',
                            children: [
                              { ns: NS.saml, name: 'saml:Subject', children: [nameIdentifier()] },
                              ...PROFESSION_ATTRIBUTES[input.profession].identification.map(
                                (name): ElementSpec => ({
                                  ns: NS.saml,
                                  name: 'saml:Attribute',
                                  attrs: { AttributeName: name, AttributeNamespace: IDENTIFICATION_NS },
                                  children: [{ ns: NS.saml, name: 'saml:AttributeValue', children: [input.holderIdentifier] }],
                                }),
                              ),
                            ],
                          },
                        ],
                      },
                    ],
                  },
                  {
                    ns: NS.ds,
                    name: 'ds:KeyInfo',
                    children: [{ ns: NS.ds, name: 'ds:X509Data', children: [{ ns: NS.ds, name: 'ds:X509Certificate', children: [input.certificate.raw.toString('base64')] }] }],
                  },
                ],
              },
            ],
          },
          ...requestedAttributes(input.profession).map(
            (attribute): ElementSpec => ({
              ns: NS.saml,
              name: 'saml:AttributeDesignator',
              attrs: { AttributeName: attribute.name, AttributeNamespace: attribute.namespace },
            }),
          ),
        ],
      },
    ],
  };
}
