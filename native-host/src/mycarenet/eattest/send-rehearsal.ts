import type { Attestation } from '../../../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../../../src/shared/domain/calendar.js';
import type { HostConfig } from '../../config.js';
import { seal } from '../../ehealth/seal/seal.js';
import { unseal } from '../../ehealth/seal/unseal.js';
import type { EhealthServices } from '../../ehealth/services.js';
import { assertionElement } from '../../ehealth/sts/token.js';
import { holderOfKeySignedEnvelope } from '../../ehealth/wss/envelope.js';
import { signXadesBes } from '../../ehealth/xades/xades-bes.js';
import { verifyXades } from '../../ehealth/xades/xades-verify.js';
import { careProviderOf, ownEtkOf } from '../commons/care-provider.js';
import { sealAttestation, sendAttestationRequest } from './send-attestation.js';

/**
 * The prewarm's dress rehearsal of a send, with nothing sent and nothing journaled: a fictitious
 * attestation is signed and sealed, its request built and signed for the session, and content
 * sealed for the clinician's own ETK is opened again and a XAdES signature over it verified, the
 * way an answer is. A fresh process
 * compiles all that code on its first send (bench: the first send after a bare warm-up cost
 * ~150 ms more than the next ones); paying it while the clinician reads the consultation is what
 * makes the first click of the day a warm one. What the rehearsal produces is dropped.
 */

/** A syntactically valid SSIN of nobody (born 1 January 2001, serial 001): it never leaves the process. */
const NOBODY_SSIN = '01010100126';

function rehearsalAttestation(careDate: string): Attestation {
  return {
    patient: { ssin: NOBODY_SSIN, firstName: 'Rehearsal', lastName: 'Rehearsal' },
    careDate,
    patientPaidCents: 100,
    acts: [{ code: '101010', quantity: 1, serviceDate: careDate, amountPaidCents: 100 }],
  };
}

export async function rehearseSend(ehealth: EhealthServices, config: HostConfig, now: Date): Promise<void> {
  const token = await (await ehealth.sts()).token();
  const provider = careProviderOf(token);
  const inputReference = 'rehearsal';
  const sealed = await sealAttestation(ehealth, rehearsalAttestation(brusselsDate(now)), { provider, inputReference, now });
  const prepared = sendAttestationRequest(config, sealed, { provider, inputReference, attemptNbr: 1, patientSsin: NOBODY_SSIN, jsis: false, now });
  holderOfKeySignedEnvelope(prepared.body, assertionElement(token), await ehealth.holderKey(), now);

  // The answer's half: opened and its XAdES verified the way an insurer's answer is (a cold
  // process spent ~60 ms on its first answer). Not done during a cold send's own wait for
  // MyCareNet instead: tried, the bench's cold send got slower, as the simulator shares the two cores.
  const [own, credential, keys] = await Promise.all([ehealth.etkDepot.get(ownEtkOf(provider)), ehealth.signingCredential(), ehealth.decryptionKeys()]);
  const opened = await unseal(await seal(sealed.kmehr, credential, [own.encryptionCertificate]), keys);
  const signatureXml = signXadesBes({ content: opened.content, contentId: inputReference, contentIsXml: true, signer: { key: credential.privateKey, certificate: credential.certificate }, now });
  verifyXades({ signatureXml, content: opened.content, contentId: inputReference, contentIsXml: true });
}
