import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { loadConfig, type HostConfig } from '../../native-host/src/config.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';
import { declareNamespace, descendants, newDocument, serialize } from '../../native-host/src/ehealth/xml/dom.js';
import { NS } from '../../native-host/src/ehealth/xml/namespaces.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import type { Logger } from '../../native-host/src/log.js';
import { careProviderOf, type CareProvider } from '../../native-host/src/mycarenet/commons/care-provider.js';
import { cancelAttestationRequest } from '../../native-host/src/mycarenet/eattest/cancel-attestation.js';
import { verifyInsurerSignature } from '../../native-host/src/mycarenet/eattest/insurer-signature.js';
import { sealAttestation, sendAttestationRequest } from '../../native-host/src/mycarenet/eattest/send-attestation.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { unsealWithOpenssl } from '../../simulator/src/cms.js';
import { readKnownContent } from '../../simulator/src/known-content.js';
import { signXadesT, XADES_NS } from '../../simulator/src/eattest/xades-t.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { AppError } from '../../src/shared/errors.js';
import { provisionHostState } from '../support/provisioning.js';
import { dentistWithTooth, physiotherapyWithPrescriber, specialistInHospital } from '../support/eattest-cases.js';
import { attestationSchema } from '../../src/shared/domain/attestation.js';
import { requireSchemas, scratchFile, validateXsd, verifyXmlSignature, type Verdict } from './judges.js';

/**
 * eAttest v3 on the wire, judged by outside tools: the SendAttestationRequest and
 * CancelAttestationRequest bodies and their kmehr against the official XSDs (xmllint), our
 * XAdES-BES over the kmehr and the simulator's XAdES-T over an answer with xmlsec1, and the
 * XAdES-T's RFC 3161 token with `openssl ts -verify`. Each has a tampered counterpart that fails.
 */

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ATTEST_XSD = 'ehealth-mycarenet-attest/XSD/mycarenet-attest-protocol-3_0.xsd';
const KMEHR_XSD = 'ehealth-messageservices/XSD/messageservices_protocol-1_2-kmehr-1_34.xsd';
const ID_ATTRIBUTES = ['--id-attr:Id BusinessContent', `--id-attr:Id ${XADES_NS}:SignedProperties`];

let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
let ehealth: EhealthServices;
let config: HostConfig;
let provider: CareProvider;

beforeAll(async () => {
  requireSchemas();
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  config = loadConfig(stateDir, {});
  ehealth = new EhealthServices(config, new CertificateCustody(config, stateDir), silent);
  provider = careProviderOf(await (await ehealth.sts()).token());
});
afterAll(async () => {
  ehealth.close();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function expectJudged(good: Verdict, tampered: Verdict): void {
  expect(good.ok, `the genuine message must pass: ${good.output}`).toBe(true);
  expect(tampered.ok, 'the tampered message must fail').toBe(false);
}

function bodyXml(spec: Parameters<typeof newDocument>[0]): string {
  const document = newDocument(spec);
  declareNamespace(document.documentElement, 'att', 'urn:be:fgov:ehealth:mycarenet:attest:protocol:v3');
  return serialize(document);
}

/** The detached signature and the content it names, in one document as xmlsec1 needs them. */
function wrapped(contents: readonly { id: string; content: Uint8Array }[], signatureXml: string): string {
  const elements = contents.map(({ id, content }) => `<BusinessContent Id="${id}">${Buffer.from(content).toString('base64')}</BusinessContent>`).join('');
  return `<Wrapper>${elements}${signatureXml}</Wrapper>`;
}

function today(): string {
  return brusselsDate(new Date());
}

const attestation = () => ({
  patient: { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert & <Co>' },
  careDate: today(),
  collectingEntityCbe: '0820563481',
  patientPaidCents: 1250,
  supplementCents: 300,
  acts: [
    { code: '101076', quantity: 1, serviceDate: today(), amountPaidCents: 950, decisionReference: 'CH4/2026-001', prescriberNihii: '19910239004', prescriptionDate: today(), placeNihii: '71010136', placeType: 'hospital' as const, placeServiceCode: '210' },
    { code: '475075', quantity: 2, serviceDate: today() },
  ],
});

describe('SendAttestationRequest', () => {
  it('its body validates against the eAttest v3 XSD, its kmehr against messageservices 1.2 / kmehr 1.34; our XAdES-BES verifies with xmlsec1', async () => {
    const now = new Date();
    const sealed = await sealAttestation(ehealth, attestation(), { provider, inputReference: '26113012000000', now });
    const request = sendAttestationRequest(config, sealed, { provider, inputReference: '26113012000000', attemptNbr: 2, patientSsin: '85041213359', jsis: true, now });
    const body = bodyXml(request.body);
    expect(body).toContain('urn:be:cin:nippin:attemptNbr');
    expectJudged(validateXsd(body, ATTEST_XSD), validateXsd(body.replace('<mcc:ReferenceDate>', '<mcc:Reference>').replace('</mcc:ReferenceDate>', '</mcc:Reference>'), ATTEST_XSD));

    const kmehr = Buffer.from(sealed.kmehr).toString('utf8');
    expectJudged(validateXsd(kmehr, KMEHR_XSD), validateXsd(kmehr.replace('<kmehr:iscomplete>true</kmehr:iscomplete>', '<kmehr:iscomplete>yes</kmehr:iscomplete>'), KMEHR_XSD));

    // What MyCareNet finds once it has opened the seal (openssl, not our code): the kmehr and our XAdES-BES.
    const known = readKnownContent((await unsealWithOpenssl(Buffer.from(sealed.sealed), { certFile: pki.mycarenet.enc.cert, keyFile: pki.mycarenet.enc.key }, pki.caCert)).content);
    expect(known.businessContent.equals(Buffer.from(sealed.kmehr))).toBe(true);
    const signature = known.xades?.toString('utf8') ?? '';
    const tamperedKmehr = Buffer.from(kmehr.replace('<kmehr:decimal>12.50</kmehr:decimal>', '<kmehr:decimal>1.25</kmehr:decimal>'));
    expect(tamperedKmehr.equals(known.businessContent)).toBe(false);
    expectJudged(
      verifyXmlSignature(wrapped([{ id: known.id, content: known.businessContent }], signature), { certificate: pki.clinicians.doctorRsa.authCert, idAttributes: ID_ATTRIBUTES }),
      verifyXmlSignature(wrapped([{ id: known.id, content: tamperedKmehr }], signature), { certificate: pki.clinicians.doctorRsa.authCert, idAttributes: ID_ATTRIBUTES }),
    );
  });
});

describe('the three acceptance cases of issue 12', () => {
  const cases = [
    ['a physiotherapist with a prescriber', 'physiotherapist', () => physiotherapyWithPrescriber(today(), today()), ['persphysiotherapist', 'requestor', 'NIHDI-REQUESTOR-NORM', 'NIHDI-TREATED-LIMB']],
    ['a dentist with a tooth', 'dentist', () => dentistWithTooth(today()), ['persdentist', 'CD-ISO-3950', 'documentidentity', 'NIHDI-ID-DOC-MEDIA-TYPE']],
    ['a specialist in a hospital', 'doctor', () => specialistInHospital(today()), ['persphysician', 'encounterlocation', 'orghospital', 'NIHDI-SERVICE-CD', 'supplement']],
  ] as const;
  for (const [name, profession, make, items] of cases) {
    it(`${name}: the kmehr validates against messageservices 1.2 / kmehr 1.34 and carries its items`, async () => {
      // Signed with the doctor's key; the author is named with the case's profession, as its own token would name it.
      const sealed = await sealAttestation(ehealth, attestationSchema.parse(make()), { provider: { ...provider, profession }, inputReference: '26113012000002', now: new Date() });
      const kmehr = Buffer.from(sealed.kmehr).toString('utf8');
      for (const item of items) expect(kmehr).toContain(item);
      // A claim content outside the schema's code lists must fail, so the judge is seen to judge these items.
      expectJudged(validateXsd(kmehr, KMEHR_XSD), validateXsd(kmehr.replace('S="CD-NIHDI"', 'S="CD-NIHDI-TOOTH"'), KMEHR_XSD));
    });
  }
});

describe('CancelAttestationRequest', () => {
  it('its body and kmehr validate; the XAdES over its Detail verifies with xmlsec1', async () => {
    const request = await cancelAttestationRequest(ehealth, config, {
      provider,
      inputReference: '26113012000001',
      attemptNbr: 1,
      patientSsin: '85041213359',
      acknowledgementNumber: '100-1-261130-0000001-28',
      reason: 'C',
      now: new Date(),
    });
    const body = bodyXml(request.body);
    expect(body).not.toContain('Routing');
    // Like a send's Detail, a cancel's carries MessageVersion 3.0 (the simulator refuses it otherwise).
    expect(body).toMatch(/<mcp:Detail [^>]*MessageVersion="3.0"/);
    expectJudged(validateXsd(body, ATTEST_XSD), validateXsd(body.replace(/<mcp:Xades>/, '<mcp:XadesT>').replace(/<\/mcp:Xades>/, '</mcp:XadesT>'), ATTEST_XSD));
    const kmehr = Buffer.from(request.kmehr).toString('utf8');
    expect(kmehr).toContain('NIHDI-CANCELLATION-REASON');
    expectJudged(validateXsd(kmehr, KMEHR_XSD), validateXsd(kmehr.replace('cgacancellation</kmehr:cd>', 'cgacancellation</kmehr:cd><kmehr:cd>x</kmehr:cd>'), KMEHR_XSD));

    const xades = descendants(parseXml(body), 'urn:be:fgov:ehealth:mycarenet:commons:protocol:v4', 'Xades')[0];
    const signature = Buffer.from(xades?.textContent ?? '', 'base64').toString('utf8');
    expectJudged(
      verifyXmlSignature(wrapped([{ id: request.blobId, content: request.kmehr }], signature), { certificate: pki.clinicians.doctorRsa.authCert, idAttributes: ID_ATTRIBUTES }),
      verifyXmlSignature(wrapped([{ id: request.blobId, content: Buffer.from(kmehr.replace('>C</kmehr:cd>', '>D</kmehr:cd>')) }], signature), { certificate: pki.clinicians.doctorRsa.authCert, idAttributes: ID_ATTRIBUTES }),
    );
  });
});

describe("the simulator's XAdES-T on an answer", () => {
  it('verifies with xmlsec1 over the answer and the request it binds; its time-stamp verifies with openssl ts', async () => {
    const answer = Buffer.from('<msp:SendTransactionResponse xmlns:msp="http://www.ehealth.fgov.be/messageservices/protocol/v1"><msp:x>500-1-260212-5960827-60</msp:x></msp:SendTransactionResponse>');
    const request = Buffer.from('<r xmlns="urn:request">kmehr</r>');
    const contents = [
      { id: '_answer', content: answer },
      { id: '_request', content: request },
    ];
    const signature = await signXadesT(contents, { certFile: pki.mycarenet.auth.cert, keyFile: pki.mycarenet.auth.key }, { certFile: pki.tsa.cert, keyFile: pki.tsa.key }, new Date());
    const tampered = [contents[0] ?? { id: '', content: answer }, { id: '_request', content: Buffer.from('<r xmlns="urn:request">other</r>') }];
    expectJudged(
      verifyXmlSignature(wrapped(contents, signature), { certificate: pki.mycarenet.auth.cert, idAttributes: ID_ATTRIBUTES }),
      verifyXmlSignature(wrapped(tampered, signature), { certificate: pki.mycarenet.auth.cert, idAttributes: ID_ATTRIBUTES }),
    );

    // The token's imprint is over the canonical ds:SignatureValue (xmllint makes it here, independently).
    const document = parseXml(signature);
    const token = Buffer.from(descendants(document, XADES_NS, 'EncapsulatedTimeStamp')[0]?.textContent ?? '', 'base64');
    const value = descendants(document, NS.ds, 'SignatureValue')[0]?.textContent ?? '';
    const canonical = (text: string) => {
      const result = spawnSync('xmllint', ['--exc-c14n', scratchFile('value.xml', `<ds:SignatureValue xmlns:ds="${NS.ds}">${text}</ds:SignatureValue>`)]);
      return result.stdout;
    };
    const verifyToken = (data: Buffer): Verdict => {
      const result = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', scratchFile('token.der', token), '-data', scratchFile('value.c14n', data), '-CAfile', pki.caCert, '-untrusted', pki.tsa.cert]);
      return { ok: result.status === 0, output: `${result.stdout.toString('utf8')}${result.stderr.toString('utf8')}` };
    };
    expectJudged(verifyToken(canonical(value)), verifyToken(canonical(value.replace(/^./, (first) => (first === 'A' ? 'B' : 'A')))));
  });
});

describe("the host's check of the insurer's XAdES-T (made by the simulator with xmlsec1 and openssl ts)", () => {
  it('verifies it; another trust store, a time-stamp taken from another signature or none leave it unverified; altered content is refused', async () => {
    const contents = [{ id: '_answer', content: Buffer.from('<a xmlns="urn:answer">1</a>') }];
    const sign = () => signXadesT(contents, { certFile: pki.mycarenet.auth.cert, keyFile: pki.mycarenet.auth.key }, { certFile: pki.tsa.cert, keyFile: pki.tsa.key }, new Date());
    const [signature, other] = await Promise.all([sign(), sign()]);
    const anchors = [new X509Certificate(readFileSync(pki.caCert))];
    const check = (signatureXml: string, trusted = anchors, content = contents[0]?.content ?? Buffer.alloc(0)): string => {
      try {
        const result = verifyInsurerSignature({ signatureXml, content: { id: '_answer', content, isXml: true }, anchors: trusted, now: new Date() });
        return result.check.status === 'verified' ? 'verified' : `unverified: ${result.check.reasons.join(', ')}`;
      } catch (error) {
        if (error instanceof AppError && error.code === 'MYCARENET_BAD_ANSWER') return error.message;
        throw error;
      }
    };
    const token = (xml: string) => /<xades:EncapsulatedTimeStamp>([^<]+)</.exec(xml)?.[1] ?? '';
    expect(check(signature)).toBe('verified');
    expect(check(signature, [new X509Certificate(readFileSync(pki.untrustedCaCert))])).toBe('unverified: timestamp-authority-untrusted, signer-untrusted');
    expect(check(signature.replace(token(signature), token(other)))).toBe('unverified: timestamp-not-over-signature');
    expect(check(signature.replace(/<xades:UnsignedProperties>.*<\/xades:UnsignedProperties>/s, ''))).toBe('unverified: timestamp-missing');
    expect(check(signature, anchors, Buffer.from('<a xmlns="urn:answer">2</a>'))).toMatch(/digest does not match/);
  });
});
