import type { Caller } from '../front.js';
import { readCommonsRequest, ServiceFault } from '../mycarenet-commons.js';
import { commonsAnswer } from '../mycarenet-commons.js';
import { FAULTS } from '../soap-fault.js';
import { soapEnvelope } from '../xml.js';
import { tariffAnswer } from './answer.js';
import { readTariffRequest } from './request.js';
import { judge } from './rules.js';

/**
 * MyCareNet Tarification v1 (PROTOCOL §7): a commons v2 request with Routing and a plaintext kmehr
 * Detail, answered in plaintext. Business problems travel in the kmehr acknowledge; what is wrong
 * with the envelope is a SOAP fault.
 */

export const TARIFICATION_NS = 'urn:be:fgov:ehealth:mycarenet:tarification:protocol:v1';

export function tarificationService(context: { caller: Caller; now: Date }): string {
  const request = readCommonsRequest(context.caller.body, { ns: TARIFICATION_NS, name: 'TarificationConsultationRequest', version: 2 }, context.caller);
  if (request.hasXades) throw new ServiceFault(FAULTS.invalidContent, 'Tarification takes no Xades');
  if (request.routing === undefined) throw new ServiceFault(FAULTS.invalidContent, 'Tarification needs Routing (patient and reference date)');
  if (request.detail.contentType !== 'text/xml' || request.detail.contentEncryption !== undefined) throw new ServiceFault(FAULTS.invalidContent, 'Tarification wants a plaintext text/xml Detail');
  const kmehr = readTariffRequest(request.detail.content);
  const judgement = judge(kmehr, request.routing, context.caller, context.now);
  const content = tariffAnswer(kmehr, judgement, context.now);
  return soapEnvelope((document) => commonsAnswer(document, { ns: TARIFICATION_NS, qname: 't:TarificationConsultationResponse', version: 2, request, content, encrypted: false }));
}
