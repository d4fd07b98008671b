import type { X509Certificate } from 'node:crypto';
import type { SigningCredential } from './credential.js';
import { cmsTime, objectIdentifier, octetString, sequence, setOf, smallInteger, tlv, TAG } from './der-writer.js';
import { issuerAndSerialNumberDer } from './certificate-der.js';
import { OID } from './oids.js';
import { digest, signingScheme } from './signature-algorithms.js';

/**
 * Builds a CMS SignedData (RFC 5652 §5) with the content embedded (eContentType id-data), one
 * SignerInfo with signed attributes content-type, signing-time and message-digest, and the
 * sender's certificate and chain. Returns the DER of the ContentInfo.
 *
 * Written directly in DER (der-writer.ts): the shape is fixed, and what varies is copied in as
 * received (certificates, issuer and serial) or is a digest, a time or a signature. openssl cms
 * and the simulator judge the result in the tests, including that every layer is canonical DER.
 */

const DATA_TYPE = objectIdentifier(OID.data);
const SIGNED_DATA_TYPE = objectIdentifier(OID.signedData);
const CONTENT_TYPE_ATTRIBUTE = objectIdentifier(OID.contentType);
const SIGNING_TIME_ATTRIBUTE = objectIdentifier(OID.signingTime);
const MESSAGE_DIGEST_ATTRIBUTE = objectIdentifier(OID.messageDigest);

function attribute(type: Uint8Array, value: Uint8Array): Uint8Array {
  return sequence(type, setOf([value]));
}

/** The DER of the signed attributes' SET OF: what the signature covers (RFC 5652 §5.4). */
function signedAttributes(contentDigest: Uint8Array, signingTime: Date): Uint8Array {
  // RFC 5652 §11.3 (UTCTime or GeneralizedTime), whole seconds.
  const whole = new Date(Math.floor(signingTime.getTime() / 1000) * 1000);
  return setOf([
    attribute(CONTENT_TYPE_ATTRIBUTE, DATA_TYPE),
    attribute(SIGNING_TIME_ATTRIBUTE, cmsTime(whole)),
    attribute(MESSAGE_DIGEST_ATTRIBUTE, octetString(contentDigest)),
  ]);
}

/** SignedData.certificates ([0] IMPLICIT CertificateSet): each certificate once, as received, in DER SET OF order. */
function certificateSet(certificates: readonly X509Certificate[]): Uint8Array {
  const unique = new Map<string, Uint8Array>();
  for (const certificate of certificates) unique.set(certificate.fingerprint256, certificate.raw);
  return tlv(TAG.context0Constructed, ...[...unique.values()].sort((a, b) => Buffer.compare(a, b)));
}

export function buildSignedData(content: Uint8Array, sender: SigningCredential, signingTime: Date): Uint8Array {
  const scheme = signingScheme(sender.privateKey);
  const toBeSigned = signedAttributes(digest(scheme.hash, content), signingTime);
  const signature = scheme.sign(toBeSigned);
  // In the SignerInfo the SET OF travels under [0] IMPLICIT: same contents, another tag.
  const signedAttrs = Buffer.from(toBeSigned);
  signedAttrs[0] = TAG.context0Constructed;

  const signerInfo = sequence(
    smallInteger(1),
    issuerAndSerialNumberDer(sender.certificate),
    scheme.digestAlgorithm,
    signedAttrs,
    scheme.signatureAlgorithm,
    octetString(signature),
  );
  const signedData = sequence(
    smallInteger(1),
    setOf([scheme.digestAlgorithm]),
    sequence(DATA_TYPE, tlv(TAG.context0Constructed, octetString(content))),
    certificateSet([sender.certificate, ...sender.chain]),
    setOf([signerInfo]),
  );
  return sequence(SIGNED_DATA_TYPE, tlv(TAG.context0Constructed, signedData));
}
