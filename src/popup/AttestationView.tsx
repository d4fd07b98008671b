import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from '../ui/browser.js';
import type { Attestation } from '../shared/domain/attestation.js';
import { belgianDate } from '../shared/domain/belgian-dates.js';
import { brusselsDate } from '../shared/domain/calendar.js';
import { formatCents } from '../shared/domain/money-text.js';
import type { AttestOutcome, Refusal } from '../shared/domain/receipt.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import { askBackground } from '../ui/background.js';
import { ActsTable } from '../ui/ActsTable.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t, type MessageKey } from '../ui/i18n.js';
import type { AttestationProblem } from '../shared/domain/attestation-checks.js';
import type { Profession } from '../shared/domain/profession.js';
import { attestationFromDraft, proposalFieldChecks, type ActDraft, type Draft, type DraftProblem } from './draft.js';
import { SignatureNote } from './SignatureNote.js';
import { BACKGROUND_ATTEST_WAIT_MS } from '../shared/transmission-timing.js';

/** Where a send is: asking insurability first (when not known yet), then on the wire to the insurer. */
export type SendStage = 'checking' | 'sending';

type Phase =
  /** `byClinician`: the clinician opened the form ("Edit"); else it shows because the draft is not complete. */
  | { phase: 'editing'; problems: DraftProblem[]; byClinician: boolean }
  /**
   * The glance: exactly what will be sent, with Send. `checks`: the insurers' rules it breaks; while
   * there is one, it cannot be sent. `stopped`: Send stopped before sending — at the verdict (not an
   * eAttest patient) or because insurability could not be had.
   */
  | { phase: 'confirming'; attestation: Attestation; checks: AttestationProblem[]; stopped?: 'route' | 'error' }
  | { phase: 'sending'; attestation: Attestation; stage: SendStage }
  | { phase: 'done'; attestation: Attestation; outcome: AttestOutcome }
  /** `checks`: the insurers' rules the background or the host found broken (ATTESTATION_CHECK_FAILED). */
  | { phase: 'failed'; attestation: Attestation; error: ErrorPayload; checks: AttestationProblem[] };

/** What Send may do once insurability is known: send (an eAttest patient), or stop (the verdict line says why). */
export type SendVerdict = 'send' | 'stop';

/** Refusal codes we explain in our words (PROTOCOL §8.5); others show the insurer's text. */
const EXPLAINED_REFUSALS = new Set(['120', '169', '187', '191', '196', '238']);

/**
 * The host re-sent an earlier, stored eAttest of this patient and day whose outcome was unknown,
 * instead of the edited draft: the clinician must know their edit did not reach the insurer.
 */
function DraftNotSentNotice() {
  return (
    <div class="banner banner-stop" role="alert" data-testid="draft-not-sent">
      <strong>{t('draftNotSentTitle')}</strong>
      <p>{t('draftNotSent')}</p>
    </div>
  );
}

export function refusalText(refusal: Refusal): string {
  return EXPLAINED_REFUSALS.has(refusal.code) ? t(`refusal_${refusal.code}` as MessageKey) : `${refusal.code}: ${refusal.description ?? ''}`;
}

export function openReceipt(consultationKey: string): void {
  void browser.tabs.create({ url: browser.runtime.getURL(`src/receipt/index.html?key=${consultationKey}`) });
}

function ActRow({ act, onChange, onRemove }: { act: ActDraft; onChange: (act: ActDraft) => void; onRemove: () => void }) {
  return (
    <tr data-testid="draft-act">
      <td>
        <input aria-label={t('actCode')} data-field="code" value={act.code} maxLength={6} size={7} onInput={(event) => onChange({ ...act, code: event.currentTarget.value })} />
      </td>
      <td>
        <input aria-label={t('actQuantity')} data-field="quantity" value={act.quantity} maxLength={2} size={2} onInput={(event) => onChange({ ...act, quantity: event.currentTarget.value })} />
      </td>
      <td>
        <input aria-label={t('actAmountPaid')} data-field="amountPaid" value={act.amountPaid} maxLength={10} size={7} onInput={(event) => onChange({ ...act, amountPaid: event.currentTarget.value })} />
      </td>
      <td>
        <button type="button" class="link" onClick={onRemove} aria-label={t('actRemove')}>
          ×
        </button>
      </td>
    </tr>
  );
}

/** Who: the patient as the eAttest will name them, with the birth date the page shows (written the Belgian way), to recognise them. */
function PatientLine({ attestation, birthDate }: { attestation: Attestation; birthDate?: string | undefined }) {
  return (
    <p class="who">
      <strong data-testid="confirm-patient">{`${attestation.patient.lastName}, ${attestation.patient.firstName}`}</strong>{' '}
      <span class="muted">{t('patientSsin')}</span> <span data-testid="confirm-ssin">{attestation.patient.ssin}</span>
      {birthDate !== undefined && (
        <>
          {' '}
          <span class="muted">{t('glanceBorn')}</span> <span data-testid="confirm-birth-date">{belgianDate(birthDate)}</span>
        </>
      )}
    </p>
  );
}

/** Exactly what will be sent, before the clinician says so: the acts with their amounts and the total. */
function ConfirmSummary({ attestation }: { attestation: Attestation }) {
  const locale = t('languageCode');
  return (
    <div data-testid="confirm-summary">
      <ActsTable attestation={attestation} rowTestId="confirm-act" />
      <p class="total">
        <span>{t('totalPaid')}</span> <strong data-testid="confirm-total">{formatCents(attestation.patientPaidCents, locale)}</strong>
        {attestation.supplementCents !== undefined && <span class="muted">{` + ${t('supplement')} ${formatCents(attestation.supplementCents, locale)}`}</span>}
      </p>
    </div>
  );
}

/** The acknowledgement number, large, with a Copy button (the EHR's own field is filled by the background). */
function AcknowledgementNumber({ number }: { number: string }) {
  const [copied, setCopied] = useState<boolean | undefined>();
  const copy = () => {
    navigator.clipboard.writeText(number).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div class="ack-row">
      <p class="ack-number" data-testid="ack-number">
        {number}
      </p>
      <button type="button" data-testid="copy-ack" onClick={copy} aria-label={t('glanceCopyNumber', number)}>
        {copied === true ? t('glanceCopied') : t('glanceCopy')}
      </button>
      {copied === false && <span class="field-problem">{t('glanceCopyFailed')}</span>}
    </div>
  );
}

/** What the insurers would refuse, in the clinician's words, each with the act it is about; above Send. */
function CheckProblems({ problems, attestation }: { problems: readonly AttestationProblem[]; attestation: Attestation }) {
  return (
    <div class="banner banner-stop" role="alert" data-testid="check-problems">
      <p>
        <strong>{t('checkProblemsTitle')}</strong>
      </p>
      <ul>
        {problems.map((problem, index) => {
          const actIndex = problem.path[0] === 'acts' && typeof problem.path[1] === 'number' ? problem.path[1] : undefined;
          const act = actIndex === undefined ? undefined : attestation.acts[actIndex];
          return (
            <li key={index} data-rule={problem.rule} data-path={problem.path.join('.')} data-code={problem.catalogueCode}>
              {actIndex !== undefined && act !== undefined && `${t('checkActLabel', [String(actIndex + 1), act.code])} · `}
              {t(problem.messageKey)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The progress line's words, by stage; read by screen readers as it changes (a polite live region). */
const STAGE_TEXT: Readonly<Record<SendStage | 'signingIn' | 'acknowledged', MessageKey>> = {
  signingIn: 'glanceStageSigningIn',
  checking: 'glanceStageChecking',
  sending: 'glanceStageSending',
  acknowledged: 'glanceStageAcknowledged',
};

/**
 * The glance: who, the insurability verdict (`verdict`, drawn by the popup), the acts and the total,
 * and one primary button. The draft is checked as it arrives (locally, nothing is asked), so the
 * clinician sees at once what will be sent; "Edit" opens the form. Only the clinician's click on
 * Send sends, after `prepareSend` (insurability, once per contact) says this patient is an eAttest's.
 */
export function AttestationView({
  draft,
  tabId,
  profession,
  verdict,
  patientBirthDate,
  routeBlocked = false,
  signingIn = false,
  prepareSend,
  onDraftChange,
  onSent,
  onFieldChecks,
}: {
  draft: Draft;
  tabId?: number | undefined;
  /** The signed-in provider's profession (from the host's status); its rules wait until it is known. */
  profession?: Profession | undefined;
  /** The insurability line, under the patient's name. */
  verdict?: ComponentChildren;
  patientBirthDate?: string | undefined;
  /** Insurability is known and the route is not eAttest: Send is disabled (the verdict line says why). */
  routeBlocked?: boolean;
  /** The host says it is signing in to eHealth (protocol 3): said in the progress line, whatever else is under way. */
  signingIn?: boolean;
  /** Called by Send before sending: insurability for this patient (asked now if not known), and whether to send. */
  prepareSend?: (attestation: Attestation) => Promise<SendVerdict>;
  onDraftChange: (draft: Draft) => void;
  onSent: () => void;
  /** The checks' problems by the proposal field to correct (empty when there is none). */
  onFieldChecks?: (fields: ReadonlyMap<string, AttestationProblem>) => void;
}) {
  const [state, setState] = useState<Phase>({ phase: 'editing', problems: [], byClinician: false });
  const today = brusselsDate(new Date());
  // For keyboard and screen-reader users, the result takes the focus when it appears.
  const focus = useRef<HTMLElement>(null);
  useEffect(() => {
    if (state.phase === 'done' || state.phase === 'failed') focus.current?.focus();
  }, [state.phase]);
  // Only the latest review's result is shown: the draft may change while one is computed.
  const latestReview = useRef(0);

  const review = (showProblems: boolean) => {
    const question = ++latestReview.current;
    void attestationFromDraft(draft, today, profession).then((result) => {
      if (question !== latestReview.current) return;
      onFieldChecks?.('checks' in result ? proposalFieldChecks(result.checks, result.proposalIndexes) : new Map());
      if ('attestation' in result) setState({ phase: 'confirming', attestation: result.attestation, checks: [] });
      else if ('checks' in result) setState({ phase: 'confirming', attestation: result.candidate, checks: result.checks });
      else setState({ phase: 'editing', problems: showProblems ? result.problems : [], byClinician: showProblems });
    });
  };
  // A draft read from the page (or corrected in the fields as read) goes straight to the glance when
  // it is complete; the form the clinician opened stays open until they are done with it.
  useEffect(() => {
    if ((state.phase === 'editing' && !state.byClinician) || state.phase === 'confirming') review(false);
  }, [draft, profession]);

  const send = async (attestation: Attestation) => {
    setState({ phase: 'sending', attestation, stage: 'checking' });
    try {
      if (prepareSend !== undefined && (await prepareSend(attestation)) === 'stop') {
        setState({ phase: 'confirming', attestation, checks: [], stopped: 'route' });
        return;
      }
    } catch {
      // The verdict line shows why insurability could not be had; nothing is sent without it.
      setState({ phase: 'confirming', attestation, checks: [], stopped: 'error' });
      return;
    }
    setState({ phase: 'sending', attestation, stage: 'sending' });
    askBackground({ type: 'attestation.send', attestation, ...(tabId !== undefined ? { tabId } : {}) })
      .then((outcome) => {
        setState({ phase: 'done', attestation, outcome });
        onSent();
      })
      .catch((error: unknown) => {
        const payload = toErrorPayload(error);
        setState({ phase: 'failed', attestation, error: payload, checks: [] });
        if (payload.code === 'ATTESTATION_CHECK_FAILED') {
          void import('../shared/domain/attestation-checks.js').then(({ problemsOfCheckError }) =>
            setState((current) => (current.phase === 'failed' && current.error === payload ? { ...current, checks: problemsOfCheckError(payload.details) } : current)),
          );
        }
        onSent();
      });
  };

  const progress = signingIn ? 'signingIn' : state.phase === 'sending' ? state.stage : state.phase === 'done' && state.outcome.outcome === 'acknowledged' ? 'acknowledged' : undefined;
  const progressLine = (
    <p class="progress" role="status" aria-live="polite" data-testid="send-progress" data-stage={progress ?? ''}>
      {progress !== undefined && t(STAGE_TEXT[progress])}
    </p>
  );

  if (state.phase === 'done') {
    const { outcome, attestation } = state;
    if (outcome.outcome === 'acknowledged') {
      return (
        <section data-testid="attestation-result" data-outcome="acknowledged" ref={focus} tabIndex={-1}>
          <PatientLine attestation={attestation} birthDate={patientBirthDate} />
          {outcome.draftNotSent === true && <DraftNotSentNotice />}
          {progressLine}
          <AcknowledgementNumber number={outcome.acknowledgementNumber} />
          <SignatureNote check={outcome.signatureCheck} />
          <button type="button" data-testid="print-receipt" onClick={() => openReceipt(outcome.consultationKey)}>
            {t('printReceipt')}
          </button>
        </section>
      );
    }
    return (
      <section data-testid="attestation-result" data-outcome="refused" ref={focus} tabIndex={-1}>
        <PatientLine attestation={attestation} birthDate={patientBirthDate} />
        {outcome.draftNotSent === true && <DraftNotSentNotice />}
        <div class="banner banner-stop">
          <strong>{t('refused')}</strong>
          <ul>
            {outcome.refusals.map((refusal, index) => (
              <li key={index} data-code={refusal.code}>
                {refusalText(refusal)}
              </li>
            ))}
          </ul>
          <p>{t('refusedNext')}</p>
        </div>
      </section>
    );
  }

  if (state.phase === 'confirming' || state.phase === 'sending' || state.phase === 'failed') {
    // The insurers' rules it breaks, as checked here or as the background or the host refused it.
    const checks = state.phase === 'sending' ? [] : state.checks;
    const sending = state.phase === 'sending';
    const blocked = routeBlocked || checks.length > 0 || (state.phase === 'failed' && state.error.code === 'ATTESTATION_CHECK_FAILED');
    return (
      <section data-testid="attestation-confirm" data-phase={state.phase} ref={focus} tabIndex={-1}>
        <PatientLine attestation={state.attestation} birthDate={patientBirthDate} />
        {verdict}
        <ConfirmSummary attestation={state.attestation} />
        {state.phase === 'confirming' && state.stopped !== undefined && (
          <p class="field-problem" role="alert" data-testid="send-stopped" data-reason={state.stopped}>
            {t(state.stopped === 'route' ? 'glanceNotSent' : 'glanceNotSentError')}
          </p>
        )}
        {state.phase === 'failed' && state.error.details?.['draftNotSent'] === true && <DraftNotSentNotice />}
        {state.phase === 'failed' && <ErrorNotice error={state.error} compact />}
        {checks.length > 0 && <CheckProblems problems={checks} attestation={state.attestation} />}
        {progressLine}
        <div class="row actions">
          <button
            type="button"
            data-testid="send-attestation"
            class={`primary${sending ? ' busy' : ''}`}
            aria-busy={sending}
            disabled={sending || blocked}
            title={sending ? t('sendingMayTake', String(Math.ceil(BACKGROUND_ATTEST_WAIT_MS / 1000))) : undefined}
            onClick={() => void send(state.attestation)}
          >
            {sending ? t('sending') : state.phase === 'failed' ? t('sendAgain') : t('sendAttestation')}
          </button>
          <button type="button" data-testid="edit-attestation" disabled={sending} onClick={() => setState({ phase: 'editing', problems: [], byClinician: true })}>
            {t('edit')}
          </button>
        </div>
      </section>
    );
  }

  // Typing in the form makes it the clinician's: it stays open, never swapped for the glance mid-word, until Review.
  const update = (patch: Partial<Draft>) => {
    if (!state.byClinician) setState({ ...state, byClinician: true });
    onDraftChange({ ...draft, ...patch });
  };
  return (
    <section data-testid="attestation-draft">
      {verdict}
      {progressLine}
      <h2>{t('attestationTitle')}</h2>
      <div class="row">
        <label>
          {t('patientLastName')}
          <input data-testid="draft-last-name" value={draft.lastName} maxLength={100} onInput={(event) => update({ lastName: event.currentTarget.value })} />
        </label>
        <label>
          {t('patientFirstName')}
          <input data-testid="draft-first-name" value={draft.firstName} maxLength={100} onInput={(event) => update({ firstName: event.currentTarget.value })} />
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <th>{t('actCode')}</th>
            <th>{t('actQuantity')}</th>
            <th>{t('actAmountPaid')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {draft.acts.map((act, index) => (
            <ActRow
              key={index}
              act={act}
              onChange={(changed) => update({ acts: draft.acts.map((other, at) => (at === index ? changed : other)) })}
              onRemove={() => update({ acts: draft.acts.filter((_, at) => at !== index) })}
            />
          ))}
        </tbody>
      </table>
      <div class="row">
        <button type="button" class="link" onClick={() => update({ acts: [...draft.acts, { code: '', quantity: '1', amountPaid: '' }] })}>
          {t('actAdd')}
        </button>
        <label>
          {t('supplement')}
          <input value={draft.supplement} maxLength={10} size={7} onInput={(event) => update({ supplement: event.currentTarget.value })} />
        </label>
      </div>
      {state.problems.length > 0 && (
        <ul class="field-problem" data-testid="draft-problems">
          {state.problems.map((problem) => (
            <li key={problem}>{t(problem)}</li>
          ))}
        </ul>
      )}
      <button type="button" data-testid="review-attestation" onClick={() => review(true)}>
        {t('reviewAttestation')}
      </button>
    </section>
  );
}
