import { useEffect, useState } from 'preact/hooks';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import type { HostConnection } from '../shared/extension-protocol.js';
import type { HostStatus } from '../shared/host-protocol.js';
import { askBackground } from './background.js';
import { ErrorNotice } from './ErrorNotice.js';
import { t } from './i18n.js';

type State = { phase: 'loading' } | { phase: 'done'; connection: HostConnection } | { phase: 'failed'; error: ErrorPayload };

/** The native host's state: connected with its version, or what is wrong and what to do. */
export function HostStatusView({ onStatus }: { onStatus?: (status: HostStatus) => void } = {}) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const refresh = () => {
    setState({ phase: 'loading' });
    askBackground({ type: 'host.status' })
      .then((connection) => {
        setState({ phase: 'done', connection });
        if (connection.connected) onStatus?.(connection.status);
      })
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  };
  useEffect(refresh, []);

  if (state.phase === 'loading') return <p class="muted" data-testid="host-status" data-state="loading">{t('hostConnecting')}</p>;
  const error = state.phase === 'failed' ? state.error : state.connection.connected ? undefined : state.connection.error;
  if (error !== undefined) {
    return (
      <section data-testid="host-status" data-state="error" data-error-code={error.code}>
        <ErrorNotice error={error} />
        <button type="button" onClick={refresh}>{t('retry')}</button>
      </section>
    );
  }
  if (state.phase !== 'done' || !state.connection.connected) return null;
  const { status, journalAlarm } = state.connection;
  return (
    <section data-testid="host-status" data-state="connected" data-journal={journalAlarm === undefined ? 'intact' : 'tampered'}>
      {journalAlarm !== undefined ? (
        <div data-testid="journal-alarm">
          <ErrorNotice error={journalAlarm} />
        </div>
      ) : (
        <p class="ok">
          <strong>{t('hostConnected')}</strong>
        </p>
      )}
      {status.certificate === null && (
        // First run: the host works but cannot sign in until it holds the clinician's certificate.
        <div class="error" role="alert" data-testid="first-run" data-step="certificate">
          <p>
            <strong>{t('firstRunCertificate')}</strong>
          </p>
          <p>{t('firstRunCertificate_next')}</p>
        </div>
      )}
      <dl>
        <dt>{t('hostVersion')}</dt>
        <dd data-testid="host-version">{status.hostVersion}</dd>
        <dt>{t('environment')}</dt>
        <dd data-testid="host-environment">{t(`environment_${status.environment}`)}</dd>
        <dt>{t('certificate')}</dt>
        <dd data-testid="host-certificate">
          {status.certificate === null ? t('certificateNone') : t('certificateSummary', [status.certificate.subject, String(status.certificate.daysToExpiry)])}
        </dd>
      </dl>
    </section>
  );
}
