import type { X509Certificate } from 'node:crypto';
import { sequence } from './der-writer.js';

/**
 * The parts of a certificate's DER that the seal copies into what it builds, taken as they are
 * (never re-encoded): the issuer Name and the serialNumber INTEGER, joined as the CMS
 * IssuerAndSerialNumber. Cached per certificate object: the sender's certificate and the
 * recipients' ETK certificates are long-lived.
 */

interface Element {
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads the element at `offset` of `bytes`, within `limit`; definite lengths only (DER). */
function readElement(bytes: Uint8Array, offset: number, limit: number): Element {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined || (tag & 0x1f) === 0x1f) throw new Error('certificate DER malformed');
  let cursor = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new Error('certificate DER malformed');
    length = 0;
    for (let index = 0; index < count; index += 1) {
      lengthByte = bytes[cursor];
      if (lengthByte === undefined) throw new Error('certificate DER malformed');
      length = length * 256 + lengthByte;
      cursor += 1;
    }
  }
  const end = cursor + length;
  if (end > limit) throw new Error('certificate DER malformed');
  return { tag, start: offset, contentStart: cursor, end };
}

const issuerAndSerials = new WeakMap<X509Certificate, Uint8Array>();

/** DER of IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }. */
export function issuerAndSerialNumberDer(certificate: X509Certificate): Uint8Array {
  let cached = issuerAndSerials.get(certificate);
  if (cached === undefined) {
    const raw = certificate.raw;
    const outer = readElement(raw, 0, raw.byteLength);
    const tbs = readElement(raw, outer.contentStart, outer.end);
    if (outer.tag !== 0x30 || outer.end !== raw.byteLength || tbs.tag !== 0x30) throw new Error('certificate DER malformed');
    // TBSCertificate: [0] EXPLICIT version OPTIONAL, serialNumber, signature, issuer, …
    let element = readElement(raw, tbs.contentStart, tbs.end);
    if (element.tag === 0xa0) element = readElement(raw, element.end, tbs.end);
    const serial = element;
    const signatureAlgorithm = readElement(raw, serial.end, tbs.end);
    const issuer = readElement(raw, signatureAlgorithm.end, tbs.end);
    if (serial.tag !== 0x02 || signatureAlgorithm.tag !== 0x30 || issuer.tag !== 0x30) throw new Error('certificate DER malformed');
    cached = sequence(raw.subarray(issuer.start, issuer.end), raw.subarray(serial.start, serial.end));
    issuerAndSerials.set(certificate, cached);
  }
  return cached;
}
