import { useEffect, useRef, useState } from 'preact/hooks';
import { CANCEL_REASON_MEANING_KEYS, CANCEL_REASONS, type CancelReason } from '../shared/domain/attestation-rules.js';
import type { AttestationRecord, Refusal, SignatureCheck } from '../shared/domain/receipt.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { languageInUse, t, type MessageKey } from '../ui/i18n.js';
import { brusselsTime } from '../shared/domain/calendar.js';
import { formatSsin } from '../shared/domain/identifier-formats.js';
import { acknowledgedTotalCents, ledgerInstant, patientName } from '../shared/domain/ledger.js';
import { formatCents } from '../shared/domain/money-text.js';
import { openReceipt, refusalText } from './AttestationView.js';
import { SignatureNote } from './SignatureNote.js';
import { TodayExport } from './today-export.js';
import './today-ledger.css';

function CancelForm({ record, onDone }: { record: AttestationRecord; onDone: () => void }) {
  const [reason, setReason] = useState<CancelReason | ''>('');
  const [error, setError] = useState<ErrorPayload | undefined>();
  const [busy, setBusy] = useState(false);
  const [refusals, setRefusals] = useState<Refusal[] | undefined>();
  // Unfolded on the clinician's click: the keyboard goes on where the form is.
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const acknowledgementNumber = record.acknowledgementNumber;
  if (acknowledgementNumber === undefined) return null;
  const cancel = () => {
    if (reason === '') return;
    setBusy(true);
    setRefusals(undefined);
    setError(undefined);
    askBackground({ type: 'attestation.cancel', acknowledgementNumber, patientSsin: record.attestation.patient.ssin, reason })
      .then((outcome) => {
        setBusy(false);
        // A refusal stays on screen in the open form (folding it would take the insurer's words away).
        if (outcome.outcome === 'refused') setRefusals(outcome.refusals);
        else onDone();
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
        <select ref={first} data-testid="cancel-reason" value={reason} onChange={(event) => setReason(event.currentTarget.value as CancelReason | '')}>
          <option value="">—</option>
          {CANCEL_REASONS.map((code) => (
            <option key={code} value={code}>{`${code} — ${t(CANCEL_REASON_MEANING_KEYS[code] as MessageKey)}`}</option>
          ))}
        </select>
      </label>
      <button type="button" data-testid="confirm-cancel" disabled={reason === '' || busy} onClick={cancel}>
        {t('cancelAttestation')}
      </button>
      {refusals !== undefined && (
        <div class="banner banner-stop" role="alert" data-testid="cancel-refused">
          <strong>{t('refused')}</strong>
          <ul>
            {refusals.map((refusal, index) => (
              <li key={index} data-code={refusal.code}>
                {refusalText(refusal)}
              </li>
            ))}
          </ul>
        </div>
      )}
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
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), []);
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
        <textarea ref={first} data-testid="abandon-reason" maxLength={500} rows={3} value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
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

/** One short word per status; an unknown outcome also says, under its row, what to do about it. */
const STATUS_WORD_KEYS: Readonly<Record<AttestationRecord['status'], MessageKey>> = {
  acknowledged: 'status_acknowledged',
  cancelled: 'status_cancelled',
  refused: 'status_refused',
  unknown: 'todayStatus_unknown',
  abandoned: 'todayStatus_abandoned',
  pending: 'status_pending',
  notSent: 'status_notSent',
};

/** Enough of the SSIN to tell two patients of the same name apart (the birth date part); the whole one on hover. */
function shortSsin(ssin: string): string {
  return `${formatSsin(ssin).slice(0, 8)}…`;
}

type OpenForm = { kind: 'cancel' | 'abandon'; consultationKey: string } | undefined;

function LedgerEntry({ record, open, onToggle, onDone }: { record: AttestationRecord; open: OpenForm; onToggle: (kind: 'cancel' | 'abandon') => void; onDone: () => void }) {
  // Row-scoped ids: the actions' screen-reader description names the patient.
  const id = `ledger-${record.consultationKey.slice(0, 16)}`;
  const cancelling = open?.kind === 'cancel' && open.consultationKey === record.consultationKey;
  const abandoning = open?.kind === 'abandon' && open.consultationKey === record.consultationKey;
  const ssin = record.attestation.patient.ssin;
  return (
    <li class="ledger-entry" data-testid="history-entry" data-status={record.status} data-ssin={ssin}>
      <div class="ledger-line">
        <span class="ledger-time">{brusselsTime(new Date(ledgerInstant(record)))}</span>
        <span class="ledger-patient" id={`${id}-patient`}>
          {patientName(record)}
        </span>
        <span class="ledger-ssin" title={formatSsin(ssin)}>
          {shortSsin(ssin)}
        </span>
        <span class="ledger-amount" data-testid="ledger-amount" data-cents={record.attestation.patientPaidCents}>
          {formatCents(record.attestation.patientPaidCents, languageInUse())}
        </span>
      </div>
      <div class="ledger-line">
        <span class={`status status-${record.status}`} data-testid="ledger-status">
          {t(STATUS_WORD_KEYS[record.status])}
        </span>
        {record.acknowledgementNumber !== undefined && (
          <code class="ledger-ack" data-testid="history-ack">
            {record.acknowledgementNumber}
          </code>
        )}
        <SignatureNote check={signatureCheckOf(record)} short />
        <span class="ledger-actions">
          {record.status === 'acknowledged' && (
            <>
              <button type="button" class="link" data-testid="ledger-reprint" aria-describedby={`${id}-patient`} onClick={() => openReceipt(record.consultationKey)}>
                {t('todayReprint')}
              </button>
              <button type="button" class="link" data-testid="start-cancel" aria-expanded={cancelling} aria-describedby={`${id}-patient`} onClick={() => onToggle('cancel')}>
                {t('todayCancel')}
              </button>
            </>
          )}
          {record.status === 'unknown' && record.inputReference !== undefined && (
            <button type="button" class="link" data-testid="start-abandon" aria-expanded={abandoning} aria-describedby={`${id}-patient`} onClick={() => onToggle('abandon')}>
              {t('todayAbandon')}
            </button>
          )}
        </span>
      </div>
      {record.status === 'unknown' && <p class="muted ledger-hint">{t('status_unknown')}</p>}
      {abandoning && <AbandonForm record={record} onDone={onDone} />}
      {cancelling && <CancelForm record={record} onDone={onDone} />}
    </li>
  );
}

/**
 * Today's ledger: one compact row per eAttest (time, patient, amount, number, status) with its
 * actions, the day's acknowledged total, and the bookkeeping export. One message to the
 * background gives the whole day, settled against the host's journal.
 */
export function TodayHistory({ refreshToken }: { refreshToken: number }) {
  const [records, setRecords] = useState<AttestationRecord[] | undefined>();
  const [error, setError] = useState<ErrorPayload | undefined>();
  const [open, setOpen] = useState<OpenForm>();
  const load = () => {
    askBackground({ type: 'attestation.today' })
      .then(({ records: today }) => {
        setRecords(today);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(toErrorPayload(failure)));
  };
  useEffect(load, [refreshToken]);
  const total = acknowledgedTotalCents(records ?? []);

  return (
    <section data-testid="history" class="today-ledger" aria-labelledby="today-ledger-title">
      <h2 id="today-ledger-title">{t('historyTitle')}</h2>
      {error !== undefined && <ErrorNotice error={error} />}
      {records?.length === 0 && <p class="muted">{t('historyEmpty')}</p>}
      {records !== undefined && records.length > 0 && (
        <>
          <ul class="ledger">
            {records.map((record) => (
              <LedgerEntry
                key={record.consultationKey}
                record={record}
                open={open}
                onToggle={(kind) => setOpen((current) => (current?.kind === kind && current.consultationKey === record.consultationKey ? undefined : { kind, consultationKey: record.consultationKey }))}
                onDone={() => {
                  setOpen(undefined);
                  load();
                }}
              />
            ))}
          </ul>
          <p class="ledger-total" data-testid="ledger-total" data-cents={total}>
            <span>{t('todayTotal')}</span>
            <span>{formatCents(total, languageInUse())}</span>
          </p>
        </>
      )}
      <TodayExport />
    </section>
  );
}
