import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCustody } from '../../native-host/src/certificate/custody.js';
import { loadConfig } from '../../native-host/src/config.js';
import { EhealthServices } from '../../native-host/src/ehealth/services.js';
import type { Logger } from '../../native-host/src/log.js';
import { readBlob } from '../../native-host/src/mycarenet/commons/blob.js';
import { callMyCareNet } from '../../native-host/src/transmission/observed-call.js';
import { careProviderOf, type CareProvider } from '../../native-host/src/mycarenet/commons/care-provider.js';
import { commonInput } from '../../native-host/src/mycarenet/commons/common-input.js';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { MCN_NS, SOAP_ACTIONS } from '../../native-host/src/mycarenet/commons/namespaces.js';
import { openSealedAnswer, sealedDetail } from '../../native-host/src/mycarenet/commons/sealed-detail.js';
import { sendRequest } from '../../native-host/src/mycarenet/commons/send-request.js';
import { readSendResponse } from '../../native-host/src/mycarenet/commons/send-response.js';
import { DEVELOPMENT_PACKAGE, type SoftwarePackage } from '../../native-host/src/mycarenet/commons/software-package.js';
import { attributeQuery } from '../../native-host/src/mycarenet/memberdata/attribute-query.js';
import { readMemberDataAnswer } from '../../native-host/src/mycarenet/memberdata/saml-response.js';
import { checkStatus } from '../../native-host/src/mycarenet/memberdata/status.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { AppError } from '../../src/shared/errors.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * The simulator's MemberData is as strict as the platform: requests built with the host's own
 * commons builders but one thing wrong are refused with the platform's shapes (SOAP faults for the
 * envelope, SAML status with the CIN detail code for the query).
 */

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const today = brusselsDateTime(new Date()).date;
let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
let services: EhealthServices;
let provider: CareProvider;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  const config = loadConfig(stateDir, {});
  services = new EhealthServices(config, new CertificateCustody(config, stateDir), silent);
  provider = careProviderOf(await (await services.sts()).token());
});
afterAll(async () => {
  services.close();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

interface Variation {
  issuer?: string;
  declaredProvider?: CareProvider;
  softwarePackage?: SoftwarePackage;
  queryReference?: string;
  isTest?: boolean;
}

/** One MemberData consultation with the given thing wrong; the typed outcome. */
async function consult(variation: Variation): Promise<{ code: string; details?: Record<string, unknown> } | 'ok'> {
  const now = new Date();
  const inputReference = `${Date.now()}`;
  const query = attributeQuery({
    inputReference: variation.queryReference ?? inputReference,
    issuerNihii11: variation.issuer ?? provider.nihii11,
    patient: { ssin: scenarioByKey('inOrder').ssin },
    date: today,
    facets: [{ kind: 'insurability', contactType: 'other' }],
    now,
  });
  try {
    const sealed = await sealedDetail(services, { version: 3, businessContent: query, provider, withXades: false, now });
    const body = sendRequest({
      ns: MCN_NS.memberData,
      name: 'mda:MemberDataConsultationRequest',
      now,
      commonInput: commonInput({ version: 3, isTest: variation.isTest ?? true, inputReference, softwarePackage: variation.softwarePackage ?? DEVELOPMENT_PACKAGE, provider: variation.declaredProvider ?? provider }),
      detail: sealed.detail,
    });
    const soap = await callMyCareNet(services, { url: services.endpoints.memberData, action: SOAP_ACTIONS.memberData, service: 'memberdata', body });
    const response = readSendResponse(soap.document, { service: 'memberdata', version: 3, rootNs: MCN_NS.memberData, rootName: 'MemberDataConsultationResponse' });
    const opened = await openSealedAnswer(services, readBlob(response.detail, 'answer'), 'answer', new Date());
    checkStatus(readMemberDataAnswer(opened.businessContent).status);
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, ...(error.details !== undefined ? { details: error.details } : {}) };
    throw error;
  }
}

describe('MemberData strictness', () => {
  it('accepts the request as the host builds it', async () => {
    expect(await consult({})).toBe('ok');
  });

  it("refuses an AttributeQuery issued under another NIHII than the caller's (CROSSCHECK_ISSUER)", async () => {
    expect(await consult({ issuer: '19999999004' })).toMatchObject({ code: 'MYCARENET_REFUSED', details: { detailCode: 'CROSSCHECK_ISSUER', status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' } });
  });

  it('refuses an AttributeQuery ID that does not follow the InputReference (CROSSCHECK_ID)', async () => {
    expect(await consult({ queryReference: 'other' })).toMatchObject({ code: 'MYCARENET_REFUSED', details: { detailCode: 'CROSSCHECK_ID' } });
  });

  it('refuses a CommonInput care provider who is not the authenticated one (SOA-01002)', async () => {
    expect(await consult({ declaredProvider: { ...provider, nihii11: '19999999004' } })).toMatchObject({ code: 'MYCARENET_ACCESS_DENIED', details: { soaCode: 'SOA-01002' } });
  });

  it('refuses an unknown software licence (INVALID_LICENSE) and a production message (SOA-03007)', async () => {
    expect(await consult({ softwarePackage: { ...DEVELOPMENT_PACKAGE, licencePassword: 'guess' } })).toMatchObject({ code: 'MYCARENET_FAULT', details: { soaCode: 'INVALID_LICENSE' } });
    expect(await consult({ isTest: false })).toMatchObject({ details: { soaCode: 'SOA-03007' } });
  });
});
