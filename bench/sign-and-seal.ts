import { createCipheriv, createHash, createPrivateKey, publicEncrypt, randomBytes, sign, X509Certificate, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seal } from '../native-host/src/ehealth/seal/seal.js';
import type { SigningCredential } from '../native-host/src/ehealth/seal/credential.js';
import { signXadesBes } from '../native-host/src/ehealth/xades/xades-bes.js';
import { encryptedKnownContent } from '../native-host/src/mycarenet/commons/encrypted-known-content.js';
import { attestationKmehr } from '../native-host/src/mycarenet/eattest/kmehr-attestation.js';
import type { TestPki } from '../simulator/pki/test-pki.js';
import type { Attestation } from '../src/shared/domain/attestation.js';
import { brusselsDate } from '../src/shared/domain/calendar.js';
import { ratio, summarize, timeRuns, type Summary } from './stats.js';

/**
 * Figure 4: the host's own signing and sealing of one attestation (kmehr → XAdES-BES → known
 * content → ETEE seal for MyCareNet) against the raw private- and public-key operations that work
 * needs, in the same process: three RSA signatures (XAdES SignedInfo, inner and outer CMS
 * SignedData), one RSA key transport and the AES-128-CBC of the content.
 */

export interface SignAndSealFigures {
  signAndSealPerAttestationMs: Summary;
  rawOperationsMs: Summary;
  signAndSealRatio: number;
  businessContentBytes: number;
}

/** A kmehr the size of a real send: a GP's consultation with three acts. */
function kmehrOfThreeActs(pki: TestPki, now: Date): Uint8Array {
  const careDate = brusselsDate(now);
  const identity = pki.clinicians.doctorRsa.identity;
  const attestation: Attestation = {
    patient: { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' },
    careDate,
    patientPaidCents: 2700,
    acts: ['101010', '475075', '101032'].map((code) => ({ code, quantity: 1, serviceDate: careDate, amountPaidCents: 900 })),
  };
  return attestationKmehr({ provider: { nihii11: identity.nihii11, ssin: identity.ssin, profession: identity.profession, givenName: identity.givenName, surname: identity.surname }, reference: 'bench0000000000001', now }, attestation);
}

export async function measureSignAndSeal(options: { iterations: number; pki: TestPki }): Promise<SignAndSealFigures> {
  const { pki } = options;
  const clinician = pki.clinicians.doctorRsa;
  const credential: SigningCredential = {
    privateKey: createPrivateKey(readFileSync(clinician.authKey, 'utf8')),
    certificate: new X509Certificate(readFileSync(clinician.authCert)),
    chain: [new X509Certificate(readFileSync(pki.caCert))],
  };
  const mycarenet = new X509Certificate(readFileSync(pki.mycarenet.enc.cert));
  const ownEtk = readFileSync(clinician.etk);
  const now = new Date();
  const kmehr = kmehrOfThreeActs(pki, now);

  const signAndSeal = async (): Promise<Uint8Array> => {
    const id = `_${randomBytes(16).toString('hex')}`;
    const xades = signXadesBes({ content: kmehr, contentId: id, contentIsXml: true, signer: { key: credential.privateKey, certificate: credential.certificate }, now });
    const known = encryptedKnownContent({ replyToEtk: ownEtk, businessContent: kmehr, id, xades });
    return seal(known, credential, [mycarenet]);
  };
  // The same cryptography with nothing around it: what no implementation can avoid.
  const knownSize = encryptedKnownContent({ replyToEtk: ownEtk, businessContent: kmehr, id: '_x', xades: signXadesBes({ content: kmehr, contentId: '_x', contentIsXml: true, signer: { key: credential.privateKey, certificate: credential.certificate }, now }) }).byteLength;
  const plaintext = randomBytes(knownSize);
  const rawOperations = (): Promise<void> => {
    for (let signature = 0; signature < 3; signature += 1) {
      createHash('sha256').update(plaintext).digest();
      sign('sha256', plaintext.subarray(0, 512), { key: credential.privateKey, padding: constants.RSA_PKCS1_PADDING });
    }
    const key = randomBytes(16);
    publicEncrypt({ key: mycarenet.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
    const cipher = createCipheriv('aes-128-cbc', key, randomBytes(16));
    Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Promise.resolve();
  };

  // Warm both paths (JIT, lazy module state) before timing: enough runs for V8 to optimise the hot
  // functions, so that a --quick run's few samples measure the same steady state as a full run.
  for (let run = 0; run < 60; run += 1) {
    await signAndSeal();
    await rawOperations();
  }
  const full: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < options.iterations; run += 1) {
    full.push(...(await timeRuns(1, signAndSeal)));
    raw.push(...(await timeRuns(1, rawOperations)));
  }
  const fullSummary = summarize(full);
  const rawSummary = summarize(raw);
  return {
    signAndSealPerAttestationMs: fullSummary,
    rawOperationsMs: rawSummary,
    signAndSealRatio: ratio(fullSummary.median, rawSummary.median),
    businessContentBytes: kmehr.byteLength,
  };
}
