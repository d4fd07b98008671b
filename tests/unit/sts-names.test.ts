import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateName } from '../../native-host/src/ehealth/x500-name.js';

const rfc1779Name = (certificate: X509Certificate, which: 'subject' | 'issuer') => certificateName(certificate, which, 'rfc1779');
import { stsRequestBody } from '../../native-host/src/ehealth/sts/request.js';
import { x509SignedEnvelope } from '../../native-host/src/ehealth/wss/envelope.js';
import type { ElementSpec } from '../../native-host/src/ehealth/xml/dom.js';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import { issueToken, type StsConfig } from '../../simulator/src/sts.js';
import { BadRequest, elementsNS, readXml, SAML_NS, text } from '../../simulator/src/xml.js';

/**
 * The STS request names the certificate holder as the Java connectors do and as the STS answers:
 * RFC 1779, `CN="SSIN=…", …, C=BE` (X500Principal.getName(RFC1779)). The simulator's STS, with its
 * own reading of the name, refuses another form and answers in this one.
 */

let pki: TestPki;
let doctor: ClinicianMaterial;
let certificate: X509Certificate;
let key: KeyObject;
let config: StsConfig;

beforeAll(async () => {
  pki = await ensureTestPki();
  doctor = pki.clinicians.doctorRsa;
  certificate = new X509Certificate(readFileSync(doctor.authCert));
  key = createPrivateKey(readFileSync(doctor.authKey));
  const { identity } = doctor;
  config = {
    ca: new X509Certificate(readFileSync(pki.caCert)),
    signingKey: createPrivateKey(readFileSync(pki.sts.key)),
    signingCert: new X509Certificate(readFileSync(pki.sts.cert)),
    clinicians: new Map([[identity.ssin, { ssin: identity.ssin, profession: 'doctor', nihii11: identity.nihii11, givenName: identity.givenName, surname: identity.surname }]]),
  };
});

/** The spec with every text equal to `from` replaced, before it is signed. */
function renamed(spec: ElementSpec, from: string, to: string): ElementSpec {
  return { ...spec, children: (spec.children ?? []).map((child) => (child === from ? to : typeof child === 'string' || !('ns' in child) ? child : renamed(child, from, to))) };
}

function envelope(subjectAs?: string): { xml: string; document: Document } {
  const body = stsRequestBody({ certificate, holderIdentifier: doctor.identity.ssin, profession: 'doctor', now: new Date(), validityHours: 24 });
  const xml = x509SignedEnvelope(subjectAs === undefined ? body : renamed(body, rfc1779Name(certificate, 'subject'), subjectAs), { key, certificate });
  return { xml, document: readXml(xml) };
}

describe('the STS request', () => {
  it('names the holder in RFC 1779, values with "=" quoted, most specific first', () => {
    const { ssin, givenName, surname } = doctor.identity;
    expect(rfc1779Name(certificate, 'subject')).toBe(`CN="SSIN=${ssin}", OU=eHealth-platform Belgium, OU=${`${givenName} ${surname}`.toUpperCase()}, OU="SSIN=${ssin}", O=Federal Government, C=BE`);
    const { document } = envelope();
    const named = elementsNS(document.documentElement, SAML_NS, 'NameIdentifier');
    expect(named.length).toBe(2);
    for (const element of named) {
      expect(text(element)).toBe(rfc1779Name(certificate, 'subject'));
      expect(element.getAttribute('NameQualifier')).toBe(rfc1779Name(certificate, 'issuer'));
    }
  });

  it('is answered by the simulated STS in the same form, which refuses the unquoted one', () => {
    const good = envelope();
    const token = issueToken(good.xml, good.document, config, new Date());
    expect(text(elementsNS(readXml(token).documentElement, SAML_NS, 'NameIdentifier')[0])).toBe(rfc1779Name(certificate, 'subject'));
    // The old form, Node's lines reversed without quotes (`CN=SSIN=…`), is not how the platform names anyone.
    const unquoted = certificate.subject.split('\n').reverse().join(', ');
    const bad = envelope(unquoted);
    expect(bad.xml).toContain(`>${unquoted}<`);
    expect(() => issueToken(bad.xml, bad.document, config, new Date())).toThrow(BadRequest);
  });
});
