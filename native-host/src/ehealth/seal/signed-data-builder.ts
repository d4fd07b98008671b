import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SigningCredential } from './credential.js';
import { derSetOrder, encode, octetString } from './der.js';
import { certificateBlock, issuerAndSerialNumber } from './cert-id.js';
import { OID } from './oids.js';
import { digest, signingScheme } from './signature-algorithms.js';

/**
 * Builds a CMS SignedData (RFC 5652 §5) with the content embedded (eContentType id-data), one
 * SignerInfo with signed attributes content-type, signing-time and message-digest, and the
 * sender's certificate and chain. Returns the DER of the ContentInfo.
 */

function signingTimeValue(time: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  // RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise.
  const year = time.getUTCFullYear();
  const whole = new Date(Math.floor(time.getTime() / 1000) * 1000);
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}

/** The signed attributes in DER order, and the DER of their SET OF (what the signature covers). */
function signedAttributes(contentDigest: Uint8Array, signingTime: Date): { attributes: pkijs.SignedAndUnsignedAttributes; toBeSigned: Uint8Array } {
  const list = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [signingTimeValue(signingTime)] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [octetString(contentDigest)] }),
  ];
  const sorted = list
    .map((attribute) => ({ attribute, der: encode(attribute.toSchema()) }))
    .sort((a, b) => derSetOrder(a.der, b.der))
    .map(({ attribute }) => attribute);
  const attributes = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted });
  const toBeSigned = encode(attributes.toSchema()).slice();
  // The signature covers the explicit SET OF tag, not the [0] IMPLICIT tag it travels under.
  toBeSigned[0] = 0x31;
  return { attributes, toBeSigned };
}

/** SignedData.certificates ([0] IMPLICIT CertificateSet): each certificate once, in DER SET OF order. */
function certificateSet(certificates: readonly X509Certificate[]): asn1js.Constructed {
  const unique = new Map<string, X509Certificate>();
  for (const certificate of certificates) unique.set(certificate.raw.toString('base64'), certificate);
  const ordered = [...unique.values()].sort((a, b) => derSetOrder(a.raw, b.raw));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: ordered.map(certificateBlock) });
}

export function buildSignedData(content: Uint8Array, sender: SigningCredential, signingTime: Date): Uint8Array {
  const scheme = signingScheme(sender.privateKey);
  const { attributes, toBeSigned } = signedAttributes(digest(scheme.hash, content), signingTime);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: issuerAndSerialNumber(sender.certificate),
    digestAlgorithm: scheme.digestAlgorithm,
    signedAttrs: attributes,
    signatureAlgorithm: scheme.signatureAlgorithm,
    signature: octetString(scheme.sign(toBeSigned)),
  });

  const encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: OID.data });
  // Set after construction: the constructor would split the value into a BER constructed string.
  encapContentInfo.eContent = octetString(content);

  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [scheme.digestAlgorithm],
    encapContentInfo,
    signerInfos: [signerInfo],
  });
  // The certificates go in as received (pkijs would parse and re-encode each one): after
  // version, digestAlgorithms and encapContentInfo.
  const schema: unknown = signedData.toSchema();
  if (!(schema instanceof asn1js.Sequence)) throw new Error('unexpected SignedData schema');
  schema.valueBlock.value.splice(3, 0, certificateSet([sender.certificate, ...sender.chain]));
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: schema });
  return encode(contentInfo.toSchema());
}
