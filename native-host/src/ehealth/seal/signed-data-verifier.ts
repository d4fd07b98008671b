import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../../../src/shared/errors.js';
import { bytesOf, octetStringValue, parseAsn1, sameBytes } from './der.js';
import { hasSerial, matchesSignerId } from './cert-id.js';
import { issuerAndSerialNumberDer } from './certificate-der.js';
import { OID } from './oids.js';
import { digest, digestAlgorithmHash, verifySignature } from './signature-algorithms.js';

/**
 * Reads and verifies a CMS SignedData with embedded content and exactly one signer: the signer's
 * certificate must travel in the SignedData and match the SignerInfo sid; with signed attributes,
 * content-type must equal eContentType, message-digest must equal the digest of the content and the
 * signature must cover the DER SET OF the attributes; without them (only for id-data), the
 * signature covers the content. Trust in the signer's certificate is the caller's business.
 *
 * Every failure is an AppError MYCARENET_BAD_ANSWER whose message names the layer (`label`) and
 * the check, never data.
 */

export interface VerifiedSignedData {
  content: Uint8Array;
  contentType: string;
  signer: X509Certificate;
  signingTime?: Date;
}

function refuse(label: string, reason: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `${label}: ${reason}.`);
}

function isCertificatesField(element: asn1js.AsnType): element is asn1js.Constructed {
  return element instanceof asn1js.Constructed && element.idBlock.tagClass === 3 && element.idBlock.tagNumber === 0;
}

/**
 * Takes SignedData.certificates out of the parsed SignedData: the DER of each X.509 certificate,
 * as received. pkijs would parse every one of them (about a millisecond each); we only parse the
 * one the SignerInfo names.
 */
function takeCertificates(signedData: asn1js.Sequence): Uint8Array[] {
  const fields = signedData.valueBlock.value;
  const field = fields.find(isCertificatesField);
  signedData.valueBlock.value = fields.filter((element) => !isCertificatesField(element));
  if (field === undefined) return [];
  return field.valueBlock.value
    .filter((choice) => choice.idBlock.tagClass === 1 && choice.idBlock.tagNumber === 16)
    .map((certificate) => certificate.valueBeforeDecodeView);
}

function findSigner(certificates: readonly Uint8Array[], sid: unknown): X509Certificate | undefined {
  for (const der of certificates) {
    let certificate: X509Certificate;
    let parsed: pkijs.Certificate;
    try {
      certificate = new X509Certificate(der);
      // Cheap checks with Node's parser before the costly pkijs one: the serial first, then the
      // issuer and serial as the certificate's own bytes (byte-equal is the same name for sure).
      if (sid instanceof pkijs.IssuerAndSerialNumber) {
        if (!hasSerial(certificate, sid.serialNumber)) continue;
        if (sameBytes(new Uint8Array(sid.toSchema().toBER(false)), issuerAndSerialNumberDer(certificate))) return certificate;
      }
      parsed = pkijs.Certificate.fromBER(new Uint8Array(der));
    } catch {
      continue;
    }
    if (matchesSignerId(parsed, sid)) return certificate;
  }
  return undefined;
}

/** The single value of the one attribute of `type`; undefined if absent; throws if repeated or multi-valued. */
function singleAttributeValue(attributes: readonly pkijs.Attribute[], type: string): unknown {
  const matching = attributes.filter((attribute) => attribute.type === type);
  if (matching.length === 0) return undefined;
  const values: unknown[] = matching[0]?.values ?? [];
  if (matching.length > 1 || values.length !== 1) throw new Error('repeated attribute');
  return values[0];
}

interface SignedInput {
  data: Uint8Array;
  signingTime?: Date;
}

function checkSignedAttributes(label: string, signerInfo: pkijs.SignerInfo, eContentType: string, content: Uint8Array): SignedInput {
  const signedAttrs = signerInfo.signedAttrs;
  if (signedAttrs === undefined) {
    if (eContentType !== OID.data) throw refuse(label, 'signed attributes are missing');
    return { data: content };
  }
  const attributes = signedAttrs.attributes;
  const contentType = singleAttributeValue(attributes, OID.contentType);
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.valueBlock.toString() !== eContentType) {
    throw refuse(label, 'the content-type attribute is missing or wrong');
  }
  const messageDigest = singleAttributeValue(attributes, OID.messageDigest);
  if (!(messageDigest instanceof asn1js.OctetString)) throw refuse(label, 'the message-digest attribute is missing');
  const expected = digest(digestAlgorithmHash(signerInfo.digestAlgorithm), content);
  if (!sameBytes(octetStringValue(messageDigest), expected)) throw refuse(label, 'the content does not match its signed digest');
  const time = singleAttributeValue(attributes, OID.signingTime);
  const signingTime = time instanceof asn1js.UTCTime ? time.toDate() : undefined; // GeneralizedTime extends UTCTime
  const data = bytesOf(signedAttrs.encodedValue);
  return signingTime === undefined || Number.isNaN(signingTime.getTime()) ? { data } : { data, signingTime };
}

function parseSignedData(label: string, der: Uint8Array, maxBytes: number): { signedData: pkijs.SignedData; certificates: Uint8Array[] } {
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: parseAsn1(der, maxBytes) });
  } catch {
    throw refuse(label, 'not a CMS structure');
  }
  const schema: unknown = contentInfo.content;
  if (contentInfo.contentType !== OID.signedData || !(schema instanceof asn1js.Sequence)) throw refuse(label, 'not a CMS SignedData');
  try {
    const certificates = takeCertificates(schema);
    return { signedData: new pkijs.SignedData({ schema }), certificates };
  } catch {
    throw refuse(label, 'malformed CMS SignedData');
  }
}

export function verifySignedData(label: string, der: Uint8Array, maxBytes: number): VerifiedSignedData {
  const { signedData, certificates } = parseSignedData(label, der, maxBytes);
  const [signerInfo, ...otherSigners] = signedData.signerInfos;
  if (signerInfo === undefined || otherSigners.length > 0) throw refuse(label, 'expected exactly one signer');
  const digestOid = signerInfo.digestAlgorithm.algorithmId;
  if (!signedData.digestAlgorithms.some((algorithm) => algorithm.algorithmId === digestOid)) {
    throw refuse(label, "the signer's digest algorithm is not declared");
  }
  const eContentType = signedData.encapContentInfo.eContentType;
  const eContent: unknown = signedData.encapContentInfo.eContent;
  if (eContent === undefined) throw refuse(label, 'the content is not embedded');
  let content: Uint8Array;
  try {
    content = octetStringValue(eContent);
  } catch {
    throw refuse(label, 'malformed embedded content');
  }

  const signer = findSigner(certificates, signerInfo.sid);
  if (signer === undefined) throw refuse(label, "the signer's certificate is not included");

  let valid: boolean;
  let signed: SignedInput;
  try {
    signed = checkSignedAttributes(label, signerInfo, eContentType, content);
    valid = verifySignature(signerInfo.signatureAlgorithm, signerInfo.digestAlgorithm, signer.publicKey, signed.data, octetStringValue(signerInfo.signature));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refuse(label, 'unsupported or malformed signature');
  }
  if (!valid) throw refuse(label, 'the signature is not valid');
  const verified: VerifiedSignedData = { content, contentType: eContentType, signer };
  if (signed.signingTime !== undefined) verified.signingTime = signed.signingTime;
  return verified;
}
