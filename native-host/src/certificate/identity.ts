import type { X509Certificate } from 'node:crypto';
import type { CertificateSummary } from '../../../src/shared/host-protocol.js';

/** What a personal eHealth certificate says about its holder (PROTOCOL §3: the SSIN, never the NIHII). */

const DAY_MS = 24 * 3600_000;
export const EXPIRY_WARNING_DAYS = 90;

export function ssinOf(certificate: X509Certificate): string | undefined {
  const parts = certificate.subject.split('\n');
  const fromCn = parts.map((part) => /^CN=SSIN=(\d{11})$/.exec(part)?.[1]).find((value) => value !== undefined);
  return fromCn ?? parts.map((part) => /^OU=SSIN=(\d{11})$/.exec(part)?.[1]).find((value) => value !== undefined);
}

/** The holder's name as the certificate's free OU carries it (not the SSIN, the platform or the government OUs). */
export function holderNameOf(certificate: X509Certificate): string | undefined {
  return certificate.subject
    .split('\n')
    .filter((part) => part.startsWith('OU='))
    .map((part) => part.slice(3))
    .find((value) => !/^[A-Z_-]+=\d+$/.test(value) && value !== 'eHealth-platform Belgium' && value !== 'Federal Government');
}

export function summarize(certificate: X509Certificate, now: Date): CertificateSummary {
  const ssin = ssinOf(certificate);
  if (ssin === undefined) throw new Error('not a personal eHealth certificate (no SSIN in the subject)');
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  return {
    subject: certificate.subject.split('\n').reverse().join(', '),
    ssin,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysToExpiry: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

/** Recomputes the days to expiry of a stored summary. */
export function withDaysToExpiry(summary: CertificateSummary, now: Date): CertificateSummary {
  return { ...summary, daysToExpiry: Math.floor((Date.parse(summary.notAfter) - now.getTime()) / DAY_MS) };
}
