import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { loadConfig } from '../../native-host/src/config.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';
import { descendants, serialize, textOf } from '../../native-host/src/ehealth/xml/dom.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import type { Logger } from '../../native-host/src/log.js';
import { encryptedKnownContent } from '../../native-host/src/mycarenet/commons/encrypted-known-content.js';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { MCN_NS } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { attributeQuery } from '../../native-host/src/mycarenet/memberdata/attribute-query.js';
import { consultInsurability } from '../../native-host/src/mycarenet/memberdata/consult.js';
import { consultTariffs } from '../../native-host/src/mycarenet/tarification/consult.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { provisionHostState } from '../support/provisioning.js';
import { requireSchemas, validateXsd } from './judges.js';

/**
 * The business requests the host sends to MyCareNet, judged by xmllint against the official XSDs:
 * the MemberData request envelope and the AttributeQuery sealed inside it, the Tarification request
 * and its kmehr. What is judged is what the host really sent (captured at the transport), and each
 * judgement is repeated on a tampered copy that must fail.
 */

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const today = brusselsDateTime(new Date()).date;
let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
let services: EhealthServices;
const sent = new Map<string, string>();

beforeAll(async () => {
  requireSchemas();
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  const config = loadConfig(stateDir, {});
  services = new EhealthServices(config, new CertificateCustody(config, stateDir), silent);
  const original = services.transport.call.bind(services.transport);
  services.transport.call = (call) => {
    sent.set(call.service, call.envelope);
    return original(call);
  };
  await consultInsurability({ ehealth: services, config, log: silent }, { patient: { ssin: scenarioByKey('inOrder').ssin }, date: today, contactType: 'other' });
  await consultTariffs({ ehealth: services, config, log: silent }, { ssin: scenarioByKey('inOrder').ssin, date: today, codes: ['101010', '101032'], teeth: { '101032': '36' } });
});
afterAll(async () => {
  services.close();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function bodyRoot(service: string, ns: string, localName: string): string {
  const envelope = sent.get(service);
  if (envelope === undefined) throw new Error(`nothing was sent to ${service}`);
  const found = descendants(parseXml(envelope), ns, localName)[0];
  if (found === undefined) throw new Error(`no ${localName} in the ${service} envelope`);
  return serialize(found);
}

function expectJudged(good: { ok: boolean; output: string }, tampered: { ok: boolean; output: string }): void {
  expect(good.ok, `the genuine message must pass: ${good.output}`).toBe(true);
  expect(tampered.ok, 'the tampered message must fail').toBe(false);
}

describe('MemberData (xmllint)', () => {
  const schema = 'ehealth-mycarenet-memberdata/XSD/mycarenet-memberdata-protocol-1_0.xsd';

  it('the request envelope body is a valid MemberDataConsultationRequest (commons v3)', () => {
    const request = bodyRoot('memberdata', MCN_NS.memberData, 'MemberDataConsultationRequest');
    expect(request).toContain('ContentEncryption="encryptedForKnownBED"');
    expectJudged(validateXsd(request, schema), validateXsd(request.replace(/(<[\w-]+:IsTest[^>]*>)true</, '$1maybe<'), schema));
  });

  it('the request puts CommonInput before Detail, and a swap is refused', () => {
    const request = bodyRoot('memberdata', MCN_NS.memberData, 'MemberDataConsultationRequest');
    const document = parseXml(request);
    const root = document.documentElement;
    const commonInput = descendants(root, 'urn:be:fgov:ehealth:mycarenet:commons:protocol:v3', 'CommonInput')[0];
    if (commonInput === undefined) throw new Error('no CommonInput');
    root.removeChild(commonInput);
    root.appendChild(commonInput);
    expectJudged(validateXsd(request, schema), validateXsd(serialize(document), schema));
  });

  it('the AttributeQuery is a valid SAML 2.0 query with the CIN extension facets', () => {
    const query = Buffer.from(
      attributeQuery({
        inputReference: '20260101120000123456',
        issuerNihii11: pki.clinicians.doctorRsa.identity.nihii11,
        patient: { ssin: scenarioByKey('inOrder').ssin },
        date: today,
        facets: [{ kind: 'insurability', contactType: 'hospitalized' }, { kind: 'globalMedicalFile' }],
        now: new Date(),
      }),
    ).toString('utf8');
    const extensionSchema = 'mycarenet-memberdata/XSD/Extensions-simplified.xsd';
    expectJudged(validateXsd(query, extensionSchema), validateXsd(query.replace('Version="2.0"', ''), extensionSchema));
    // The facet itself is judged strictly (Extensions' content is a lax wildcard): an attribute it does not declare fails.
    const facet = serialize(descendants(parseXml(query), MCN_NS.memberDataExtension, 'Facet')[0] as Element);
    expectJudged(validateXsd(facet, extensionSchema), validateXsd(facet.replace('<ext:Facet ', '<ext:Facet level="2" '), extensionSchema));
  });

  it('the EncryptedKnownContent is valid against the CIN businessContent schema', () => {
    const known = Buffer.from(encryptedKnownContent({ replyToEtk: Buffer.from('etk'), businessContent: Buffer.from('<a/>'), id: '_x1' })).toString('utf8');
    const schema = 'encryption/XSD/businessContent.xsd';
    expectJudged(validateXsd(known, schema), validateXsd(known.replace(/<enc:Reply-to-Etk>[^<]*<\/enc:Reply-to-Etk>(.*)$/, '$1<enc:Reply-to-Etk>ZXRr</enc:Reply-to-Etk>'), schema));
  });
});

describe('Tarification (xmllint)', () => {
  it('the request envelope body is a valid TarificationConsultationRequest (commons v2, with Routing)', () => {
    const request = bodyRoot('tarification', MCN_NS.tarification, 'TarificationConsultationRequest');
    const schema = 'ehealth-mycarenet-tarification/XSD/mycarenet-tarification-protocol-1_0.xsd';
    expect(request).toContain(`>${today}<`);
    expectJudged(validateXsd(request, schema), validateXsd(request.replace(/(<[\w-]+:ReferenceDate[^>]*>)[^<]*</, '$1yesterday<'), schema));
  });

  it('the kmehr in its Detail is a valid RetrieveTransactionRequest (messageservices 1.2, kmehr 1.19)', () => {
    const request = bodyRoot('tarification', MCN_NS.tarification, 'TarificationConsultationRequest');
    const detail = descendants(parseXml(request), 'urn:be:fgov:ehealth:mycarenet:commons:protocol:v2', 'Detail')[0];
    const kmehr = Buffer.from(textOf(detail) ?? '', 'base64').toString('utf8');
    expect(kmehr).toContain('>101032<');
    // A tooth goes with its code's claim as CD-ISO-3950; the request id ends in the 14-digit reference.
    expect(kmehr).toMatch(/>101032<\/kmehr:cd><\/kmehr:content><kmehr:content><kmehr:cd S="CD-ISO-3950" SV="1.0">36</);
    expect(kmehr).toMatch(/<core:id S="ID-KMEHR" SV="1.0">\d{11}\.\d{14}</);
    const schema = 'ehealth-messageservices/XSD/messageservices_protocol-1_2.xsd';
    expectJudged(validateXsd(kmehr, schema), validateXsd(kmehr.replace('S="CD-NIHDI"', 'S="CD-NOT-A-SCHEME"'), schema));
  });
});
