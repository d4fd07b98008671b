import type { Attestation } from '../../../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../../../src/shared/domain/calendar.js';
import { AppError } from '../../../../src/shared/errors.js';
import type { HostConfig, Supervisor } from '../../config.js';
import type { EhealthServices } from '../../ehealth/services.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import { detailBlob, readBlob } from '../commons/blob.js';
import type { CareProvider } from '../commons/care-provider.js';
import { commonInput } from '../commons/common-input.js';
import { routing } from '../commons/routing.js';
import { openSealedAnswer, sealedDetail } from '../commons/sealed-detail.js';
import { sendRequest } from '../commons/send-request.js';
import { readSendResponse } from '../commons/send-response.js';
import { isTestEnvironment, softwarePackageFor } from '../commons/software-package.js';
import { readAttestationAnswer, type KmehrVerdict } from './attestation-answer.js';
import { verifyInsurerSignature } from './insurer-signature.js';
import { attestationKmehr } from './kmehr-attestation.js';
import { ATTEST_COMMONS_VERSION, ATTEST_MESSAGE_VERSION, ATTEST_NS, kmehrRequestId } from './protocol.js';
import type { SignedAnswer } from './signature-evidence.js';

/**
 * SendAttestation (PROTOCOL §8.1): the kmehr signed (XAdES-BES) and sealed for MyCareNet with our
 * ETK as Reply-to-Etk, in a commons v4 request with Routing; the answer unsealed, its XAdES-T
 * checked, its kmehr read. A retry re-sends the very same sealed content under the same
 * InputReference with the next attemptNbr, so the insurer sees the same attestation again.
 */

export interface SendAddressing {
  provider: CareProvider;
  inputReference: string;
  attemptNbr: number;
  patientSsin: string;
  /** JSIS patients are routed to the EU institutions' scheme (Mutuality "rcam"). */
  jsis: boolean;
  now: Date;
}

/** What the first attempt sealed; kept (journal and send record) so that a retry re-sends it. */
export interface SealedAttestation {
  blobId: string;
  /** The kmehr, which the insurer's XAdES-T binds to its answer. */
  kmehr: Uint8Array;
  /** The sealed EncryptedKnownContent exactly as put in Detail. */
  sealed: Uint8Array;
}

export interface PreparedSend extends SealedAttestation {
  body: ElementSpec;
  requestId: string;
}

/** Signs and seals a new attestation (no network beyond cached ETKs). */
export async function sealAttestation(
  ehealth: EhealthServices,
  attestation: Attestation,
  addressing: Omit<SendAddressing, 'attemptNbr' | 'jsis' | 'patientSsin'> & { supervisor?: Supervisor | undefined },
): Promise<SealedAttestation> {
  const kmehr = attestationKmehr({ provider: addressing.provider, reference: addressing.inputReference, now: addressing.now, supervisor: addressing.supervisor }, attestation);
  const sealed = await sealedDetail(ehealth, { version: ATTEST_COMMONS_VERSION, businessContent: kmehr, provider: addressing.provider, withXades: true, messageVersion: ATTEST_MESSAGE_VERSION, now: addressing.now });
  // The commons helper returns the Detail element; its only child is the base64 of the sealed bytes.
  const text = sealed.detail.children?.[0];
  if (typeof text !== 'string') throw new AppError('INTERNAL', 'the sealed Detail has no content');
  return { blobId: sealed.id, kmehr, sealed: Buffer.from(text, 'base64') };
}

/** The SendAttestationRequest for one attempt of a sealed attestation. */
export function sendAttestationRequest(config: HostConfig, sealed: SealedAttestation, addressing: SendAddressing): PreparedSend {
  const { provider, inputReference, attemptNbr, now } = addressing;
  const body = sendRequest({
    ns: ATTEST_NS,
    name: 'att:SendAttestationRequest',
    now,
    commonInput: commonInput({ version: ATTEST_COMMONS_VERSION, isTest: isTestEnvironment(config), inputReference, softwarePackage: softwarePackageFor(config), provider, attemptNbr }),
    routing: routing({ version: ATTEST_COMMONS_VERSION, ssin: addressing.patientSsin, referenceDate: brusselsDate(now), ...(addressing.jsis ? { mutuality: 'rcam' as const } : {}) }),
    detail: detailBlob({ version: ATTEST_COMMONS_VERSION, id: sealed.blobId, content: sealed.sealed, encryptedForKnownBED: true, messageVersion: ATTEST_MESSAGE_VERSION }),
  });
  return { ...sealed, body, requestId: kmehrRequestId(provider.nihii11, inputReference) };
}

export interface SendAnswer {
  verdict: KmehrVerdict;
  /** The insurer's intact signature, how far it verified, and what it signs: the journal's evidence. */
  signed: SignedAnswer;
}

/**
 * Reads a SendAttestationResponse. `onSealedAnswer` receives the sealed answer as soon as it is
 * found, so that it is journaled even when it cannot be opened (it may be decrypted later).
 */
export async function readSendAnswer(
  ehealth: EhealthServices,
  document: Document,
  sent: PreparedSend & { inputReference: string },
  now: Date,
  onSealedAnswer: (sealed: Uint8Array) => void,
): Promise<SendAnswer> {
  const response = readSendResponse(document, { service: 'eattest', version: ATTEST_COMMONS_VERSION, rootNs: ATTEST_NS, rootName: 'SendAttestationResponse' });
  if (response.inputReference !== undefined && response.inputReference !== sent.inputReference) {
    throw new AppError('MYCARENET_BAD_ANSWER', 'eAttest answer: it answers another request', { service: 'eattest' });
  }
  const blob = readBlob(response.detail, 'eAttest answer');
  onSealedAnswer(blob.content);
  const opened = await openSealedAnswer(ehealth, blob, 'eAttest answer', now);
  if (opened.xades === undefined) throw new AppError('MYCARENET_BAD_ANSWER', 'eAttest answer: the insurer did not sign its answer', { service: 'eattest' });
  const content = { id: opened.id, content: opened.businessContent, isXml: true };
  const signature = verifyInsurerSignature({
    signatureXml: opened.xades,
    content,
    // The insurer's signature binds its answer to our request; an answer that reuses our id cannot name both.
    ...(opened.id !== sent.blobId ? { requestContent: { id: sent.blobId, content: sent.kmehr, isXml: true } } : {}),
    anchors: ehealth.platformAnchors(),
    now,
  });
  return { verdict: readAttestationAnswer(opened.businessContent, { requestId: sent.requestId, kind: 'send' }), signed: { signature, signatureXml: opened.xades, content } };
}
