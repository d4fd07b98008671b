import { HostStatusView } from '../ui/HostStatusView.js';
import { t } from '../ui/i18n.js';

/** Diagnostics, out of the popup: the host's version and environment and the certificate it signs in with. */
export function DiagnosticsView() {
  return (
    <section data-testid="diagnostics">
      <h2>{t('hostTitle')}</h2>
      <HostStatusView />
    </section>
  );
}
