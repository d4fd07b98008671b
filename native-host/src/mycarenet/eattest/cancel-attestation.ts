import { AppError } from '../../../../src/shared/errors.js';
import type { CancelReason } from '../../../../src/shared/domain/attestation.js';
import { supervisorFor, type HostConfig } from '../../config.js';
import type { EhealthServices } from '../../ehealth/services.js';
import { signXadesBes } from '../../ehealth/xades/xades-bes.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import { decodeBase64, detailBlob, newBlobId, readBlob } from '../commons/blob.js';
import type { CareProvider } from '../commons/care-provider.js';
import { commonInput } from '../commons/common-input.js';
import { commonsProtocolNs } from '../commons/namespaces.js';
import { sendRequest } from '../commons/send-request.js';
import { readSendResponse } from '../commons/send-response.js';
import { isTestEnvironment, softwarePackageFor } from '../commons/software-package.js';
import { readAttestationAnswer, type KmehrVerdict } from './attestation-answer.js';
import { verifyInsurerSignature } from './insurer-signature.js';
import { cancellationKmehr } from './kmehr-attestation.js';
import { ATTEST_COMMONS_VERSION, ATTEST_MESSAGE_VERSION, ATTEST_NS, kmehrRequestId } from './protocol.js';
import type { SignedAnswer } from './signature-evidence.js';

/**
 * CancelAttestation (PROTOCOL §8.1, §8.4): not encrypted. The kmehr cgacancellation travels in a
 * plaintext Detail, our XAdES-BES over that Detail in the request's Xades; no Routing. The answer's
 * kmehr comes back in a plaintext Detail with the insurer's XAdES-T in Return/XadesT.
 */

export interface CancelRequestFields {
  provider: CareProvider;
  inputReference: string;
  attemptNbr: number;
  patientSsin: string;
  acknowledgementNumber: string;
  reason: CancelReason;
  now: Date;
}

export interface PreparedCancel {
  body: ElementSpec;
  blobId: string;
  kmehr: Uint8Array;
  requestId: string;
}

export async function cancelAttestationRequest(ehealth: EhealthServices, config: HostConfig, fields: CancelRequestFields): Promise<PreparedCancel> {
  const { provider, inputReference, now } = fields;
  // A trainee's cancellation is authored by the supervisor, as the attestation was (FHC).
  const kmehr = cancellationKmehr({ provider, reference: inputReference, now, supervisor: supervisorFor(config, provider) }, fields);
  const blobId = newBlobId();
  const credential = await ehealth.signingCredential();
  const xades = signXadesBes({ content: kmehr, contentId: blobId, contentIsXml: true, signer: { key: credential.privateKey, certificate: credential.certificate }, now });
  const request = sendRequest({
    ns: ATTEST_NS,
    name: 'att:CancelAttestationRequest',
    now,
    commonInput: commonInput({ version: ATTEST_COMMONS_VERSION, isTest: isTestEnvironment(config), inputReference, softwarePackage: softwarePackageFor(config), provider, attemptNbr: fields.attemptNbr }),
    // The same MessageVersion as a send: the connector's eAttest blob builder sets it on both.
    detail: detailBlob({ version: ATTEST_COMMONS_VERSION, id: blobId, content: kmehr, encryptedForKnownBED: false, messageVersion: ATTEST_MESSAGE_VERSION }),
  });
  const body: ElementSpec = {
    ...request,
    children: [...(request.children ?? []), { ns: commonsProtocolNs(ATTEST_COMMONS_VERSION), name: 'mcp:Xades', children: [Buffer.from(xades, 'utf8').toString('base64')] }],
  };
  return { body, blobId, kmehr, requestId: kmehrRequestId(provider.nihii11, inputReference) };
}

export interface CancelAnswer {
  verdict: KmehrVerdict;
  /** The answer's Detail content as received. */
  raw: Uint8Array;
  signed: SignedAnswer;
}

export function readCancelAnswer(ehealth: EhealthServices, document: Document, sent: PreparedCancel & { inputReference: string }, now: Date): CancelAnswer {
  const bad = (message: string) => new AppError('MYCARENET_BAD_ANSWER', `eAttest cancel answer: ${message}`, { service: 'eattest' });
  const response = readSendResponse(document, { service: 'eattest', version: ATTEST_COMMONS_VERSION, rootNs: ATTEST_NS, rootName: 'CancelAttestationResponse' });
  if (response.inputReference !== undefined && response.inputReference !== sent.inputReference) throw bad('it answers another request');
  const blob = readBlob(response.detail, 'eAttest cancel answer');
  if (blob.contentEncryption !== undefined) throw bad('an encrypted answer to a plaintext request');
  if (blob.id === undefined) throw bad('the Detail has no Id for the insurer signature to name');
  if (response.xadesT === undefined) throw bad('the insurer did not sign its answer');
  const signatureXml = decodeBase64(response.xadesT, 'eAttest cancel answer XadesT').toString('utf8');
  const content = { id: blob.id, content: blob.content, isXml: true };
  const signature = verifyInsurerSignature({
    signatureXml,
    content,
    ...(blob.id !== sent.blobId ? { requestContent: { id: sent.blobId, content: sent.kmehr, isXml: true } } : {}),
    anchors: ehealth.platformAnchors(),
    now,
  });
  return { verdict: readAttestationAnswer(blob.content, { requestId: sent.requestId, kind: 'cancel' }), raw: blob.content, signed: { signature, signatureXml, content } };
}
