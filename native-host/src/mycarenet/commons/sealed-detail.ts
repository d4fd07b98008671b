import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import { MYCARENET_ETK } from '../../ehealth/etk/etk-depot.js';
import { certificateDecimalSerial } from '../../ehealth/seal/cert-id.js';
import { seal } from '../../ehealth/seal/seal.js';
import { unseal } from '../../ehealth/seal/unseal.js';
import type { EhealthServices } from '../../ehealth/services.js';
import { signXadesBes } from '../../ehealth/xades/xades-bes.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';
import { issuedByAnchor } from '../../ehealth/xml/verify.js';
import { detailBlob, ENCRYPTED_FOR_KNOWN_BED, newBlobId, type ReadBlob } from './blob.js';
import { ownEtkOf, type CareProvider } from './care-provider.js';
import { encryptedKnownContent, readEncryptedKnownContent, type KnownContent } from './encrypted-known-content.js';
import type { CommonsVersion } from './namespaces.js';

/**
 * "Seal for MyCareNet and put in Detail" and its way back (PROTOCOL §2.5, §2.6, §5): the business
 * XML goes into an EncryptedKnownContent with our own ETK as Reply-to-Etk (and our XAdES when the
 * service wants one), sealed for MyCareNet's ETK; the answer comes back sealed for our ETK.
 */
export interface SealedDetailInput {
  version: Exclude<CommonsVersion, 2>;
  businessContent: Uint8Array;
  provider: CareProvider;
  /** eAttest signs its kmehr (XAdES-BES inside the sealed content); consultations do not. */
  withXades: boolean;
  messageVersion?: string;
  now: Date;
}

export interface SealedDetail {
  detail: ElementSpec;
  /** The blob and BusinessContent id. */
  id: string;
}

export async function sealedDetail(ehealth: EhealthServices, input: SealedDetailInput): Promise<SealedDetail> {
  const [mycarenet, own, credential, keys] = await Promise.all([
    ehealth.etkDepot.get(MYCARENET_ETK),
    ehealth.etkDepot.get(ownEtkOf(input.provider)),
    ehealth.signingCredential(),
    ehealth.decryptionKeys(),
  ]);
  // An answer sealed for an ETK whose key we do not hold could never be read: refuse to ask.
  if (!keys.has(certificateDecimalSerial(own.encryptionCertificate))) {
    throw new AppError('ETK_UNAVAILABLE', 'the published encryption token (ETK) does not match a key of the imported keystore', { identifier: `${ownEtkOf(input.provider).type} ${ownEtkOf(input.provider).value}` });
  }
  const id = newBlobId();
  const xades = input.withXades
    ? signXadesBes({ content: input.businessContent, contentId: id, contentIsXml: true, signer: { key: credential.privateKey, certificate: credential.certificate }, now: input.now })
    : undefined;
  const known = encryptedKnownContent({ replyToEtk: own.der, businessContent: input.businessContent, id, ...(xades !== undefined ? { xades } : {}) });
  const sealed = await seal(known, credential, [mycarenet.encryptionCertificate]);
  return {
    id,
    detail: detailBlob({
      version: input.version,
      id,
      content: sealed,
      encryptedForKnownBED: true,
      ...(input.messageVersion !== undefined ? { messageVersion: input.messageVersion } : {}),
    }),
  };
}

export interface OpenedAnswer extends KnownContent {
  /** Who sealed the answer (MyCareNet or the insurer), already checked against the platform's CA. */
  signer: X509Certificate;
}

/** Unseals an answer sealed for us and reads its EncryptedKnownContent. Every failure is MYCARENET_BAD_ANSWER. */
export async function openSealedAnswer(ehealth: EhealthServices, blob: ReadBlob, what: string, now: Date): Promise<OpenedAnswer> {
  if (blob.contentEncryption === undefined) throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the answer is not sealed although a sealed answer was asked for`);
  if (blob.contentEncryption !== ENCRYPTED_FOR_KNOWN_BED && blob.contentEncryption !== 'encryptedForKnownRecipient') {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what}: unknown ContentEncryption`, { contentEncryption: blob.contentEncryption.slice(0, 40) });
  }
  const unsealed = await unseal(blob.content, await ehealth.decryptionKeys());
  if (!issuedByAnchor(unsealed.signer, ehealth.platformAnchors(), now)) {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the answer was sealed by a certificate the platform did not issue`);
  }
  return { ...readEncryptedKnownContent(unsealed.content, what), signer: unsealed.signer };
}
