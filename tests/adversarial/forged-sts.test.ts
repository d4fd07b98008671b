import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Profession } from '../../native-host/src/ehealth/sts/attributes.js';
import { stsRequestBody } from '../../native-host/src/ehealth/sts/request.js';
import { readStsResponse, type SamlToken } from '../../native-host/src/ehealth/sts/token.js';
import { x509SignedEnvelope } from '../../native-host/src/ehealth/wss/envelope.js';
import { childElements, firstChild, pathFrom, serialize } from '../../native-host/src/ehealth/xml/dom.js';
import { EXC_C14N, NS, RSA_SHA256, SHA256_DIGEST } from '../../native-host/src/ehealth/xml/namespaces.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { issueToken, signAssertion, type StsConfig } from '../../simulator/src/sts.js';
import { readXml } from '../../simulator/src/xml.js';
import { AppError } from '../../src/shared/errors.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { builtHostScript } from '../support/paths.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * Finding 4 of issue 13: the STS answer was partly read from places its signature does not cover,
 * and any certificate of the platform's CAs could sign it. Real tokens, issued by the simulator's
 * STS and signed with the test PKI's keys, are forged the ways the review did, and read by the
 * host's real token reader (ehealth/sts/token.ts); each forgery must be a typed refusal, the
 * genuine token accepted. Then once through the built host against the simulator.
 */

const DOCTOR_BOOLEAN = 'urn:be:fgov:person:ssin:doctor:boolean';
const FPSPH_DOCTOR = 'urn:be:fgov:person:ssin:ehealth:1.0:fpsph:doctor:boolean';
const DOCTOR_NIHII = 'urn:be:fgov:person:ssin:ehealth:1.0:doctor:nihii11';
const SSIN = 'urn:be:fgov:person:ssin';
const SSIN_HOLDER = 'urn:be:fgov:ehealth:1.0:certificateholder:person:ssin';
const CERTIFIED_NS = 'urn:be:fgov:certified-namespace:ehealth';
const IDENTIFICATION_NS = 'urn:be:fgov:identification-namespace';
const ANOTHER_SSIN = '85073003328';
const ANOTHER_NIHII = '19999999004';

let pki: TestPki;
let ca: X509Certificate;
let stsKey: KeyObject;
let stsCert: X509Certificate;
let config: StsConfig;

interface Holder {
  material: ClinicianMaterial;
  certificate: X509Certificate;
  key: KeyObject;
}
let doctor: Holder;
let dentist: Holder;

function holder(material: ClinicianMaterial): Holder {
  return { material, certificate: new X509Certificate(readFileSync(material.authCert)), key: createPrivateKey(readFileSync(material.authKey)) };
}

beforeAll(async () => {
  pki = await ensureTestPki();
  ca = new X509Certificate(readFileSync(pki.caCert));
  stsKey = createPrivateKey(readFileSync(pki.sts.key));
  stsCert = new X509Certificate(readFileSync(pki.sts.cert));
  doctor = holder(pki.clinicians.doctorRsa);
  dentist = holder(pki.clinicians.dentistRsa);
  const known = [doctor, dentist].map(({ material: { identity } }) => [identity.ssin, { ssin: identity.ssin, profession: identity.profession, nihii11: identity.nihii11, givenName: identity.givenName, surname: identity.surname }] as const);
  config = { ca, signingKey: stsKey, signingCert: stsCert, clinicians: new Map(known) };
});

/** The STS's answer to `who` asking for a session of `profession`, signed by `signer` (the STS unless said otherwise). */
function stsAnswer(who: Holder, profession: Profession = 'doctor', signer?: { key: KeyObject; certificate: X509Certificate }): string {
  const body = stsRequestBody({ certificate: who.certificate, holderIdentifier: who.material.identity.ssin, profession, now: new Date(), validityHours: 24 });
  const request = x509SignedEnvelope(body, { key: who.key, certificate: who.certificate });
  const issuing = signer === undefined ? config : { ...config, signingKey: signer.key, signingCert: signer.certificate };
  return issueToken(request, readXml(request), issuing, new Date());
}

/** What the host makes of an answer, as `who` with `profession` configured. */
function read(answer: string, who: Holder = doctor, profession: Profession = 'doctor'): SamlToken {
  return readStsResponse(parseXml(answer), {
    holderCertificate: who.certificate,
    holderIdentifier: who.material.identity.ssin,
    profession,
    stsAnchors: [ca],
    stsSigners: [stsCert],
    now: new Date(),
  });
}

function refusal(answer: string, who: Holder = doctor, profession: Profession = 'doctor'): { code: string; reason: unknown } {
  try {
    const token = read(answer, who, profession);
    return { code: 'ACCEPTED', reason: `${token.ssin ?? ''}/${token.nihii11}` };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, reason: error.details?.['reason'] };
  }
}

/** The answer's DOM and its assertion, to forge. */
function open(answer: string): { document: Document; assertion: Element } {
  const document = parseXml(answer);
  const assertion = pathFrom(document.documentElement, [[NS.soap, 'Body'], [NS.samlp, 'Response'], [NS.saml, 'Assertion']]);
  if (assertion === undefined) throw new Error('no assertion in the answer');
  return { document, assertion };
}

function element(document: Document, ns: string, name: string, attributes: Record<string, string> = {}, ...children: (Element | string)[]): Element {
  const created = document.createElementNS(ns, name);
  for (const [key, value] of Object.entries(attributes)) created.setAttribute(key, value);
  for (const child of children) created.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return created;
}

function attribute(document: Document, name: string, namespace: string, value: string): Element {
  return element(document, NS.saml, 'saml:Attribute', { AttributeName: name, AttributeNamespace: namespace }, element(document, NS.saml, 'saml:AttributeValue', {}, value));
}

/** Attributes that make the holder someone else: another SSIN and NIHII, a doctor. */
function otherIdentity(document: Document): Element[] {
  return [
    attribute(document, SSIN_HOLDER, IDENTIFICATION_NS, ANOTHER_SSIN),
    attribute(document, SSIN, IDENTIFICATION_NS, ANOTHER_SSIN),
    attribute(document, DOCTOR_BOOLEAN, CERTIFIED_NS, 'true'),
    attribute(document, FPSPH_DOCTOR, CERTIFIED_NS, 'true'),
    attribute(document, DOCTOR_NIHII, CERTIFIED_NS, ANOTHER_NIHII),
  ];
}

function only(parent: Element, ns: string, name: string): Element {
  const found = firstChild(parent, ns, name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

/** The answer with its assertion changed by `change` and signed again with `key`/`certificate` (the STS's by default). */
function resigned(answer: string, change: (assertion: Element, document: Document) => void, key = stsKey, certificate = stsCert): string {
  const { document, assertion } = open(answer);
  assertion.removeChild(only(assertion, NS.ds, 'Signature'));
  change(assertion, document);
  return signAssertion(serialize(document), key, certificate);
}

/** The answer with its signed assertion changed by `change`, the signature left as it was. */
function forged(answer: string, change: (assertion: Element, document: Document) => void): string {
  const { document, assertion } = open(answer);
  change(assertion, document);
  return serialize(document);
}

describe('a genuine STS token', () => {
  it('is accepted, with the holder the platform certified', () => {
    const token = read(stsAnswer(doctor));
    expect(token).toMatchObject({ ssin: doctor.material.identity.ssin, nihii11: doctor.material.identity.nihii11, profession: 'doctor' });
  });

  it('is accepted signed by another implementation (xmlsec1), with the InclusiveNamespaces prefix lists a Java signer writes', () => {
    const { document, assertion } = open(stsAnswer(doctor));
    assertion.removeChild(only(assertion, NS.ds, 'Signature'));
    const template = parseXml(
      `<ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"><ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="saml ds"/></ds:CanonicalizationMethod>` +
        `<ds:SignatureMethod Algorithm="${RSA_SHA256}"/><ds:Reference URI="#${assertion.getAttribute('AssertionID') ?? ''}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
        `<ds:Transform Algorithm="${EXC_C14N}"><ec:InclusiveNamespaces xmlns:ec="${EXC_C14N}" PrefixList="#default samlp saml ds"/></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="${SHA256_DIGEST}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>` +
        `<ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${stsCert.raw.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`,
    ).documentElement;
    assertion.appendChild(document.importNode(template, true));
    const dir = mkdtempSync(join(tmpdir(), 'forged-sts-'));
    try {
      writeFileSync(join(dir, 'template.xml'), serialize(document));
      const signed = spawnSync('xmlsec1', ['--sign', '--privkey-pem', pki.sts.key, '--id-attr:AssertionID', `${NS.saml}:Assertion`, '--output', join(dir, 'signed.xml'), join(dir, 'template.xml')], { encoding: 'utf8' });
      expect(signed.status).toBe(0);
      const answer = readFileSync(join(dir, 'signed.xml'), 'utf8');
      expect(answer).toContain('PrefixList="#default samlp saml ds"');
      expect(read(answer)).toMatchObject({ ssin: doctor.material.identity.ssin });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('forged STS tokens are refused with a typed error', () => {
  it('(1) another SSIN and NIHII injected inside ds:Signature (a ds:Object, or its KeyInfo)', () => {
    const inObject = forged(stsAnswer(doctor), (assertion, document) => {
      const signature = only(assertion, NS.ds, 'Signature');
      signature.appendChild(element(document, NS.ds, 'ds:Object', {}, element(document, NS.saml, 'saml:AttributeStatement', {}, ...otherIdentity(document))));
    });
    expect(refusal(inObject)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
    const inKeyInfo = forged(stsAnswer(doctor), (assertion, document) => {
      const keyInfo = only(only(assertion, NS.ds, 'Signature'), NS.ds, 'KeyInfo');
      for (const injected of otherIdentity(document)) keyInfo.appendChild(injected);
    });
    expect(refusal(inKeyInfo)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'unsigned-content' });
  });

  it('(2) a second AttributeStatement, added after signing or signed by the STS itself', () => {
    const secondStatement = (assertion: Element, document: Document) => {
      const statement = only(assertion, NS.saml, 'AttributeStatement');
      const copy = element(document, NS.saml, 'saml:AttributeStatement', {}, only(statement, NS.saml, 'Subject').cloneNode(true) as Element, ...otherIdentity(document));
      assertion.insertBefore(copy, statement.nextSibling);
    };
    expect(refusal(forged(stsAnswer(doctor), secondStatement))).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
    expect(refusal(resigned(stsAnswer(doctor), secondStatement))).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'assertion-shape' });
  });

  it('(3) the doctor attributes injected into a "not a doctor" token, unsigned or granted twice', () => {
    // A dentist asks for a doctor session: the STS grants doctor:boolean=false.
    const notADoctor = stsAnswer(dentist, 'doctor');
    expect(refusal(notADoctor, dentist)).toEqual({ code: 'STS_REFUSED', reason: undefined });
    const doctorAttributes = (document: Document) => [attribute(document, DOCTOR_BOOLEAN, CERTIFIED_NS, 'true'), attribute(document, FPSPH_DOCTOR, CERTIFIED_NS, 'true'), attribute(document, DOCTOR_NIHII, CERTIFIED_NS, ANOTHER_NIHII)];
    const unsigned = forged(notADoctor, (assertion, document) => {
      const keyInfo = only(only(assertion, NS.ds, 'Signature'), NS.ds, 'KeyInfo');
      for (const injected of doctorAttributes(document)) keyInfo.appendChild(injected);
    });
    expect(refusal(unsigned, dentist)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'unsigned-content' });
    const twice = resigned(notADoctor, (assertion, document) => {
      const statement = only(assertion, NS.saml, 'AttributeStatement');
      for (const injected of doctorAttributes(document)) statement.appendChild(injected);
    });
    expect(refusal(twice, dentist)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'duplicate-attribute' });
  });

  it('(4) a holder-of-key certificate other than ours: in one statement, in the whole token, or swapped after signing', () => {
    const otherCertificate = dentist.certificate.raw.toString('base64');
    const confirmationCertificate = (statement: Element) => {
      const found = pathFrom(statement, [[NS.saml, 'Subject'], [NS.saml, 'SubjectConfirmation'], [NS.ds, 'KeyInfo'], [NS.ds, 'X509Data'], [NS.ds, 'X509Certificate']]);
      if (found === undefined) throw new Error('no holder-of-key certificate');
      return found;
    };
    // The AuthenticationStatement still names our key; the AttributeStatement, which carries the attributes, another.
    const oneStatement = resigned(stsAnswer(doctor), (assertion) => {
      confirmationCertificate(only(assertion, NS.saml, 'AttributeStatement')).textContent = otherCertificate;
    });
    expect(refusal(oneStatement)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'not-our-key' });
    // A genuine token of another clinician, bound to their key, presented to our host.
    expect(refusal(stsAnswer(dentist, 'dentist'), doctor, 'dentist')).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'not-our-key' });
    const swapped = forged(stsAnswer(doctor), (assertion) => {
      for (const statement of childElements(assertion, NS.saml).filter((child) => child.localName.endsWith('Statement'))) confirmationCertificate(statement).textContent = otherCertificate;
    });
    expect(refusal(swapped)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
  });

  it('(5) signed by a clinician’s certificate of the same CA as the STS’s', () => {
    expect(dentist.certificate.checkIssued(ca) && stsCert.checkIssued(ca)).toBe(true);
    expect(refusal(stsAnswer(doctor, 'doctor', dentist))).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signer-not-pinned' });
  });

  it('(6) signed by the STS, then altered', () => {
    const altered = forged(stsAnswer(doctor), (assertion) => {
      const nihii = childElements(only(assertion, NS.saml, 'AttributeStatement'), NS.saml, 'Attribute').find((candidate) => candidate.getAttribute('AttributeName') === DOCTOR_NIHII);
      if (nihii === undefined) throw new Error('no NIHII attribute');
      only(nihii, NS.saml, 'AttributeValue').textContent = ANOTHER_NIHII;
    });
    expect(refusal(altered)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
  });

  it('(7) a signature whose Reference points elsewhere (wrapping), or that has two', () => {
    // The genuine assertion, signature and all, hidden in a ds:Object of a forged one's signature;
    // the forged assertion carries another AssertionID, or the same one.
    const wrapped = (sameId: boolean) =>
      forged(stsAnswer(doctor), (assertion, document) => {
        const original = assertion.cloneNode(true) as Element;
        if (!sameId) assertion.setAttribute('AssertionID', '_forged');
        const statement = only(assertion, NS.saml, 'AttributeStatement');
        for (const attributeElement of childElements(statement, NS.saml, 'Attribute')) statement.removeChild(attributeElement);
        for (const injected of otherIdentity(document)) statement.appendChild(injected);
        only(assertion, NS.ds, 'Signature').appendChild(element(document, NS.ds, 'ds:Object', {}, original));
      });
    expect(refusal(wrapped(false))).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
    expect(refusal(wrapped(true))).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
    const twoReferences = forged(stsAnswer(doctor), (assertion) => {
      const signedInfo = only(only(assertion, NS.ds, 'Signature'), NS.ds, 'SignedInfo');
      signedInfo.appendChild(only(signedInfo, NS.ds, 'Reference').cloneNode(true));
    });
    expect(refusal(twoReferences)).toEqual({ code: 'MYCARENET_BAD_ANSWER', reason: 'signature' });
  });
});

describe('through the built host and the simulator', () => {
  let simulator: Simulator;
  const hosts: HostProcess[] = [];
  const stateDirs: string[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ pki });
  });
  afterEach(async () => {
    simulator.setFaults([]);
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
  });
  afterAll(async () => {
    await simulator.close();
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  });

  async function hostFor(stateDir: string): Promise<HostProcess> {
    stateDirs.push(stateDir);
    const host = startHost({ stateDir });
    hosts.push(host);
    await hello(host);
    return host;
  }

  it('refuses a token the STS signed with a clinician’s certificate, then signs in with the genuine one', async () => {
    const host = await hostFor(provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url }));
    simulator.setFaults([{ service: 'sts', kind: 'stsSignerClinician', count: 1 }]);
    expect(await host.request('provider', {})).toMatchObject({ ok: false, error: { code: 'MYCARENET_BAD_ANSWER', details: { service: 'sts', reason: 'signer-not-pinned' } } });
    expect(await host.request('provider', {})).toMatchObject({ ok: true, result: { ssin: pki.clinicians.doctorRsa.identity.ssin } });
  });

  it('signs in nowhere without the environment’s pinned STS certificate, and says which setting is missing', async () => {
    const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
    const file = join(stateDir, 'config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as { trust: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...config, trust: { ...config.trust, stsSigners: { acceptance: [pki.sts.cert] } } }), { mode: 0o600 });
    const host = await hostFor(stateDir);
    const before = simulator.requestCounts().sts;
    expect(await host.request('provider', {})).toMatchObject({ ok: false, error: { code: 'HOST_MISCONFIGURED', details: { missing: 'trust.stsSigners.simulator' } } });
    expect(simulator.requestCounts().sts).toBe(before);
    const home = mkdtempSync(join(tmpdir(), 'eattest-home-'));
    stateDirs.push(home);
    const doctor = spawnSync(process.execPath, [builtHostScript, 'doctor'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: stateDir } }).stdout;
    expect(doctor).toMatch(/WARNING +the STS signing certificate of the simulator environment is not pinned: signing in is refused\n +→ .* in trust\.stsSigners\.simulator in config\.json/);
  });
});
