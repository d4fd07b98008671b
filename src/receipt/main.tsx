import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consultationKeySchema } from '../shared/domain/attestation.js';
import { belgianDate, belgianDateTime } from '../shared/domain/belgian-dates.js';
import type { AttestationRecord } from '../shared/domain/receipt.js';
import { toErrorPayload, type ErrorPayload } from '../shared/errors.js';
import { isLanguage, LANGUAGES, type Language } from '../shared/languages.js';
import { LANGUAGE_NAMES } from '../ui/language-names.js';
import { askBackground } from '../ui/background.js';
import { ActsTable } from '../ui/ActsTable.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { languageInUse, loadLanguage, t } from '../ui/i18n.js';
import '../ui/style.css';
import './receipt.css';
import { Barcode } from './Barcode.js';
import { formatCbe } from '../shared/domain/identifier-formats.js';
import { insurerOf } from './insurers.js';

/** A4 or A5: the print CSS fits both; @page takes the size chosen here. */
const PAPERS = ['A4', 'A5'] as const;
type Paper = (typeof PAPERS)[number];

interface DocumentProps {
  record: AttestationRecord;
  language: string;
  onLanguage: (language: Language) => void;
}

/**
 * The patient's supporting document (PROTOCOL rule 6), in the patient's language: the insurer's
 * acknowledgement number and its barcode, the insurer by name, the amount paid, the detail of the
 * services (reimbursable or not), the provider with their NIHII (and the practice's company number
 * when the attestation names one), the patient. Dates and amounts in Belgian form in every language.
 */
function SupportingDocument({ record, language, onLanguage }: DocumentProps) {
  const [paper, setPaper] = useState<Paper>('A4');
  const { attestation } = record;
  if (record.acknowledgementNumber === undefined || record.status !== 'acknowledged') {
    return <p class="error" data-testid="receipt-unavailable">{t('receiptNotAcknowledged')}</p>;
  }
  const provider = record.outcome?.outcome === 'acknowledged' ? record.outcome.provider : undefined;
  const providerName = provider?.name ?? [provider?.surname, provider?.givenName].filter((part) => part !== undefined).join(' ');
  const insurer = insurerOf(record);
  return (
    <article class={`receipt paper-${paper.toLowerCase()}`} data-testid="receipt" data-language={language}>
      {/* Our own constant, not data: the printed page's size. */}
      <style>{`@page { size: ${paper} portrait; margin: ${paper === 'A5' ? '8mm' : '15mm'}; }`}</style>
      <div class="receipt-tools no-print">
        <label>
          {t('receiptLanguage')}
          <select data-testid="receipt-language" value={language} onChange={(event) => isLanguage(event.currentTarget.value) && onLanguage(event.currentTarget.value)}>
            {LANGUAGES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('receiptPaper')}
          <select data-testid="receipt-paper" value={paper} onChange={(event) => setPaper(event.currentTarget.value === 'A5' ? 'A5' : 'A4')}>
            {PAPERS.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" onClick={() => window.print()}>
          {t('print')}
        </button>
      </div>
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
        {attestation.collectingEntityCbe !== undefined && (
          <>
            <dt>{t('receiptPractice')}</dt>
            <dd data-testid="receipt-practice">{provider?.practice === undefined ? formatCbe(attestation.collectingEntityCbe) : `${provider.practice}, ${formatCbe(attestation.collectingEntityCbe)}`}</dd>
          </>
        )}
        <dt>{t('receiptPatient')}</dt>
        <dd data-testid="receipt-patient">{`${attestation.patient.lastName} ${attestation.patient.firstName} (${attestation.patient.ssin})`}</dd>
        {insurer !== undefined && (
          <>
            <dt>{t('receiptInsurer')}</dt>
            <dd data-testid="receipt-insurer" data-insurer={insurer.code}>
              {insurer.nameKey === undefined ? insurer.code : `${t(insurer.nameKey)} (${insurer.code})`}
            </dd>
          </>
        )}
        <dt>{t('careDate')}</dt>
        <dd data-testid="receipt-care-date">{belgianDate(attestation.careDate)}</dd>
        {record.acknowledgedAt !== undefined && (
          <>
            <dt>{t('acknowledgedAt')}</dt>
            <dd data-testid="receipt-acknowledged-at">{belgianDateTime(new Date(record.acknowledgedAt))}</dd>
          </>
        )}
      </dl>
      <ActsTable attestation={attestation} rowTestId="receipt-act" withReimbursable patientShares={record.patientShares} />
    </article>
  );
}

type State = { phase: 'loading' } | { phase: 'done'; record: AttestationRecord | null } | { phase: 'failed'; error: ErrorPayload };

function ReceiptPage() {
  const [state, setState] = useState<State>({ phase: 'loading' });
  // The language t() answers in; changing it re-renders the document in it.
  const [language, setLanguage] = useState(languageInUse());
  const showIn = async (wanted: Language | undefined): Promise<void> => {
    if (wanted !== undefined && wanted !== languageInUse()) await loadLanguage(wanted);
    document.title = t('receiptTitle');
    setLanguage(languageInUse());
  };
  useEffect(() => {
    const key = consultationKeySchema.safeParse(new URLSearchParams(location.search).get('key'));
    if (!key.success) {
      setState({ phase: 'done', record: null });
      return;
    }
    askBackground({ type: 'attestation.record', consultationKey: key.data })
      // The patient's language when the EHR page gave it, else the clinician's (already loaded).
      .then(async ({ record }) => {
        await showIn(record?.patientLanguage);
        setState({ phase: 'done', record });
      })
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  }, []);
  if (state.phase === 'loading') return <p class="muted">…</p>;
  if (state.phase === 'failed') return <ErrorNotice error={state.error} />;
  if (state.record === null) return <p class="error" data-testid="receipt-unavailable">{t('receiptNotFound')}</p>;
  return <SupportingDocument record={state.record} language={language} onLanguage={(wanted) => void showIn(wanted)} />;
}

const root = document.getElementById('app');
if (root !== null) {
  void loadLanguage().then(() => {
    document.title = t('receiptTitle');
    render(
      <main>
        <ReceiptPage />
      </main>,
      root,
    );
  });
}
