import { garble, readEtkWithOpenssl, SealRejected, sealWithOpenssl, type SealSigner } from '../cms.js';
import { unsealFromCaller, type Caller, type FrontConfig } from '../front.js';
import { readKnownContent, writeKnownContent } from '../known-content.js';
import { commonsAnswer, readCommonsRequest, ServiceFault } from '../mycarenet-commons.js';
import { FAULTS } from '../soap-fault.js';
import { Unauthenticated } from '../wss.js';
import { readXml, soapEnvelope } from '../xml.js';
import { memberDataAnswer, refusalAnswer } from './answer.js';
import { readQuery } from './query.js';
import { SamlRefusal } from './refusal.js';

/**
 * MyCareNet MemberData v1 (PROTOCOL §6): a commons v3 request whose Detail is sealed for MyCareNet
 * by the caller; the AttributeQuery inside is judged and answered, sealed for the caller's
 * Reply-to-Etk. Business refusals travel inside the sealed answer, as on the platform.
 */

export const MEMBERDATA_NS = 'urn:be:fgov:ehealth:mycarenet:memberdata:protocol:v1';

export interface SealedServiceContext {
  front: FrontConfig;
  caller: Caller;
  /** MyCareNet's own signing key and certificate for sealed answers. */
  signer: SealSigner;
  /** The garbledSeal fault: corrupt the sealed answer on its way out. */
  garbleAnswer: boolean;
}

export async function memberDataService(context: SealedServiceContext): Promise<string> {
  const { caller, front } = context;
  const request = readCommonsRequest(caller.body, { ns: MEMBERDATA_NS, name: 'MemberDataConsultationRequest', version: 3 }, caller);
  if (request.routing !== undefined || request.hasXades) throw new ServiceFault(FAULTS.invalidContent, 'MemberData takes neither Routing nor Xades');
  const { detail } = request;
  if (detail.contentType !== 'text/xml' || detail.contentEncryption !== 'encryptedForKnownBED' || detail.id === undefined) {
    throw new ServiceFault(FAULTS.invalidContent, 'MemberData wants a text/xml Detail encryptedForKnownBED with an Id');
  }
  let known;
  try {
    known = readKnownContent((await unsealFromCaller(detail.content, caller, front)).content);
  } catch (error) {
    if (error instanceof SealRejected) throw new ServiceFault(FAULTS.invalidContent, `the Detail cannot be unsealed: ${error.message}`);
    throw error;
  }
  if (known.id !== detail.id) throw new ServiceFault(FAULTS.invalidContent, 'BusinessContent id and Detail Id differ');
  if (known.replyToEtk === undefined) throw new ServiceFault(FAULTS.invalidContent, 'no Reply-to-Etk: the answer cannot be sealed');
  let recipient;
  try {
    recipient = await readEtkWithOpenssl(known.replyToEtk, front.caFile);
  } catch (error) {
    if (error instanceof SealRejected) throw new ServiceFault(FAULTS.invalidContent, `the Reply-to-Etk is not a valid ETK: ${error.message}`);
    throw error;
  }
  // Answers go back to the caller only: the ETK must be the caller's own.
  if (recipient.signer.fingerprint256 !== caller.holder.fingerprint256) throw new Unauthenticated('the Reply-to-Etk is not the caller\'s');

  let answer: Buffer;
  let inResponseTo = '';
  try {
    const query = readQuery(known.businessContent, request.inputReference, caller, front.now());
    inResponseTo = query.id;
    answer = memberDataAnswer(query);
  } catch (error) {
    if (!(error instanceof SamlRefusal)) throw error;
    answer = refusalAnswer(inResponseTo !== '' ? inResponseTo : queryIdOf(known.businessContent), error);
  }
  let sealed = await sealWithOpenssl(writeKnownContent(answer, detail.id), context.signer, recipient.encryptionCertificate);
  if (context.garbleAnswer) sealed = garble(sealed);
  return soapEnvelope((document) =>
    commonsAnswer(document, { ns: MEMBERDATA_NS, qname: 'md:MemberDataConsultationResponse', version: 3, request, content: sealed, encrypted: true }),
  );
}

function queryIdOf(bytes: Buffer): string {
  return (readXml(bytes.toString('utf8')).documentElement as Element).getAttribute('ID') ?? '';
}
