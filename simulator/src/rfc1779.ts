import type { X509Certificate } from 'node:crypto';

/**
 * A certificate name as the eHealth STS writes and expects it: RFC 1779 as Java's
 * `X500Principal.getName(RFC1779)` makes it, most specific RDN first, ", " between RDNs, a value
 * quoted when it holds a special character (`CN="SSIN=…"`). Read from Node's one-RDN-a-line form.
 */

/** Node's short names → RFC 1779 keywords, or `OID.` forms for the attributes RFC 1779 has no keyword for. */
const KEYWORDS: Readonly<Record<string, string>> = {
  CN: 'CN',
  C: 'C',
  L: 'L',
  ST: 'ST',
  O: 'O',
  OU: 'OU',
  street: 'STREET',
  serialNumber: 'OID.2.5.4.5',
  SN: 'OID.2.5.4.4',
  GN: 'OID.2.5.4.42',
  title: 'OID.2.5.4.12',
  emailAddress: 'OID.1.2.840.113549.1.9.1',
};

function unescape2253(value: string): string {
  return value.replace(/\\([0-9A-Fa-f]{2}|.)/g, (_match, escaped: string) => (escaped.length === 2 ? String.fromCharCode(parseInt(escaped, 16)) : escaped));
}

function quote(value: string): string {
  const needsQuotes = /[,=+<>#;"\\\n]/.test(value) || value.startsWith(' ') || value.endsWith(' ') || value.includes('  ') || value === '';
  return needsQuotes ? `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"` : value;
}

export function rfc1779(nodeName: string): string {
  return nodeName
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const equals = line.indexOf('=');
      const name = line.slice(0, equals);
      return `${KEYWORDS[name] ?? name}=${quote(unescape2253(line.slice(equals + 1)))}`;
    })
    .reverse()
    .join(', ');
}

export function rfc1779Subject(certificate: X509Certificate): string {
  return rfc1779(certificate.subject);
}

export function rfc1779Issuer(certificate: X509Certificate): string {
  return rfc1779(certificate.issuer);
}
