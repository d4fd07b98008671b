import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { pkiCertificate } from './seal/cert-id.js';
import { parseAsn1 } from './seal/der.js';

/**
 * A certificate's subject or issuer as a string, in the two forms Java's `X500Principal.getName`
 * writes and the eHealth stack expects: RDNs most specific first, multi-valued RDNs joined.
 * - RFC 2253 (same as RFC 4514), what the connectors put in `ds:X509IssuerName`: joined by ',' and
 *   '+', values escaped with '\', an attribute without a keyword (or not a string) as its dotted OID
 *   and `#` with the hex DER of the value.
 * - RFC 1779, what the connectors put in the STS request and the STS answers with: joined by ', '
 *   and ' + ', `OID.<dotted>` for attributes without a keyword, a value quoted when it holds one of
 *   `,=+<>#;\"` or a line break or starts or ends with a space, so that `CN=SSIN=…` is `CN="SSIN=…"`.
 */
export type NameForm = 'rfc2253' | 'rfc1779';

interface FormRules {
  keywords: Readonly<Record<string, string>>;
  rdnSeparator: string;
  multiValueSeparator: string;
  attribute: (oid: string, keyword: string | undefined, text: string | undefined, der: string) => string;
}

const RFC1779_KEYWORDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

const FORMS: Readonly<Record<NameForm, FormRules>> = {
  rfc2253: {
    keywords: { ...RFC1779_KEYWORDS, '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC' },
    rdnSeparator: ',',
    multiValueSeparator: '+',
    attribute: (oid, keyword, text, der) => (keyword !== undefined && text !== undefined ? `${keyword}=${rfc2253Escaped(text)}` : `${oid}=#${der}`),
  },
  rfc1779: {
    keywords: RFC1779_KEYWORDS,
    rdnSeparator: ', ',
    multiValueSeparator: ' + ',
    attribute: (oid, keyword, text, der) => `${keyword ?? `OID.${oid}`}=${text === undefined ? `#${der}` : rfc1779Quoted(text)}`,
  },
};

export function certificateName(certificate: X509Certificate, which: 'subject' | 'issuer', form: NameForm): string {
  const parsed = pkiCertificate(certificate);
  const name = parseAsn1(new Uint8Array((which === 'subject' ? parsed.subject : parsed.issuer).valueBeforeDecode), 64 * 1024);
  if (!(name instanceof asn1js.Sequence)) throw new Error(`certificate ${which} is not a Name`);
  const rules = FORMS[form];
  const rdns: string[] = [];
  for (const rdn of name.valueBlock.value) {
    if (!(rdn instanceof asn1js.Set)) throw new Error(`certificate ${which} has a malformed RDN`);
    rdns.push(rdn.valueBlock.value.map((block) => attributeTypeAndValue(block, rules, which)).join(rules.multiValueSeparator));
  }
  return rdns.reverse().join(rules.rdnSeparator);
}

function attributeTypeAndValue(block: asn1js.AsnType, rules: FormRules, which: string): string {
  if (!(block instanceof asn1js.Sequence) || block.valueBlock.value.length !== 2) throw new Error(`certificate ${which} has a malformed attribute`);
  const [type, value] = block.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || value === undefined) throw new Error(`certificate ${which} has a malformed attribute`);
  const oid = type.valueBlock.toString();
  return rules.attribute(oid, rules.keywords[oid], stringValue(value), Buffer.from(value.valueBeforeDecodeView).toString('hex'));
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
function rfc2253Escaped(text: string): string {
  let escaped = text.replace(/[,+"\\<>;]/g, (char) => `\\${char}`).replace(/\0/g, '\\00');
  if (escaped.startsWith('#') || escaped.startsWith(' ')) escaped = `\\${escaped}`;
  if (escaped.endsWith(' ') && !escaped.endsWith('\\ ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}

/** Java's RFC 1779 quoting: the whole value in quotes when needed, `"` and `\` escaped inside. */
function rfc1779Quoted(text: string): string {
  const escaped = text.replace(/["\\]/g, (char) => `\\${char}`);
  const needsQuotes = /[,=+<>#;"\\\n]/.test(text) || text.startsWith(' ') || text.endsWith(' ') || text.includes('  ') || text === '';
  return needsQuotes ? `"${escaped}"` : escaped;
}
