import type { Insurability, ContactType, DmgHolder, MemberSubject } from '../../../../src/shared/domain/insurability.js';
import { AppError } from '../../../../src/shared/errors.js';
import type { HostConfig } from '../../config.js';
import type { EhealthServices } from '../../ehealth/services.js';
import type { Logger } from '../../log.js';
import { readBlob } from '../commons/blob.js';
import { callMyCareNet } from '../../transmission/observed-call.js';
import { careProviderOf } from '../commons/care-provider.js';
import { commonInput } from '../commons/common-input.js';
import { RecentReferences } from '../commons/input-reference.js';
import { MCN_NS, SOAP_ACTIONS } from '../commons/namespaces.js';
import { openSealedAnswer, sealedDetail } from '../commons/sealed-detail.js';
import { sendRequest } from '../commons/send-request.js';
import { readSendResponse } from '../commons/send-response.js';
import { isTestEnvironment, softwarePackageFor } from '../commons/software-package.js';
import { attributeQuery, attributeQueryId, type MemberDataFacet } from './attribute-query.js';
import { readDmgHolder, readInsurability } from './insurability-reader.js';
import { readMemberDataAnswer, type MemberDataAnswer } from './saml-response.js';
import { checkStatus, type StatusWarning } from './status.js';

/**
 * MemberData consultations (PROTOCOL §6): the AttributeQuery sealed for MyCareNet in a commons v3
 * request, the answer unsealed with our key and read. The DMG holder is asked through the same
 * service's globalMedicalFile facet rather than the asynchronous GMF consultation (§9): it answers
 * at once and rides the same sealed, signed channel as insurability, so one client does both.
 */

export interface MemberDataContext {
  ehealth: EhealthServices;
  config: HostConfig;
  log: Logger;
  clock?: () => Date;
}

interface Consulted {
  answer: MemberDataAnswer;
  warnings: StatusWarning[];
  consultedAt: Date;
}

const SERVICE = 'memberdata';
const references = new RecentReferences();

async function consult(context: MemberDataContext, patient: MemberSubject, date: string, facets: readonly MemberDataFacet[]): Promise<Consulted> {
  const clock = context.clock ?? (() => new Date());
  const now = clock();
  const { ehealth, config } = context;
  const provider = careProviderOf(await (await ehealth.sts()).token());
  const inputReference = references.next(now);
  const query = attributeQuery({ inputReference, issuerNihii11: provider.nihii11, patient, date, facets, now });
  const sealed = await sealedDetail(ehealth, { version: 3, businessContent: query, provider, withXades: false, now });
  const body = sendRequest({
    ns: MCN_NS.memberData,
    name: 'mda:MemberDataConsultationRequest',
    now,
    commonInput: commonInput({ version: 3, isTest: isTestEnvironment(config), inputReference, softwarePackage: softwarePackageFor(config), provider }),
    detail: sealed.detail,
  });
  const soap = await callMyCareNet(ehealth, { url: ehealth.endpoints.memberData, action: SOAP_ACTIONS.memberData, service: SERVICE, body });
  const response = readSendResponse(soap.document, { service: SERVICE, version: 3, rootNs: MCN_NS.memberData, rootName: 'MemberDataConsultationResponse' });
  if (response.inputReference !== undefined && response.inputReference !== inputReference) {
    throw new AppError('MYCARENET_BAD_ANSWER', 'MemberData answer: it answers another request', { service: SERVICE });
  }
  const opened = await openSealedAnswer(ehealth, readBlob(response.detail, 'MemberData answer'), 'MemberData answer', clock());
  const answer = readMemberDataAnswer(opened.businessContent);
  if (answer.inResponseTo !== attributeQueryId(inputReference)) throw new AppError('MYCARENET_BAD_ANSWER', 'MemberData answer: it answers another query', { service: SERVICE });
  const warnings = checkStatus(answer.status);
  for (const skipped of answer.skipped) context.log.info('MemberData answer: a value the product does not read was skipped', { attribute: skipped.attribute, length: skipped.length });
  context.log.info('MemberData answered', { elapsedMs: Math.round(soap.elapsedMs), facets: facets.map((facet) => facet.kind).join(','), warnings: warnings.length });
  return { answer, warnings, consultedAt: clock() };
}

export async function consultInsurability(context: MemberDataContext, params: { patient: MemberSubject; date: string; contactType: ContactType }): Promise<Insurability> {
  const { answer, warnings, consultedAt } = await consult(context, params.patient, params.date, [{ kind: 'insurability', contactType: params.contactType }]);
  return readInsurability(answer, { patient: params.patient, date: params.date, consultedAt }, warnings);
}

export async function consultDmgHolder(context: MemberDataContext, params: { ssin: string; date: string }): Promise<{ holder: DmgHolder | null; consultedAt: string }> {
  const patient = { ssin: params.ssin };
  const { answer, consultedAt } = await consult(context, patient, params.date, [{ kind: 'globalMedicalFile' }]);
  return { holder: readDmgHolder(answer, patient), consultedAt: consultedAt.toISOString() };
}
