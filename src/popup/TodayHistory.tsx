import { useEffect, useState } from 'preact/hooks';
import { CANCEL_REASON_MEANING_KEYS, CANCEL_REASONS, type CancelReason } from '../shared/domain/attestation-rules.js';
import type { AttestationRecord, SignatureCheck } from '../shared/domain/receipt.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t, type MessageKey } from '../ui/i18n.js';
import { openReceipt, refusalText } from './AttestationView.js';
import { SignatureNote } from './SignatureNote.js';

function CancelForm({ record, onDone }: { record: AttestationRecord; onDone: () => void }) {
  const [reason, setReason] = useState<CancelReason | ''>('');
  const [error, setError] = useState<ErrorPayload | undefined>();
  const [busy, setBusy] = useState(false);
  const acknowledgementNumber = record.acknowledgementNumber;
  if (acknowledgementNumber === undefined) return null;
  const cancel = () => {
    if (reason === '') return;
    setBusy(true);
    askBackground({ type: 'attestation.cancel', acknowledgementNumber, patientSsin: record.attestation.patient.ssin, reason })
      .then((outcome) => {
        setBusy(false);
        if (outcome.outcome === 'refused') setError({ code: 'MYCARENET_REFUSED', message: outcome.refusals.map(refusalText).join('; ') });
        onDone();
      })
      .catch((failure: unknown) => {
        setBusy(false);
        setError(toErrorPayload(failure));
      });
  };
  return (
    <div class="cancel-form" data-testid="cancel-form">
      <label>
        {t('cancelReason')}
        <select data-testid="cancel-reason" value={reason} onChange={(event) => setReason(event.currentTarget.value as CancelReason | '')}>
          <option value="">—</option>
          {CANCEL_REASONS.map((code) => (
            <option key={code} value={code}>{`${code} — ${t(CANCEL_REASON_MEANING_KEYS[code] as MessageKey)}`}</option>
          ))}
        </select>
      </label>
      <button type="button" data-testid="confirm-cancel" disabled={reason === '' || busy} onClick={cancel}>
        {t('cancelAttestation')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}

/**
 * Giving up a send whose outcome stayed unknown: only after checking with the insurer, with the
 * clinician's own words for the journal and an explicit confirmation.
 */
function AbandonForm({ record, onDone }: { record: AttestationRecord; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<ErrorPayload | undefined>();
  const [busy, setBusy] = useState(false);
  const ready = reason.trim().length >= 10 && confirmed && !busy;
  const abandon = () => {
    if (!ready) return;
    setBusy(true);
    askBackground({ type: 'attestation.abandon', consultationKey: record.consultationKey, reason: reason.trim() })
      .then(() => {
        setBusy(false);
        onDone();
      })
      .catch((failure: unknown) => {
        setBusy(false);
        setError(toErrorPayload(failure));
      });
  };
  return (
    <div class="cancel-form" data-testid="abandon-form">
      <p>{t('abandonExplanation')}</p>
      <label>
        {t('abandonReason')}
        <textarea data-testid="abandon-reason" maxLength={500} rows={3} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      </label>
      <label>
        <input type="checkbox" data-testid="abandon-confirm" checked={confirmed} onChange={(event) => setConfirmed(event.currentTarget.checked)} /> {t('abandonConfirm')}
      </label>
      <button type="button" data-testid="confirm-abandon" disabled={!ready} onClick={abandon}>
        {t('abandonStart')}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}

/** The latest answer's signature check: the cancellation's once there is one, else the acknowledgement's. */
function signatureCheckOf(record: AttestationRecord): SignatureCheck | undefined {
  if (record.status === 'cancelled' && record.cancellation?.outcome === 'cancelled') return record.cancellation.signatureCheck;
  return record.outcome?.outcome === 'acknowledged' ? record.outcome.signatureCheck : undefined;
}

/** Today's eAttests with their numbers and status, settled against the host's journal. */
export function TodayHistory({ refreshToken }: { refreshToken: number }) {
  const [records, setRecords] = useState<AttestationRecord[] | undefined>();
  const [error, setError] = useState<ErrorPayload | undefined>();
  const [cancelling, setCancelling] = useState<string | undefined>();
  const [abandoning, setAbandoning] = useState<string | undefined>();
  const load = () => {
    askBackground({ type: 'attestation.today' })
      .then(({ records: today }) => {
        setRecords(today);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(toErrorPayload(failure)));
  };
  useEffect(load, [refreshToken]);

  return (
    <section data-testid="history">
      <h2>{t('historyTitle')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {records?.length === 0 && <p class="muted">{t('historyEmpty')}</p>}
      <ul class="history">
        {records?.map((record) => (
          <li key={record.consultationKey} data-testid="history-entry" data-status={record.status}>
            <span>{`${record.attestation.patient.lastName} ${record.attestation.patient.firstName}`}</span>{' '}
            <span class={`status status-${record.status}`}>{t(`status_${record.status}` as MessageKey)}</span>{' '}
            {record.acknowledgementNumber !== undefined && <code data-testid="history-ack">{record.acknowledgementNumber}</code>}{' '}
            <SignatureNote check={signatureCheckOf(record)} short />
            {record.status === 'acknowledged' && (
              <>
                {' '}
                <button type="button" class="link" onClick={() => openReceipt(record.consultationKey)}>
                  {t('printReceipt')}
                </button>{' '}
                <button type="button" class="link" data-testid="start-cancel" onClick={() => setCancelling(record.consultationKey)}>
                  {t('cancelAttestation')}
                </button>
              </>
            )}
            {record.status === 'unknown' && record.inputReference !== undefined && (
              <>
                {' '}
                <button type="button" class="link" data-testid="start-abandon" onClick={() => setAbandoning(record.consultationKey)}>
                  {t('abandonStart')}
                </button>
              </>
            )}
            {abandoning === record.consultationKey && (
              <AbandonForm
                record={record}
                onDone={() => {
                  setAbandoning(undefined);
                  load();
                }}
              />
            )}
            {cancelling === record.consultationKey && (
              <CancelForm
                record={record}
                onDone={() => {
                  setCancelling(undefined);
                  load();
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
