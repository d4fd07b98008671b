import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { pkiCertificate } from '../seal/cert-id.js';
import { parseAsn1 } from '../seal/der.js';

/**
 * The issuer of a certificate as a string distinguished name (RFC 4514, same output as RFC 2253
 * and as Java's `X500Principal.getName(RFC2253)`, which the Java connectors put in
 * `ds:X509IssuerName`): RDNs last to first, joined by ',', multi-valued RDNs joined by '+', the
 * RFC 2253 keywords for their attributes when the value is a string, otherwise the dotted OID and
 * `#` followed by the hexadecimal DER of the value.
 */
export function rfc2253IssuerName(certificate: X509Certificate): string {
  const name = parseAsn1(new Uint8Array(pkiCertificate(certificate).issuer.valueBeforeDecode), 64 * 1024);
  if (!(name instanceof asn1js.Sequence)) throw new Error('certificate issuer is not a Name');
  const rdns: string[] = [];
  for (const rdn of name.valueBlock.value) {
    if (!(rdn instanceof asn1js.Set)) throw new Error('certificate issuer has a malformed RDN');
    rdns.push(rdn.valueBlock.value.map(attributeTypeAndValue).join('+'));
  }
  return rdns.reverse().join(',');
}

const KEYWORDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

function attributeTypeAndValue(block: asn1js.AsnType): string {
  if (!(block instanceof asn1js.Sequence) || block.valueBlock.value.length !== 2) throw new Error('certificate issuer has a malformed attribute');
  const [type, value] = block.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || value === undefined) throw new Error('certificate issuer has a malformed attribute');
  const oid = type.valueBlock.toString();
  const keyword = KEYWORDS[oid];
  const text = stringValue(value);
  if (keyword !== undefined && text !== undefined) return `${keyword}=${escapeValue(text)}`;
  return `${oid}=#${Buffer.from(value.valueBeforeDecodeView).toString('hex')}`;
}

function stringValue(value: asn1js.AsnType): string | undefined {
  if (
    value instanceof asn1js.Utf8String ||
    value instanceof asn1js.PrintableString ||
    value instanceof asn1js.IA5String ||
    value instanceof asn1js.BmpString ||
    value instanceof asn1js.UniversalString ||
    value instanceof asn1js.TeletexString ||
    value instanceof asn1js.VisibleString
  ) {
    return value.valueBlock.value;
  }
  return undefined;
}

/** RFC 2253 §2.4 (and RFC 4514 §2.4 for NUL). */
function escapeValue(text: string): string {
  let escaped = text.replace(/[,+"\\<>;]/g, (char) => `\\${char}`).replace(/\0/g, '\\00');
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}
