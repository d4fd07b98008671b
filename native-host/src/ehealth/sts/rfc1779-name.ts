import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { pkiCertificate } from '../seal/cert-id.js';
import { parseAsn1 } from '../seal/der.js';

/**
 * A certificate's subject or issuer in the RFC 1779 form Java writes with
 * `X500Principal.getName(X500Principal.RFC1779)`, which the connectors put in the STS request and
 * the STS itself answers with: RDNs most specific first joined by ", ", multi-valued RDNs by " + ",
 * the RFC 1779 keywords (CN, C, L, ST, O, OU, STREET) and `OID.<dotted>` for the others, and a value
 * quoted when it holds one of `,=+<>#;\"` or a line break, or starts or ends with a space — so an
 * eHealth certificate's `CN=SSIN=…` is written `CN="SSIN=…"`.
 */
export function rfc1779Name(certificate: X509Certificate, which: 'subject' | 'issuer'): string {
  const parsed = pkiCertificate(certificate);
  const name = parseAsn1(new Uint8Array((which === 'subject' ? parsed.subject : parsed.issuer).valueBeforeDecode), 64 * 1024);
  if (!(name instanceof asn1js.Sequence)) throw new Error(`certificate ${which} is not a Name`);
  const rdns: string[] = [];
  for (const rdn of name.valueBlock.value) {
    if (!(rdn instanceof asn1js.Set)) throw new Error(`certificate ${which} has a malformed RDN`);
    rdns.push(rdn.valueBlock.value.map(attributeTypeAndValue).join(' + '));
  }
  return rdns.reverse().join(', ');
}

const KEYWORDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

function attributeTypeAndValue(block: asn1js.AsnType): string {
  if (!(block instanceof asn1js.Sequence) || block.valueBlock.value.length !== 2) throw new Error('certificate name has a malformed attribute');
  const [type, value] = block.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || value === undefined) throw new Error('certificate name has a malformed attribute');
  const oid = type.valueBlock.toString();
  const keyword = KEYWORDS[oid] ?? `OID.${oid}`;
  const text = stringValue(value);
  return text === undefined ? `${keyword}=#${Buffer.from(value.valueBeforeDecodeView).toString('hex')}` : `${keyword}=${quoted(text)}`;
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

/** Java's RFC 1779 quoting: the whole value in quotes when needed, `"` and `\` escaped inside. */
function quoted(text: string): string {
  const escaped = text.replace(/["\\]/g, (char) => `\\${char}`);
  const needsQuotes = /[,=+<>#;"\\\n]/.test(text) || text.startsWith(' ') || text.endsWith(' ') || text.includes('  ') || text === '';
  return needsQuotes ? `"${escaped}"` : escaped;
}
