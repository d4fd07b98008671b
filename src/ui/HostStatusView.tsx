import { useEffect, useState } from 'preact/hooks';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import type { HostConnection } from '../shared/extension-protocol.js';
import type { HostStatus } from '../shared/host-protocol.js';
import { askBackground } from './background.js';
import { ErrorNotice } from './ErrorNotice.js';
import { t } from './i18n.js';

type State = { phase: 'loading' } | { phase: 'done'; connection: HostConnection } | { phase: 'failed'; error: ErrorPayload };

/** The native host's state, asked once as the page opens; `refresh` asks again. */
function useHostConnection(onStatus?: (status: HostStatus) => void): { state: State; error: ErrorPayload | undefined; refresh: () => void } {
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
  const error = state.phase === 'failed' ? state.error : state.phase === 'done' && !state.connection.connected ? state.connection.error : undefined;
  return { state, error, refresh };
}

/** First run: the host works but cannot sign in until it holds the clinician's certificate. */
function FirstRunCertificate({ compact }: { compact: boolean }) {
  return compact ? (
    <p class="error error-line" role="alert" data-testid="first-run" data-step="certificate">
      <strong>{t('firstRunCertificate')}</strong> {t('firstRunCertificate_next')}
    </p>
  ) : (
    <div class="error" role="alert" data-testid="first-run" data-step="certificate">
      <p>
        <strong>{t('firstRunCertificate')}</strong>
      </p>
      <p>{t('firstRunCertificate_next')}</p>
    </div>
  );
}

/** The native host's state: connected with its version, or what is wrong and what to do (the options page's diagnostics). */
export function HostStatusView({ onStatus }: { onStatus?: (status: HostStatus) => void } = {}) {
  const { state, error, refresh } = useHostConnection(onStatus);
  if (state.phase === 'loading') return <p class="muted" data-testid="host-status" data-state="loading">{t('hostConnecting')}</p>;
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
      {status.certificate === null && <FirstRunCertificate compact={false} />}
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

/**
 * The popup's host status: a dot, green when the host is connected with a certificate and an intact
 * journal, else red with one line of what to do (the same guidance as the options page, which has
 * the diagnostics: versions, environment, certificate).
 */
export function HostStatusDot({ onStatus }: { onStatus?: (status: HostStatus) => void } = {}) {
  const { state, error } = useHostConnection(onStatus);
  const connection = state.phase === 'done' && state.connection.connected ? state.connection : undefined;
  const problem = error !== undefined || connection?.journalAlarm !== undefined || connection?.status.certificate === null;
  const tone = state.phase === 'loading' ? 'pending' : problem ? 'stop' : 'ok';
  const label = state.phase === 'loading' ? t('hostConnecting') : problem ? t('glanceHostProblem') : t('hostConnected');
  return (
    <div
      class="host-dot-line"
      data-testid="host-status"
      data-state={state.phase === 'loading' ? 'loading' : error !== undefined ? 'error' : 'connected'}
      data-error-code={error?.code}
      data-journal={connection === undefined ? undefined : connection.journalAlarm === undefined ? 'intact' : 'tampered'}
    >
      <span class={`host-dot host-dot-${tone}`} role="img" aria-label={label} title={label} data-testid="host-dot" data-tone={tone} />
      {error !== undefined && <ErrorNotice error={error} compact />}
      {connection?.journalAlarm !== undefined && (
        <div data-testid="journal-alarm">
          <ErrorNotice error={connection.journalAlarm} compact />
        </div>
      )}
      {connection?.journalAlarm === undefined && connection?.status.certificate === null && <FirstRunCertificate compact />}
    </div>
  );
}
