import { createHash, type X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './oids.js';
import { sameBytes } from './der.js';

/**
 * How CMS names a certificate (IssuerAndSerialNumber, or a SubjectKeyIdentifier) and how we match
 * those names against certificates we hold.
 */

// Parsing with pkijs costs about a millisecond a certificate; the sender's certificate, its chain
// and our decryption certificates are long-lived objects, so each is parsed once. Callers only read
// the parsed objects.
const parsedCertificates = new WeakMap<X509Certificate, pkijs.Certificate>();

export function pkiCertificate(certificate: X509Certificate): pkijs.Certificate {
  let parsed = parsedCertificates.get(certificate);
  if (parsed === undefined) {
    parsed = pkijs.Certificate.fromBER(certificate.raw);
    parsedCertificates.set(certificate, parsed);
  }
  return parsed;
}

/** Whether the serial number of a certificate (from Node, hexadecimal) is `serial`. */
export function hasSerial(certificate: X509Certificate, serial: asn1js.Integer): boolean {
  return /^[0-9A-Fa-f]+$/.test(certificate.serialNumber) && BigInt(`0x${certificate.serialNumber}`) === serial.toBigInt();
}

/** The eHealth keystore alias of a certificate: its serial number in decimal (Java BigInteger.toString(10)). */
export function decimalSerial(serial: asn1js.Integer): string {
  return serial.toBigInt().toString(10);
}

export function certificateDecimalSerial(certificate: X509Certificate): string {
  return decimalSerial(pkiCertificate(certificate).serialNumber);
}

export function matchesIssuerAndSerial(certificate: pkijs.Certificate, id: pkijs.IssuerAndSerialNumber): boolean {
  return certificate.serialNumber.isEqual(id.serialNumber) && certificate.issuer.isEqual(id.issuer);
}

/** The SubjectKeyIdentifier extension's value, or its RFC 5280 method (1) value when absent. */
export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === OID.subjectKeyIdentifier);
  const parsed: unknown = extension?.parsedValue;
  if (parsed instanceof asn1js.OctetString) return parsed.valueBlock.valueHexView;
  // RFC 5280 method (1), what signers use when the extension is absent.
  return createHash('sha1').update(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
}

/**
 * Whether `certificate` is the one a SignerInfo `sid` names: an IssuerAndSerialNumber, or a
 * [0] SubjectKeyIdentifier (primitive, or constructed around an OCTET STRING).
 */
export function matchesSignerId(certificate: pkijs.Certificate, sid: unknown): boolean {
  if (sid instanceof pkijs.IssuerAndSerialNumber) return matchesIssuerAndSerial(certificate, sid);
  if (!(sid instanceof asn1js.BaseBlock) || sid.idBlock.tagClass !== 3 || sid.idBlock.tagNumber !== 0) return false;
  let keyId: Uint8Array | undefined;
  if (sid instanceof asn1js.Constructed) {
    const inner: unknown = sid.valueBlock.value[0];
    if (inner instanceof asn1js.OctetString) keyId = inner.valueBlock.valueHexView;
  } else if (sid instanceof asn1js.Primitive) {
    keyId = sid.valueBlock.valueHexView;
  }
  return keyId !== undefined && keyId.byteLength > 0 && sameBytes(keyId, subjectKeyIdentifier(certificate));
}
