import type { ErrorPayload } from '../shared/app-error.js';
import { errorTexts } from './i18n.js';

/** An error in the clinician's language: what happened, and what to do next. */
export function ErrorNotice({ error }: { error: ErrorPayload }) {
  const { what, next } = errorTexts(error.code);
  return (
    <div class="error" role="alert" data-error-code={error.code}>
      <p>
        <strong>{what}</strong>
      </p>
      <p>{next}</p>
    </div>
  );
}
