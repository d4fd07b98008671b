import type { ErrorPayload } from '../shared/app-error.js';
import { updateAdvice } from '../shared/protocol-handshake.js';
import { HOST_DOWNLOAD_URL } from '../shared/version.js';
import { errorTexts, t } from './i18n.js';

/** The next step of an error: for a version mismatch, the side to update and to which version. */
function nextStep(error: ErrorPayload, fallback: string): { text: string; download: boolean } {
  const advice = updateAdvice(error);
  if (advice !== undefined) return { text: t(`versionUpdate_${advice.update}`, [advice.toVersion]), download: advice.update === 'host' };
  return { text: fallback, download: error.code === 'HOST_NOT_INSTALLED' };
}

/**
 * An error in the clinician's language: what happened, and what to do next (never the raw error
 * text). `compact`: on one line, for the popup's glance.
 */
export function ErrorNotice({ error, compact = false }: { error: ErrorPayload; compact?: boolean }) {
  const { what, next } = errorTexts(error.code);
  const step = nextStep(error, next);
  const download = step.download && (
    <a data-testid="host-download" href={HOST_DOWNLOAD_URL} target="_blank" rel="noopener noreferrer">
      {t('hostDownload')}
    </a>
  );
  if (compact) {
    return (
      <p class="error error-line" role="alert" data-error-code={error.code}>
        <strong>{what}</strong> <span data-testid="error-next">{step.text}</span> {download}
      </p>
    );
  }
  return (
    <div class="error" role="alert" data-error-code={error.code}>
      <p>
        <strong>{what}</strong>
      </p>
      <p data-testid="error-next">{step.text}</p>
      {download && <p>{download}</p>}
    </div>
  );
}
