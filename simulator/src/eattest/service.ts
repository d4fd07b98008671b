import { createHash, randomUUID } from 'node:crypto';
import { brusselsIsoTime } from '../../../src/shared/domain/calendar.js';
import { garble, readEtkWithOpenssl, SealRejected, sealWithOpenssl, type SealSigner } from '../cms.js';
import type { FaultRule } from '../faults.js';
import { unsealFromCaller, type Caller, type FrontConfig } from '../front.js';
import { ENCRYPTED_NS, readKnownContent } from '../known-content.js';
import { commonsAnswer, coreNs, protocolNs, readCommonsRequest, ServiceFault, type CommonsRequest } from '../mycarenet-commons.js';
import { scenarioPatient } from '../scenarios.js';
import { FAULTS } from '../soap-fault.js';
import { Unauthenticated } from '../wss.js';
import { BadRequest, childrenNS, newDocument, soapEnvelope, tag, text, writeXml } from '../xml.js';
import { attestationAnswer } from './answer.js';
import { readKmehrSendRequest, type KmehrSendRequest } from './kmehr-request.js';
import { RequestSignatureRejected, verifyRequestXades } from './request-signature.js';
import { judgeCancel, judgeSend, type KmehrRefusal } from './rules.js';
import type { AttestationStore } from './store.js';
import type { AnswerSigners } from './answer-signers.js';
import { signXadesT } from './xades-t.js';

/**
 * MyCareNet eAttest v3 (PROTOCOL §8): SendAttestation (kmehr signed and sealed for MyCareNet,
 * answered sealed for the Reply-to-Etk with the insurer's XAdES-T inside) and CancelAttestation
 * (plaintext kmehr with the clinician's XAdES, answered in plaintext with the XAdES-T beside).
 * A send under an InputReference already accepted is the same attestation: same number back.
 */

export const ATTEST_NS = 'urn:be:fgov:ehealth:mycarenet:attest:protocol:v3';
/** The Detail's MessageVersion of eAttest v3, on a send and on a cancel alike (the connector's blob builder). */
const ATTEST_MESSAGE_VERSION = '3.0';

/** The dropAfterAccept fault: the attestation is stored, then the connection is cut instead of answering. */
export class DropConnection extends Error {
  override readonly name = 'DropConnection';
}

export interface EattestContext {
  front: FrontConfig;
  caller: Caller;
  /** MyCareNet's seal on the sent answer. */
  signer: SealSigner;
  /** Who signs and time-stamps the insurer's XAdES-T (the signature faults change them). */
  answerSigners: AnswerSigners;
  store: AttestationStore;
  fault: FaultRule | undefined;
  identityReadingRequiredBy?: ReadonlySet<string>;
}

const brusselsDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today at the insurer; the clockAheadOneDay fault makes it tomorrow (the host's "today" is then yesterday). */
function insurerToday(context: EattestContext): string {
  const now = context.front.now();
  return brusselsDay.format(context.fault?.kind === 'clockAheadOneDay' ? new Date(now.getTime() + 86_400_000) : now);
}

function kmehrOf(bytes: Buffer): KmehrSendRequest {
  try {
    return readKmehrSendRequest(bytes);
  } catch (error) {
    if (error instanceof BadRequest) throw new ServiceFault(FAULTS.notSchemaConform, error.message);
    throw error;
  }
}

async function checkRequestXades(signature: Buffer, content: { id: string; content: Buffer }, context: EattestContext): Promise<void> {
  try {
    await verifyRequestXades(signature, content, context.caller, context.front.caFile);
  } catch (error) {
    if (error instanceof RequestSignatureRejected) throw new ServiceFault(FAULTS.invalidContent, error.message);
    throw error;
  }
}

/** The insurer's XAdES-T over the answer and the request it answers, as the fault (if any) wants it signed. */
async function insurerSignature(context: EattestContext, answer: { id: string; content: Buffer }, request: { id: string; content: Buffer }, now: Date): Promise<string> {
  const keys = await context.answerSigners.for(context.fault);
  return signXadesT([answer, request], keys.signer, keys.tsa, now);
}

/**
 * The answerAltered fault: the answer changed after it was signed, as a forger or a broken relay
 * would (a different acknowledgement number, or a reformatted document), so its digest no longer matches.
 */
function afterSigning(context: EattestContext, answer: Buffer, acknowledgementNumber?: string): Buffer {
  if (context.fault?.kind !== 'answerAltered') return answer;
  const text = answer.toString('utf8');
  if (acknowledgementNumber !== undefined && text.includes(acknowledgementNumber)) {
    const forged = acknowledgementNumber.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    return Buffer.from(text.replace(acknowledgementNumber, forged), 'utf8');
  }
  return Buffer.from(text.replace('><', '>\n<'), 'utf8');
}

/** After the answer is made: the faults that strike once the insurer has accepted. */
async function afterAcceptance(context: EattestContext): Promise<void> {
  if (context.fault?.kind === 'dropAfterAccept') throw new DropConnection('connection dropped after acceptance');
  if (context.fault?.kind === 'hangAfterAccept') await new Promise((resolve) => setTimeout(resolve, context.fault?.latencyMs ?? 120_000));
}

export async function eattestService(context: EattestContext): Promise<string> {
  const root = childrenNS(context.caller.body, ATTEST_NS, 'SendAttestationRequest')[0] ?? childrenNS(context.caller.body, ATTEST_NS, 'CancelAttestationRequest')[0];
  if (root?.localName === 'CancelAttestationRequest') return cancelAttestation(context);
  return sendAttestation(context);
}

async function sendAttestation(context: EattestContext): Promise<string> {
  const { caller, front, store } = context;
  const request = readCommonsRequest(caller.body, { ns: ATTEST_NS, name: 'SendAttestationRequest', version: 4 }, caller);
  if (request.routing === undefined || request.hasXades) throw new ServiceFault(FAULTS.invalidContent, 'a send takes Routing and no top-level Xades');
  const { detail } = request;
  if (detail.contentType !== 'text/xml' || detail.contentEncryption !== 'encryptedForKnownBED' || detail.id === undefined) {
    throw new ServiceFault(FAULTS.invalidContent, 'eAttest wants a text/xml Detail encryptedForKnownBED with an Id');
  }
  if (detail.messageVersion !== ATTEST_MESSAGE_VERSION) throw new ServiceFault(FAULTS.invalidContent, `eAttest v3 wants the Detail's MessageVersion ${ATTEST_MESSAGE_VERSION}`);
  let known;
  let recipient;
  try {
    known = readKnownContent((await unsealFromCaller(detail.content, caller, front)).content);
    if (known.replyToEtk === undefined) throw new ServiceFault(FAULTS.invalidContent, 'no Reply-to-Etk: the answer cannot be sealed');
    recipient = await readEtkWithOpenssl(known.replyToEtk, front.caFile);
  } catch (error) {
    if (error instanceof SealRejected) throw new ServiceFault(FAULTS.invalidContent, `the Detail cannot be opened: ${error.message}`);
    throw error;
  }
  if (known.id !== detail.id) throw new ServiceFault(FAULTS.invalidContent, 'BusinessContent id and Detail Id differ');
  if (recipient.signer.fingerprint256 !== caller.holder.fingerprint256) throw new Unauthenticated('the Reply-to-Etk is not the caller\'s');
  if (known.xades === undefined) throw new ServiceFault(FAULTS.invalidContent, 'eAttest wants the XAdES-BES of the business content');
  await checkRequestXades(known.xades, { id: detail.id, content: known.businessContent }, context);

  const kmehr = kmehrOf(known.businessContent);
  const digest = createHash('sha256').update(known.businessContent).digest('hex');
  const now = front.now();
  const today = insurerToday(context);
  let errors: KmehrRefusal[];
  let accepted: Parameters<typeof attestationAnswer>[0]['accepted'];
  let insurer: string;
  const previous = store.byReference(caller.nihii11, request.inputReference);
  if (previous !== undefined && previous.kmehrDigest === digest) {
    // A retry of an attestation already accepted: the same number, no second attestation.
    previous.attempts.push(request.attemptNbr ?? 1);
    const patient = scenarioPatient(previous.patientSsin);
    if (patient === undefined) throw new ServiceFault(FAULTS.undefinedError, 'the stored attestation lost its patient');
    insurer = previous.insurer;
    errors = [];
    accepted = { acknowledgementNumber: previous.acknowledgementNumber, patient, acts: previous.acts };
  } else {
    const judged = judgeSend({
      request: kmehr,
      caller,
      inputReference: request.inputReference,
      routing: request.routing,
      today,
      store,
      ...(context.identityReadingRequiredBy !== undefined ? { identityReadingRequiredBy: context.identityReadingRequiredBy } : {}),
    });
    insurer = judged.insurer;
    errors = previous !== undefined ? [{ code: '155', url: '/SendTransactionRequest/request/id', description: 'This reference was already used for another attestation' }] : judged.errors;
    if (errors.length === 0 && judged.patient !== undefined) {
      const acknowledgementNumber = store.nextNumber(insurer, today);
      store.add({
        acknowledgementNumber,
        insurer,
        providerNihii11: caller.nihii11,
        ...(judged.supervisorNihii11 !== undefined ? { supervisorNihii11: judged.supervisorNihii11 } : {}),
        ...(judged.performerNihii11 !== undefined ? { performerNihii11: judged.performerNihii11 } : {}),
        inputReference: request.inputReference,
        patientSsin: kmehr.patientSsin,
        acts: judged.acts,
        acceptedAt: `${today}T${now.toISOString().slice(11)}`,
        attempts: [request.attemptNbr ?? 1],
        kmehrDigest: digest,
      });
      accepted = { acknowledgementNumber, patient: judged.patient, acts: judged.acts };
    }
  }
  const answer = attestationAnswer({ request: kmehr, insurer, errors, ...(accepted !== undefined ? { accepted } : {}), now });
  const answerId = `_${randomUUID()}`;
  const xadesT = await insurerSignature(context, { id: answerId, content: answer }, { id: detail.id, content: known.businessContent }, now);
  let sealed = await sealWithOpenssl(knownContentWithXades(afterSigning(context, answer, accepted?.acknowledgementNumber), answerId, xadesT), context.signer, recipient.encryptionCertificate);
  if (context.fault?.kind === 'garbledSeal') sealed = garble(sealed);
  if (accepted !== undefined) await afterAcceptance(context);
  return soapEnvelope((document) => commonsAnswer(document, { ns: ATTEST_NS, qname: 'att:SendAttestationResponse', version: 4, request, content: sealed, encrypted: true }));
}

function knownContentWithXades(businessContent: Buffer, id: string, xades: string): Buffer {
  const document = newDocument(ENCRYPTED_NS, 'e:EncryptedKnownContent');
  const root = document.documentElement as Element;
  root.appendChild(tag(document, ENCRYPTED_NS, 'e:BusinessContent', { id, ContentType: 'text/xml', ContentEncoding: 'none' }, businessContent.toString('base64')));
  root.appendChild(tag(document, ENCRYPTED_NS, 'e:Xades', {}, Buffer.from(xades, 'utf8').toString('base64')));
  return Buffer.from(writeXml(document), 'utf8');
}

function xadesOf(body: Element): Buffer {
  const root = childrenNS(body, ATTEST_NS, 'CancelAttestationRequest')[0];
  const xades = root === undefined ? undefined : childrenNS(root, protocolNs(4), 'Xades')[0];
  const value = text(xades).replace(/\s+/g, '');
  if (value === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new ServiceFault(FAULTS.invalidContent, 'a cancellation wants the XAdES of its Detail');
  return Buffer.from(value, 'base64');
}

async function cancelAttestation(context: EattestContext): Promise<string> {
  const { caller, store } = context;
  const request = readCommonsRequest(caller.body, { ns: ATTEST_NS, name: 'CancelAttestationRequest', version: 4 }, caller);
  const { detail } = request;
  if (request.routing !== undefined || detail.contentEncryption !== undefined || detail.contentType !== 'text/xml' || detail.id === undefined) {
    throw new ServiceFault(FAULTS.invalidContent, 'a cancellation takes no Routing and a plaintext text/xml Detail with an Id');
  }
  if (detail.messageVersion !== ATTEST_MESSAGE_VERSION) throw new ServiceFault(FAULTS.invalidContent, `eAttest v3 wants the Detail's MessageVersion ${ATTEST_MESSAGE_VERSION}`);
  await checkRequestXades(xadesOf(caller.body), { id: detail.id, content: detail.content }, context);
  const kmehr = kmehrOf(detail.content);
  const now = context.front.now();
  const judged = judgeCancel(kmehr, caller, insurerToday(context), store);
  const numberUrl = '/SendTransactionRequest/kmehrmessage/folder/transaction[1]/item[1]/content[1]/text';
  let errors = judged.errors;
  if (errors.length === 0 && context.fault?.kind === 'cancelOutOfTime') errors = [{ code: '239', url: numberUrl, description: 'Cancellation request out of time limit' }];
  if (errors.length === 0 && context.fault?.kind === 'cancelBusy') errors = [{ code: '241', url: numberUrl, description: 'The cancellation cannot be processed now; try again later' }];
  const known = store.byNumber(judged.acknowledgementNumber);
  if (errors.length === 0 && known !== undefined) known.cancelled = { reason: judged.reason, at: now.toISOString() };
  const answer = attestationAnswer({ request: kmehr, insurer: known?.insurer ?? '000', errors, now });
  const answerId = `_${randomUUID()}`;
  const xadesT = await insurerSignature(context, { id: answerId, content: answer }, { id: detail.id, content: detail.content }, now);
  return soapEnvelope((document) => cancelResponse(document, request, afterSigning(context, answer), answerId, xadesT));
}

/** CancelAttestationResponse/Return: CommonOutput, the plaintext Detail (named by the XAdES-T) and XadesT. */
function cancelResponse(document: Document, request: CommonsRequest, answer: Buffer, answerId: string, xadesT: string): Element {
  const protocol = protocolNs(4);
  const core = coreNs(4);
  const reference = randomUUID().replace(/-/g, '').slice(0, 20);
  return tag(
    document,
    ATTEST_NS,
    'att:CancelAttestationResponse',
    { Id: `_${randomUUID()}`, InResponseTo: request.id, IssueInstant: brusselsIsoTime(new Date(), 6) },
    tag(
      document,
      protocol,
      'p:Return',
      {},
      tag(document, protocol, 'p:CommonOutput', {}, tag(document, core, 'c:InputReference', {}, request.inputReference), tag(document, core, 'c:NIPReference', {}, `NIP${reference}`), tag(document, core, 'c:OutputReference', {}, `OUT${reference}`)),
      tag(document, protocol, 'p:Detail', { ContentType: 'text/xml', ContentEncoding: 'none', Id: answerId }, answer.toString('base64')),
      tag(document, protocol, 'p:XadesT', {}, Buffer.from(xadesT, 'utf8').toString('base64')),
    ),
  );
}
