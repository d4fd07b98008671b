import type { Tariffs } from '../../../../src/shared/domain/tariff.js';
import { tariffsSchema } from '../../../../src/shared/domain/tariff.js';
import { AppError, describeZodIssues } from '../../../../src/shared/errors.js';
import type { HostConfig } from '../../config.js';
import type { EhealthServices } from '../../ehealth/services.js';
import type { Logger } from '../../log.js';
import { detailBlob, newBlobId, readBlob } from '../commons/blob.js';
import { callMyCareNet } from '../../transmission/observed-call.js';
import { careProviderOf } from '../commons/care-provider.js';
import { commonInput } from '../commons/common-input.js';
import { newInputReference } from '../commons/input-reference.js';
import type { KmehrError } from '../commons/kmehr-acknowledge.js';
import { MCN_NS, SOAP_ACTIONS } from '../commons/namespaces.js';
import { routing } from '../commons/routing.js';
import { sendRequest } from '../commons/send-request.js';
import { readSendResponse } from '../commons/send-response.js';
import { isTestEnvironment, softwarePackageFor } from '../commons/software-package.js';
import { meaningOf, refusalCode } from './tariff-errors.js';
import { tariffRequest } from './tariff-request.js';
import { readTariffAnswer } from './tariff-response.js';

/**
 * Tariff consultation (PROTOCOL §7): a commons v2 request with Routing (patient, date of care) and
 * the kmehr in a plaintext Detail, no seal and no XAdES. Only on the clinician's explicit request
 * (protocol annex 3): nothing in the host calls this except the `tariffs` command.
 */
export interface TarificationContext {
  ehealth: EhealthServices;
  config: HostConfig;
  log: Logger;
  clock?: () => Date;
}

const SERVICE = 'tarification';

export async function consultTariffs(context: TarificationContext, params: { ssin: string; date: string; codes: readonly string[]; teeth?: Readonly<Record<string, string>> | undefined }): Promise<Tariffs> {
  const clock = context.clock ?? (() => new Date());
  const now = clock();
  const { ehealth, config } = context;
  const provider = careProviderOf(await (await ehealth.sts()).token());
  // The 14-digit reference every connector makes; it is also the kmehr request id's suffix.
  const inputReference = newInputReference(now, new Set());
  const request = tariffRequest({ provider, reference: inputReference, ssin: params.ssin, date: params.date, codes: params.codes, ...(params.teeth !== undefined ? { teeth: params.teeth } : {}), now });
  const body = sendRequest({
    ns: MCN_NS.tarification,
    name: 'tar:TarificationConsultationRequest',
    now,
    commonInput: commonInput({ version: 2, isTest: isTestEnvironment(config), inputReference, softwarePackage: softwarePackageFor(config), provider }),
    routing: routing({ version: 2, ssin: params.ssin, referenceDate: params.date }),
    detail: detailBlob({ version: 2, id: newBlobId(), content: request.xml, encryptedForKnownBED: false }),
  });
  const soap = await callMyCareNet(ehealth, { url: ehealth.endpoints.tarification, action: SOAP_ACTIONS.tarification, service: SERVICE, body });
  const response = readSendResponse(soap.document, { service: SERVICE, version: 2, rootNs: MCN_NS.tarification, rootName: 'TarificationConsultationResponse' });
  if (response.inputReference !== undefined && response.inputReference !== inputReference) {
    throw new AppError('MYCARENET_BAD_ANSWER', 'Tarification answer: it answers another request', { service: SERVICE });
  }
  const blob = readBlob(response.detail, 'Tarification answer');
  if (blob.contentEncryption !== undefined) throw new AppError('MYCARENET_BAD_ANSWER', 'Tarification answer: an encrypted answer to a plaintext request', { service: SERVICE });
  const answer = readTariffAnswer(blob.content, params.codes);
  const errors = answer.acknowledge.errors.slice(0, 30).map((error) => tariffError(error, request.codeByItem));
  context.log.info('Tarification answered', { elapsedMs: Math.round(soap.elapsedMs), codes: params.codes.length, lines: answer.lines.length, errors: errors.length });
  if (answer.lines.length === 0) {
    // Prefer an error about the request as a whole (patient, date) over one about a single code.
    const first = errors.find((error) => error.nomenclatureCode === undefined) ?? errors[0];
    if (first === undefined) throw new AppError('MYCARENET_BAD_ANSWER', 'Tarification answer: neither tariffs nor errors', { service: SERVICE });
    throw new AppError(refusalCode(first.code), `Tarification refused the request (${first.code})`, {
      service: SERVICE,
      kmehrCode: first.code,
      meaning: meaningOf(first.code) ?? null,
      location: first.location ?? null,
      platformMessage: first.description ?? null,
      errors: errors.map((error) => `${error.code}${error.nomenclatureCode !== undefined ? `@${error.nomenclatureCode}` : ''}`).join(',').slice(0, 1000),
    });
  }
  const checked = tariffsSchema.safeParse({ date: params.date, lines: answer.lines, errors });
  if (!checked.success) throw new AppError('MYCARENET_BAD_ANSWER', 'Tarification answer: the tariffs do not hold together', { service: SERVICE, issues: describeZodIssues(checked.error) });
  return checked.data;
}

/** An acknowledge error with the code it is about, traced from its XPath back to the claim item we sent. */
function tariffError(error: KmehrError, codeByItem: ReadonlyMap<number, string>): Tariffs['errors'][number] {
  const itemIndex = error.url === undefined ? undefined : /\/item\[(\d+)\]/.exec(error.url)?.[1];
  const nomenclatureCode = itemIndex === undefined ? undefined : codeByItem.get(Number(itemIndex));
  const description = error.description ?? meaningOf(error.code);
  return {
    code: error.code,
    ...(error.url !== undefined ? { location: error.url } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(nomenclatureCode !== undefined ? { nomenclatureCode } : {}),
  };
}
