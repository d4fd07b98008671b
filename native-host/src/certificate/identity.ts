import type { X509Certificate } from 'node:crypto';
import type { CertificateSummary } from '../../../src/shared/host-protocol.js';

/** What a personal eHealth certificate says about its holder (PROTOCOL §3: the SSIN, never the NIHII). */

const DAY_MS = 24 * 3600_000;
export const EXPIRY_WARNING_DAYS = 90;

/** The subject's attributes as Node prints them (one `TYPE=value` a line, a comma in a value escaped), values unescaped. */
function subjectAttributes(certificate: X509Certificate): { type: string; value: string }[] {
  return certificate.subject.split('\n').flatMap((line) => {
    const at = line.indexOf('=');
    return at < 0 ? [] : [{ type: line.slice(0, at), value: line.slice(at + 1).replace(/\\(.)/g, '$1') }];
  });
}

/** The values of the subject's attributes of these types, in order. */
function subjectValues(certificate: X509Certificate, ...types: string[]): string[] {
  return subjectAttributes(certificate)
    .filter((attribute) => types.includes(attribute.type))
    .map((attribute) => attribute.value);
}

export function ssinOf(certificate: X509Certificate): string | undefined {
  const ssin = (type: string) => subjectValues(certificate, type).map((value) => /^SSIN=(\d{11})$/.exec(value)?.[1]).find((found) => found !== undefined);
  return ssin('CN') ?? ssin('OU');
}

/** The OU and CN values of the subject: where eHealth certificates name their holder. */
export function holderValues(certificate: X509Certificate): string[] {
  return subjectValues(certificate, 'OU', 'CN');
}

/**
 * Who the certificate belongs to: a person (the SSIN of a personal eHealth certificate), or an
 * organisation, named in an `OU=<TYPE>=<number>` as FHC's CertificateParser reads it (PROTOCOL §3).
 * A guard post's certificate is assumed to carry `OU=NIHII-GUARDPOST=<its NIHII>` [I]: the
 * references read any such type, and none shows a guard post's subject.
 */
export type CertificateHolder = { kind: 'person'; ssin: string } | { kind: 'organisation'; type: string; id: string };

export const GUARD_POST_IDENTIFIER = 'NIHII-GUARDPOST';

export function holderOf(certificate: X509Certificate): CertificateHolder | undefined {
  const ssin = ssinOf(certificate);
  if (ssin !== undefined) return { kind: 'person', ssin };
  const match = subjectValues(certificate, 'OU')
    .map((value) => /^([A-Z_-]+)=(\d{8,11})$/.exec(value))
    .find((found) => found !== null && found[1] !== 'CBE');
  return match?.[1] === undefined || match[2] === undefined ? undefined : { kind: 'organisation', type: match[1], id: match[2] };
}

/** The certificate's identifier as the STS claims and the ETK depot look it up. */
export function holderIdentifier(holder: CertificateHolder): { type: string; value: string } {
  return holder.kind === 'person' ? { type: 'SSIN', value: holder.ssin } : { type: holder.type, value: holder.id };
}

/** The holder's name as the certificate's free OU carries it (not the SSIN, the platform or the government OUs). */
export function holderNameOf(certificate: X509Certificate): string | undefined {
  return subjectValues(certificate, 'OU').find((value) => !/^[A-Z_-]+=\d+$/.test(value) && value !== 'eHealth-platform Belgium' && value !== 'Federal Government');
}

export function summarize(certificate: X509Certificate, now: Date): CertificateSummary {
  const holder = holderOf(certificate);
  if (holder === undefined) throw new Error('not an eHealth certificate (no SSIN and no organisation number in the subject)');
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    subject: certificate.subject.split('\n').reverse().join(', '),
    ...(holder.kind === 'person' ? { ssin: holder.ssin } : { organisation: { type: holder.type, id: holder.id } }),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysToExpiry: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

/** Recomputes the days to expiry of a stored summary. */
export function withDaysToExpiry(summary: CertificateSummary, now: Date): CertificateSummary {
  return { ...summary, daysToExpiry: Math.floor((Date.parse(summary.notAfter) - now.getTime()) / DAY_MS) };
}
