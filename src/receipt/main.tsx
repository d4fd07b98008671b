import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consultationKeySchema } from '../shared/domain/attestation.js';
import type { AttestationRecord } from '../shared/domain/receipt.js';
import { toErrorPayload, type ErrorPayload } from '../shared/errors.js';
import { askBackground } from '../ui/background.js';
import { ActsTable } from '../ui/ActsTable.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t } from '../ui/i18n.js';
import '../ui/style.css';
import './receipt.css';
import { Barcode } from './Barcode.js';

/**
 * The patient's supporting document (PROTOCOL rule 6): the insurer's acknowledgement number and its
 * barcode, the amount paid, the detail of the services (reimbursable or not), provider and patient.
 */
function SupportingDocument({ record }: { record: AttestationRecord }) {
  const locale = t('languageCode');
  const { attestation } = record;
  const provider = record.outcome?.outcome === 'acknowledged' ? record.outcome.provider : undefined;
  const providerName = [provider?.surname, provider?.givenName].filter((part) => part !== undefined).join(' ');
  if (record.acknowledgementNumber === undefined || record.status !== 'acknowledged') {
    return <p class="error" data-testid="receipt-unavailable">{t('receiptNotAcknowledged')}</p>;
  }
  return (
    <article class="receipt" data-testid="receipt">
      <h1>{t('receiptTitle')}</h1>
      <p class="muted">{t('receiptExplanation')}</p>
      <section class="ack">
        <p>{t('acknowledgementNumber')}</p>
        <p class="ack-number" data-testid="receipt-ack">
          {record.acknowledgementNumber}
        </p>
        <Barcode text={record.acknowledgementNumber} />
      </section>
      <dl>
        <dt>{t('receiptProvider')}</dt>
        <dd data-testid="receipt-provider">{provider === undefined ? '—' : `${providerName} (${t('nihiiLabel')} ${provider.nihii11})`}</dd>
        <dt>{t('receiptPatient')}</dt>
        <dd data-testid="receipt-patient">{`${attestation.patient.lastName} ${attestation.patient.firstName} (${attestation.patient.ssin})`}</dd>
        <dt>{t('careDate')}</dt>
        <dd>{attestation.careDate}</dd>
        {record.acknowledgedAt !== undefined && (
          <>
            <dt>{t('acknowledgedAt')}</dt>
            <dd>{new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(record.acknowledgedAt))}</dd>
          </>
        )}
      </dl>
      <ActsTable attestation={attestation} rowTestId="receipt-act" withReimbursable />
      <button type="button" class="no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
    </article>
  );
}

type State = { phase: 'loading' } | { phase: 'done'; record: AttestationRecord | null } | { phase: 'failed'; error: ErrorPayload };

function ReceiptPage() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  useEffect(() => {
    const key = consultationKeySchema.safeParse(new URLSearchParams(location.search).get('key'));
    if (!key.success) {
      setState({ phase: 'done', record: null });
      return;
    }
    askBackground({ type: 'attestation.record', consultationKey: key.data })
      .then(({ record }) => setState({ phase: 'done', record }))
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  }, []);
  if (state.phase === 'loading') return <p class="muted">…</p>;
  if (state.phase === 'failed') return <ErrorNotice error={state.error} />;
  if (state.record === null) return <p class="error" data-testid="receipt-unavailable">{t('receiptNotFound')}</p>;
  return <SupportingDocument record={state.record} />;
}

const root = document.getElementById('app');
if (root !== null) {
  document.documentElement.lang = t('languageCode');
  document.title = t('receiptTitle');
  render(<ReceiptPage />, root);
}
