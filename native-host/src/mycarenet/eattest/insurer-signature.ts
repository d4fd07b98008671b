import { createHash, timingSafeEqual, type X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { AppError } from '../../../../src/shared/errors.js';
import { parseAsn1 } from '../../ehealth/seal/der.js';
import { OID } from '../../ehealth/seal/oids.js';
import { verifySignedData } from '../../ehealth/seal/signed-data-verifier.js';
import { exclusiveC14n } from '../../ehealth/xades/c14n.js';
import { verifyXades, MAX_SIGNATURE_XML_BYTES, type XadesContent } from '../../ehealth/xades/xades-verify.js';
import { childElements, descendants, firstChild, textOf } from '../../ehealth/xml/dom.js';
import { EXC_C14N, NS } from '../../ehealth/xml/namespaces.js';
import { parseXml } from '../../ehealth/xml/parse.js';
import { issuedByAnchor } from '../../ehealth/xml/verify.js';

/**
 * The insurer's XAdES-T on an eAttest answer (PROTOCOL §5.3): the XAdES signature over the answer
 * (and, bound with it, our request's business content), by a certificate of the platform's CA, and
 * its RFC 3161 SignatureTimeStamp: the token's message imprint must be the hash of the canonical
 * ds:SignatureValue, and the token must be signed by a time-stamping authority of the same CA.
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
  anchors: readonly X509Certificate[];
  now: Date;
}

export interface InsurerSignature {
  signer: X509Certificate;
  timeStampedAt: Date;
  timeStampAuthority: X509Certificate;
}

function reject(message: string): never {
  throw new AppError('MYCARENET_BAD_ANSWER', `eAttest answer: ${message}`, { service: 'eattest' });
}

export function verifyInsurerSignature(input: InsurerSignatureInput): InsurerSignature {
  const verification = verifyXades({
    signatureXml: input.signatureXml,
    content: input.content.content,
    contentId: input.content.id,
    contentIsXml: input.content.isXml,
    ...(input.requestContent !== undefined ? { additionalContent: [input.requestContent] } : {}),
  });
  if (!issuedByAnchor(verification.signer, input.anchors, input.now)) reject('the insurer signature is by a certificate the platform did not issue');
  if (!verification.hasSignatureTimeStamp) reject('the insurer signature has no time-stamp (XAdES-T expected)');
  const stamp = checkSignatureTimeStamp(input.signatureXml, input.anchors, input.now);
  if (verification.signingTime !== undefined && stamp.timeStampedAt.getTime() + CLOCK_SKEW_MS < verification.signingTime.getTime()) {
    reject('the time-stamp is older than the signature');
  }
  return { signer: verification.signer, ...stamp };
}

/** The one SignatureTimeStamp's token, checked against the canonical ds:SignatureValue. */
function checkSignatureTimeStamp(signatureXml: string, anchors: readonly X509Certificate[], now: Date): Omit<InsurerSignature, 'signer'> {
  // verifyXades has parsed this same text under the same cap; parse errors cannot happen here.
  const signature = parseXml(signatureXml, MAX_SIGNATURE_XML_BYTES).documentElement;
  const stamps = descendants(signature, NS.xades, 'SignatureTimeStamp');
  const signatureValue = firstChild(signature, NS.ds, 'SignatureValue');
  if (stamps.length !== 1 || stamps[0] === undefined || signatureValue === undefined) reject('expected one SignatureTimeStamp');
  const stamp = stamps[0];
  // Without a CanonicalizationMethod XAdES means inclusive C14N; MyCareNet's signatures use exclusive C14N throughout.
  const method = firstChild(stamp, NS.ds, 'CanonicalizationMethod');
  if (method?.getAttribute('Algorithm') !== EXC_C14N || childElements(method).length > 0) reject('the time-stamp is not over exclusive C14N');
  const encapsulated = childElements(stamp, NS.xades, 'EncapsulatedTimeStamp');
  if (encapsulated.length !== 1) reject('the SignatureTimeStamp holds no single token');
  const tokenText = (textOf(encapsulated[0]) ?? '').replace(/\s+/g, '');
  if (tokenText === '' || tokenText.length > (MAX_TOKEN_BYTES * 4) / 3 || !/^[A-Za-z0-9+/]+={0,2}$/.test(tokenText)) reject('the time-stamp token is not base64');

  const token = verifySignedData('eAttest answer time-stamp', Buffer.from(tokenText, 'base64'), MAX_TOKEN_BYTES);
  if (token.contentType !== TST_INFO) reject('the time-stamp token does not hold a TSTInfo');
  let info: pkijs.TSTInfo;
  try {
    info = new pkijs.TSTInfo({ schema: parseAsn1(token.content, MAX_TOKEN_BYTES) });
  } catch {
    return reject('the time-stamp TSTInfo is malformed');
  }
  const hash = IMPRINT_HASHES.get(info.messageImprint.hashAlgorithm.algorithmId);
  if (hash === undefined) reject('the time-stamp imprint uses an algorithm that is not accepted');
  const expected = createHash(hash).update(exclusiveC14n(signatureValue), 'utf8').digest();
  const imprint = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (imprint.length !== expected.length || !timingSafeEqual(imprint, expected)) reject('the time-stamp is not over this signature value');

  const timeStampedAt = info.genTime;
  if (Number.isNaN(timeStampedAt.getTime()) || timeStampedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) reject('the time-stamp time is not plausible');
  const authority = token.signer;
  if (!extendedKeyUsages(authority).includes(TIME_STAMPING_PURPOSE)) reject('the time-stamp is not signed by a time-stamping authority');
  if (!issuedByAnchor(authority, anchors, timeStampedAt)) reject('the time-stamping authority is not issued by the platform');
  return { timeStampedAt, timeStampAuthority: authority };
}

/** Node types keyUsage as an array but gives undefined when the certificate has no extended key usage. */
function extendedKeyUsages(certificate: X509Certificate): string[] {
  const purposes: unknown = certificate.keyUsage;
  return Array.isArray(purposes) ? purposes.filter((purpose): purpose is string => typeof purpose === 'string') : [];
}
