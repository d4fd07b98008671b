import { createHash, timingSafeEqual, type X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { cbeSchema } from '../../../../src/shared/domain/identifiers.js';
import type { SignatureCheck, UnverifiedReason } from '../../../../src/shared/domain/receipt.js';
import { AppError } from '../../../../src/shared/errors.js';
import { holderValues } from '../../certificate/identity.js';
import { parseAsn1 } from '../../ehealth/seal/der.js';
import { OID } from '../../ehealth/seal/oids.js';
import { verifySignedData } from '../../ehealth/seal/signed-data-verifier.js';
import { exclusiveC14n } from '../../ehealth/xades/c14n.js';
import { verifyXades, MAX_SIGNATURE_XML_BYTES, type XadesContent } from '../../ehealth/xades/xades-verify.js';
import { childElements, descendants, firstChild, textOf } from '../../ehealth/xml/dom.js';
import { EXC_C14N, NS } from '../../ehealth/xml/namespaces.js';
import { parseXml } from '../../ehealth/xml/parse.js';
import { chainsToAnchor } from '../../ehealth/trust/certificate-path.js';

/**
 * The insurer's XAdES-T on an eAttest answer (PROTOCOL §5.3), judged in two tiers.
 *
 * Integrity decides whether the answer is the insurer's at all, and a failure refuses it
 * (MYCARENET_BAD_ANSWER): the XAdES signature value and every reference digest verify with the
 * certificate the answer carries, and that certificate is of the kind that signs answers (an
 * organisation's, named by its CBE number, not a person's, a CA's or a time-stamping authority's).
 *
 * Trust decides whether we could also prove it to a third party, and a failure only qualifies it
 * (`unverified` with reasons): the signer chains to an anchor of the environment's trust store and
 * was valid when signing, and the RFC 3161 SignatureTimeStamp is there, reads, covers the canonical
 * ds:SignatureValue and is signed by a time-stamping authority of the trust store. An unknown CA
 * or a time-stamp we cannot judge must not turn an acknowledged eAttest into an unknown outcome:
 * the insurer did answer, intact, and the answer is journaled as evidence for a later check.
 */

const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const TIME_STAMPING_PURPOSE = '1.3.6.1.5.5.7.3.8';
const MAX_TOKEN_BYTES = 64 * 1024;
const CLOCK_SKEW_MS = 5 * 60_000;
const IMPRINT_HASHES: ReadonlyMap<string, 'sha256' | 'sha384' | 'sha512'> = new Map([
  [OID.sha256, 'sha256'],
  [OID.sha384, 'sha384'],
  [OID.sha512, 'sha512'],
]);

export interface InsurerSignatureInput {
  signatureXml: string;
  content: XadesContent;
  /** Our request's BusinessContent, which the insurer's signature may also cover. */
  requestContent?: XadesContent;
  /** The environment's trust store: the CAs of the platform's signing certificates and time-stamping authorities. */
  anchors: readonly X509Certificate[];
  now: Date;
}

export interface InsurerSignature {
  signer: X509Certificate;
  check: SignatureCheck;
  /** The time-stamp's time, when the time-stamp itself verified (whatever the signer's trust). */
  timeStampedAt?: Date;
  timeStampAuthority?: X509Certificate;
}

function reject(message: string): never {
  throw new AppError('MYCARENET_BAD_ANSWER', `eAttest answer: ${message}`, { service: 'eattest' });
}

/** Throws MYCARENET_BAD_ANSWER when the answer is not intact or not signed by an answer signer; otherwise says how far it is trusted. */
export function verifyInsurerSignature(input: InsurerSignatureInput): InsurerSignature {
  const verification = verifyXades({
    signatureXml: input.signatureXml,
    content: input.content.content,
    contentId: input.content.id,
    contentIsXml: input.content.isXml,
    ...(input.requestContent !== undefined ? { additionalContent: [input.requestContent] } : {}),
  });
  const signer = verification.signer;
  checkSignerKind(signer);

  const reasons = new Set<UnverifiedReason>();
  const stamp = verification.hasSignatureTimeStamp ? judgeSignatureTimeStamp(input.signatureXml, input.anchors, input.now) : { reasons: ['timestamp-missing' as const] };
  for (const reason of stamp.reasons) reasons.add(reason);
  if (stamp.timeStampedAt !== undefined && verification.signingTime !== undefined && stamp.timeStampedAt.getTime() + CLOCK_SKEW_MS < verification.signingTime.getTime()) {
    reasons.add('timestamp-time-implausible');
  }
  // The signer must have been valid when it signed: the time-stamp proves when; without one, now.
  const signedBy = stamp.timeStampedAt ?? input.now;
  const path = chainsToAnchor(signer, verification.otherCertificates, input.anchors, signedBy);
  if (path === 'untrusted') reasons.add('signer-untrusted');
  else if (path === 'expired') reasons.add('signer-expired');

  const check: SignatureCheck = reasons.size === 0 ? { status: 'verified' } : { status: 'unverified', reasons: [...reasons] };
  return {
    signer,
    check,
    ...(stamp.timeStampedAt !== undefined ? { timeStampedAt: stamp.timeStampedAt } : {}),
    ...(stamp.authority !== undefined ? { timeStampAuthority: stamp.authority } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Integrity: who may sign an answer at all

/**
 * The answers are signed by MyCareNet or the insurer with an organisation certificate of the
 * eHealth PKI, whose subject names the organisation by its CBE number (`OU=CBE=0820563481`,
 * `CN="CBE=0820563481, MYCARENET"`, PROTOCOL §3). A person's certificate (`SSIN=`) — a clinician's,
 * even from the platform's own CA — a CA certificate or a time-stamping authority's is not the
 * insurer speaking, whatever CA issued it: the answer is refused.
 */
function checkSignerKind(signer: X509Certificate): void {
  if (signer.ca) reject('the insurer signature is by a CA certificate');
  const purposes = extendedKeyUsages(signer);
  if (purposes.length > 0 && purposes.every((purpose) => purpose === TIME_STAMPING_PURPOSE)) reject('the insurer signature is by a time-stamping certificate');
  const values = holderValues(signer);
  if (values.some((value) => /(^|[\s,"])SSIN=/.test(value))) reject('the insurer signature is by a personal certificate, not the insurer’s');
  const cbe = values.map((value) => /^"?CBE=(\d{10})\b/.exec(value)?.[1]).find((number) => number !== undefined);
  if (cbe === undefined || !cbeSchema.safeParse(cbe).success) reject('the insurer signature is not by an organisation certificate named by its CBE number');
}


// ---------------------------------------------------------------------------------------------
// Trust: the time-stamp

interface StampJudgement {
  reasons: UnverifiedReason[];
  timeStampedAt?: Date;
  authority?: X509Certificate;
}

/** Reads the token at all; any failure here means a time-stamp we cannot judge. */
class StampUnreadable extends Error {
  override readonly name = 'StampUnreadable';
}

/** The one SignatureTimeStamp's token, judged against the canonical ds:SignatureValue. */
function judgeSignatureTimeStamp(signatureXml: string, anchors: readonly X509Certificate[], now: Date): StampJudgement {
  let token: ReturnType<typeof verifySignedData>;
  let info: pkijs.TSTInfo;
  let signatureValue: Element;
  try {
    ({ token, info, signatureValue } = readStamp(signatureXml));
  } catch (error) {
    if (error instanceof StampUnreadable || error instanceof AppError) return { reasons: ['timestamp-unreadable'] };
    throw error;
  }
  const hash = IMPRINT_HASHES.get(info.messageImprint.hashAlgorithm.algorithmId);
  if (hash === undefined) return { reasons: ['timestamp-unreadable'] };
  const expected = createHash(hash).update(exclusiveC14n(signatureValue), 'utf8').digest();
  const imprint = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (imprint.length !== expected.length || !timingSafeEqual(imprint, expected)) return { reasons: ['timestamp-not-over-signature'] };

  const reasons: UnverifiedReason[] = [];
  const timeStampedAt = info.genTime;
  const plausible = !Number.isNaN(timeStampedAt.getTime()) && timeStampedAt.getTime() <= now.getTime() + CLOCK_SKEW_MS;
  if (!plausible) reasons.push('timestamp-time-implausible');
  const authority = token.signer;
  const isAuthority = extendedKeyUsages(authority).includes(TIME_STAMPING_PURPOSE);
  if (!isAuthority || chainsToAnchor(authority, [], anchors, plausible ? timeStampedAt : now) !== 'trusted') reasons.push('timestamp-authority-untrusted');
  return { reasons, authority, ...(reasons.length === 0 ? { timeStampedAt } : {}) };
}

function readStamp(signatureXml: string): { token: ReturnType<typeof verifySignedData>; info: pkijs.TSTInfo; signatureValue: Element } {
  const unreadable = (message: string): never => {
    throw new StampUnreadable(message);
  };
  // verifyXades has parsed this same text under the same cap; parse errors cannot happen here.
  const signature = parseXml(signatureXml, MAX_SIGNATURE_XML_BYTES).documentElement;
  const stamps = descendants(signature, NS.xades, 'SignatureTimeStamp');
  const signatureValue = firstChild(signature, NS.ds, 'SignatureValue');
  if (stamps.length !== 1 || stamps[0] === undefined || signatureValue === undefined) return unreadable('expected one SignatureTimeStamp');
  const stamp = stamps[0];
  // Without a CanonicalizationMethod XAdES means inclusive C14N; MyCareNet's signatures use exclusive C14N throughout.
  const method = firstChild(stamp, NS.ds, 'CanonicalizationMethod');
  if (method?.getAttribute('Algorithm') !== EXC_C14N || childElements(method).length > 0) return unreadable('the time-stamp is not over exclusive C14N');
  const encapsulated = childElements(stamp, NS.xades, 'EncapsulatedTimeStamp');
  if (encapsulated.length !== 1) return unreadable('the SignatureTimeStamp holds no single token');
  const tokenText = (textOf(encapsulated[0]) ?? '').replace(/\s+/g, '');
  if (tokenText === '' || tokenText.length > (MAX_TOKEN_BYTES * 4) / 3 || !/^[A-Za-z0-9+/]+={0,2}$/.test(tokenText)) return unreadable('the time-stamp token is not base64');

  const token = verifySignedData('eAttest answer time-stamp', Buffer.from(tokenText, 'base64'), MAX_TOKEN_BYTES);
  if (token.contentType !== TST_INFO) return unreadable('the time-stamp token does not hold a TSTInfo');
  try {
    return { token, info: new pkijs.TSTInfo({ schema: parseAsn1(token.content, MAX_TOKEN_BYTES) }), signatureValue };
  } catch {
    return unreadable('the time-stamp TSTInfo is malformed');
  }
}

/** Node types keyUsage as an array but gives undefined when the certificate has no extended key usage. */
function extendedKeyUsages(certificate: X509Certificate): string[] {
  const purposes: unknown = certificate.keyUsage;
  return Array.isArray(purposes) ? purposes.filter((purpose): purpose is string => typeof purpose === 'string') : [];
}
