import type { SignatureCheck } from '../shared/domain/receipt.js';
import { t } from '../ui/i18n.js';

/**
 * A quiet note, not an error: the insurer's answer was intact and the acknowledgement (or the
 * cancellation) stands, but its signature could not be traced to this computer's trust store. The
 * reasons are kept for support, in an attribute; the signed answer is in the host's journal.
 */
export function SignatureNote({ check, short = false }: { check: SignatureCheck | undefined; short?: boolean }) {
  if (check?.status !== 'unverified') return null;
  const reasons = check.reasons.join(' ');
  return short ? (
    <span class="muted signature-note" data-testid="signature-unverified" data-reasons={reasons} title={t('insurerSignatureUnverified')}>
      {t('insurerSignatureUnverifiedShort')}
    </span>
  ) : (
    <p class="muted signature-note" role="note" data-testid="signature-unverified" data-reasons={reasons}>
      {t('insurerSignatureUnverified')}
    </p>
  );
}
