import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EtkDepot, MYCARENET_ETK } from '../../native-host/src/ehealth/etk/etk-depot.js';
import { faultError, readSoapFault } from '../../native-host/src/ehealth/soap/fault.js';
import { readSoapAnswer, type SoapTransport } from '../../native-host/src/ehealth/soap/transport.js';
import { readStsResponse } from '../../native-host/src/ehealth/sts/token.js';
import { NS } from '../../native-host/src/ehealth/xml/namespaces.js';
import { readEncryptedKnownContent } from '../../native-host/src/mycarenet/commons/encrypted-known-content.js';
import { readSendResponse } from '../../native-host/src/mycarenet/commons/send-response.js';
import { readAttestationAnswer } from '../../native-host/src/mycarenet/eattest/attestation-answer.js';
import { attestationKmehr, cancellationKmehr } from '../../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import { readSendTransactionResponse } from '../../native-host/src/mycarenet/eattest/send-response.js';
import { readDmgHolder, readInsurability, readPalliativeStatus } from '../../native-host/src/mycarenet/memberdata/insurability-reader.js';
import { readMemberDataAnswer } from '../../native-host/src/mycarenet/memberdata/saml-response.js';
import { checkStatus } from '../../native-host/src/mycarenet/memberdata/status.js';
import { readTariffAnswer } from '../../native-host/src/mycarenet/tarification/tariff-response.js';
import { attestationAnswer } from '../../simulator/src/eattest/answer.js';
import { readKmehrSendRequest } from '../../simulator/src/eattest/kmehr-request.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { FAULTS, soapFault } from '../../simulator/src/soap-fault.js';
import { tariffAnswer } from '../../simulator/src/tarification/answer.js';
import { sampleAttestation } from '../support/attestation-fixture.js';
import { captures } from '../support/captures.js';
import { fuzzParameters, mutatedAnswer, typedOutcome, typedOutcomeAsync } from './fuzz-settings.js';

/**
 * Every reader of a network answer, fed genuine answers (the acceptance platform's captures, the
 * simulator's answer builders) mutated at random, and random XML: each returns a value or throws a
 * typed AppError, never another exception; the vitest timeout catches a hang. Answers reach the
 * readers as the host receives them: text through the SOAP transport's reading (XML limits, faults).
 */

const SOAP = (body: string): string => `<soapenv:Envelope xmlns:soapenv="${NS.soap}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const NOW = new Date('2026-02-12T09:15:30Z');
const TODAY = '2026-02-12';
const provider = { nihii11: '19910140004', ssin: '78031412448', profession: 'doctor' as const, givenName: 'Anna', surname: 'Peeters' };
const REFERENCE = '26021210153000';
const REQUEST_ID = `${provider.nihii11}.${REFERENCE}`;

/** Random well-formed-ish XML from a small vocabulary of the names the readers look for. */
const randomXml: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('', 'text', '500', '101010', '2026-02-12', 'true', 'false', '&amp;', 'AAAA'),
    fc
      .tuple(
        fc.constantFrom('soapenv:Body', 'samlp:Response', 'saml:Assertion', 'saml:Attribute', 'saml:AttributeValue', 'ds:Signature', 'k:transaction', 'k:item', 'k:cd', 'k:content', 'msc:acknowledge', 'msc:iscomplete', 'msc:error', 'Detail', 'BusinessContent', 'etk:ETK'),
        fc.array(tie('node'), { maxLength: 4 }),
      )
      .map(([name, children]) => `<${name}>${children.join('')}</${name}>`),
  ),
})).node.map((inner) => SOAP(`<root xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" xmlns:ds="${NS.ds}" xmlns:k="urn:k" xmlns:msc="urn:msc" xmlns:etk="${NS.etkProtocol}">${inner}</root>`));

function soapDocument(text: string, service: string): Document {
  return readSoapAnswer(text, 200, service);
}

describe('readers of network answers under mutated and random input', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await ensureTestPki();
  });

  it('SOAP answers and faults: the transport reading gives a document or a typed error', () => {
    const faults = [...Object.values(FAULTS).map((fault) => soapFault(fault)), ...captures('faults').map((capture) => capture.xml), SOAP('<x/>')];
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer(faults), randomXml, fc.string({ maxLength: 200 })), fc.constantFrom(200, 500, 503), (text, status) => {
        typedOutcome(() => {
          const document = readSoapAnswer(text, status, 'fuzz');
          const fault = readSoapFault(document);
          if (fault !== undefined) throw faultError(fault, 'fuzz');
        });
      }),
      fuzzParameters(150),
    );
  });

  it('STS answers: a token or a typed error', () => {
    const holder = new X509Certificate(readFileSync(pki.clinicians.doctorRsa.authCert));
    const check = { holderCertificate: holder, holderIdentifier: pki.clinicians.doctorRsa.identity.ssin, profession: 'doctor' as const, stsAnchors: [new X509Certificate(readFileSync(pki.caCert))], stsSigners: [new X509Certificate(readFileSync(pki.sts.cert))], now: NOW };
    const assertion = `<saml:Assertion xmlns:saml="${NS.saml}" AssertionID="_a1" Issuer="urn:be:fgov:ehealth:sts:1_0" MajorVersion="1" MinorVersion="1"><saml:Conditions NotBefore="2026-02-12T09:00:00Z" NotOnOrAfter="2026-02-13T09:00:00Z"/><saml:AttributeStatement><saml:Subject><saml:SubjectConfirmation><ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${holder.raw.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml:SubjectConfirmation></saml:Subject><saml:Attribute AttributeName="urn:be:fgov:person:ssin" AttributeNamespace="urn:be:fgov:identification-namespace"><saml:AttributeValue>${check.holderIdentifier}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement><ds:Signature xmlns:ds="${NS.ds}"><ds:SignedInfo><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_a1"><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${holder.raw.toString('base64')}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></saml:Assertion>`;
    const response = (status: string) => SOAP(`<samlp:Response xmlns:samlp="${NS.samlp}" ResponseID="_r" MajorVersion="1" MinorVersion="1"><samlp:Status><samlp:StatusCode Value="samlp:${status}"/></samlp:Status>${assertion}</samlp:Response>`);
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer([response('Success'), response('Requester')]), randomXml), (text) => {
        typedOutcome(() => readStsResponse(soapDocument(text, 'sts'), check));
      }),
      fuzzParameters(150),
    );
  });

  it('MemberData answers (the platform’s captures): insurability, DMG holder and palliative status, or a typed error', () => {
    const answers = captures('memberdata');
    const subject = { ssin: '90060421941' };
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer(answers.map((capture) => capture.xml)), randomXml), (text) => {
        typedOutcome(() => {
          const answer = readMemberDataAnswer(Buffer.from(text, 'utf8'));
          const warnings = checkStatus(answer.status);
          readInsurability(answer, { patient: subject, date: '2021-01-01', consultedAt: NOW }, warnings);
        });
        typedOutcome(() => readDmgHolder(readMemberDataAnswer(Buffer.from(text, 'utf8')), subject));
        typedOutcome(() => readPalliativeStatus(readMemberDataAnswer(Buffer.from(text, 'utf8')), subject));
      }),
      fuzzParameters(150),
    );
  });

  it('tariff answers: lines and acknowledge, or a typed error', () => {
    const genuine = tariffAnswer(
      { id: '19900104004.R1', author: { nihii11: '19900104004' }, date: '2026-03-04', time: '10:00:00', claims: [] },
      { patient: scenarioByKey('inOrder'), lines: [{ code: '101010', fee: 3159, reimbursement: 2759, patientShare: 400 }], errors: [{ code: '171', url: '/x/item[3]/content/cd[1]', description: 'no' }] },
      NOW,
    ).toString('utf8');
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer([genuine]), randomXml), (text) => {
        typedOutcome(() => readTariffAnswer(Buffer.from(text, 'utf8'), ['101010', '102034']));
      }),
      fuzzParameters(150),
    );
  });

  it('eAttest send and cancel answers: a verdict or a typed error', () => {
    const sendRequest = readKmehrSendRequest(Buffer.from(attestationKmehr({ provider, reference: REFERENCE, now: NOW }, sampleAttestation(TODAY, { firstName: 'Julie', lastName: 'Lambert' }))));
    const cancelRequest = readKmehrSendRequest(Buffer.from(cancellationKmehr({ provider, reference: REFERENCE, now: NOW }, { patientSsin: '85041213359', acknowledgementNumber: '500-1-260212-5960827-60', reason: 'C' })));
    const patient = scenarioByKey('inOrder');
    const seeds = [
      attestationAnswer({ request: sendRequest, insurer: '500', errors: [], accepted: { acknowledgementNumber: '500-1-260212-5960827-60', patient, acts: [{ code: '101076', date: TODAY }] }, now: NOW }),
      attestationAnswer({ request: sendRequest, insurer: '500', errors: [{ code: '169', url: '/SendTransactionRequest/kmehrmessage/folder/transaction[2]/item[1]/content[1]/cd', description: 'text' }], now: NOW }),
      attestationAnswer({ request: cancelRequest, insurer: '500', errors: [], now: NOW }),
    ].map((bytes) => bytes.toString('utf8'));
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer(seeds), randomXml), fc.constantFrom('send' as const, 'cancel' as const), (text, kind) => {
        typedOutcome(() => readAttestationAnswer(Buffer.from(text, 'utf8'), { requestId: REQUEST_ID, kind }));
        typedOutcome(() => readSendTransactionResponse(Buffer.from(text, 'utf8')));
      }),
      fuzzParameters(150),
    );
  });

  it('MyCareNet commons envelopes (SendResponse, EncryptedKnownContent): the parts or a typed error', () => {
    const p = 'urn:be:fgov:ehealth:mycarenet:commons:protocol:v3';
    const c = 'urn:be:fgov:ehealth:mycarenet:commons:core:v3';
    const expected = { service: 'memberdata', version: 3 as const, rootNs: 'urn:r', rootName: 'Resp' };
    const envelope = SOAP(`<r:Resp xmlns:r="urn:r" xmlns:p="${p}" xmlns:c="${c}" Id="_1" InResponseTo="_0"><p:Return><p:CommonOutput><c:InputReference>R1</c:InputReference><c:NIPReference>N</c:NIPReference></p:CommonOutput><p:Detail ContentType="text/xml">AAAA</p:Detail></p:Return></r:Resp>`);
    const known = '<EncryptedKnownContent xmlns="urn:be:cin:encrypted"><Reply><Message>x</Message></Reply><BusinessContent ContentType="text/xml">PHgvPg==</BusinessContent></EncryptedKnownContent>';
    fc.assert(
      fc.property(fc.oneof(mutatedAnswer([envelope, known]), randomXml), (text) => {
        typedOutcome(() => readSendResponse(soapDocument(text, 'memberdata'), expected));
        typedOutcome(() => readEncryptedKnownContent(Buffer.from(text, 'utf8'), 'fuzz'));
      }),
      fuzzParameters(150),
    );
  });

  it('ETK depot answers: a token or a typed error', async () => {
    const etk = readFileSync(pki.mycarenet.etk).toString('base64');
    const genuine = SOAP(`<etk:GetEtkResponse xmlns:etk="${NS.etkProtocol}"><etk:ETK>${etk}</etk:ETK></etk:GetEtkResponse>`);
    const missing = SOAP(`<etk:GetEtkResponse xmlns:etk="${NS.etkProtocol}"><etk:Error><etk:Code>NOT_FOUND</etk:Code></etk:Error></etk:GetEtkResponse>`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedAnswer([genuine, missing]), randomXml), async (text) => {
        // The depot's own reading, behind a transport that answers this text as the network would.
        const transport = { call: () => Promise.resolve({ document: soapDocument(text, 'etk'), text, status: 200, elapsedMs: 0 }) } as unknown as SoapTransport;
        await typedOutcomeAsync(() => new EtkDepot(transport, 'https://etk.invalid/', () => NOW).get(MYCARENET_ETK));
      }),
      fuzzParameters(100),
    );
  });

  it('the genuine seeds are read as genuine (the fuzz starts from answers that pass)', () => {
    const etk = readFileSync(pki.mycarenet.etk).toString('base64');
    expect(typedOutcome(() => readMemberDataAnswer(Buffer.from(captures('memberdata')[0]?.xml ?? '', 'utf8')))).toBe('value');
    expect(typedOutcome(() => soapDocument(SOAP(`<etk:GetEtkResponse xmlns:etk="${NS.etkProtocol}"><etk:ETK>${etk}</etk:ETK></etk:GetEtkResponse>`), 'etk'))).toBe('value');
  });
});
