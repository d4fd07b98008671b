import type { X509Certificate } from 'node:crypto';

/**
 * Whether a certificate chains to one of the trust store's anchors: issued by an anchor, or by an
 * intermediate CA the message itself carries (a KeyInfo chain) that is in turn issued by one. An
 * anchor may be a root or an issuing CA, and a pinned end certificate counts as its own anchor.
 * Every certificate on the path must be valid at `at` (for a time-stamped signature, the
 * time-stamp's time); a path that only fails that is `expired`, none at all `untrusted`.
 * Revocation is not checked (the platform publishes no CRL or OCSP endpoint we could rely on).
 */

export type PathVerdict = 'trusted' | 'expired' | 'untrusted';

const MAX_DEPTH = 4;

function validAt(certificate: X509Certificate, time: number): boolean {
  return time >= Date.parse(certificate.validFrom) && time <= Date.parse(certificate.validTo);
}

function issues(issuer: X509Certificate, subject: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function chainsToAnchor(certificate: X509Certificate, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date): PathVerdict {
  const time = at.getTime();
  let best: PathVerdict = 'untrusted';
  const walk = (current: X509Certificate, depth: number, allValid: boolean, seen: ReadonlySet<string>): void => {
    const valid = allValid && validAt(current, time);
    for (const anchor of anchors) {
      const pinned = anchor.fingerprint256 === current.fingerprint256;
      if (pinned || issues(anchor, current)) {
        if (valid && (pinned || validAt(anchor, time))) best = 'trusted';
        else if (best === 'untrusted') best = 'expired';
        if (best === 'trusted') return;
      }
    }
    if (depth >= MAX_DEPTH) return;
    for (const intermediate of intermediates) {
      if (best === 'trusted') return;
      if (!intermediate.ca || seen.has(intermediate.fingerprint256) || !issues(intermediate, current)) continue;
      walk(intermediate, depth + 1, valid, new Set([...seen, intermediate.fingerprint256]));
    }
  };
  walk(certificate, 0, true, new Set([certificate.fingerprint256]));
  return best;
}
