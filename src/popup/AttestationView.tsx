import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from '../ui/browser.js';
import type { Attestation } from '../shared/domain/attestation.js';
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

type Phase =
  | { phase: 'editing'; problems: DraftProblem[] }
  /** `checks`: the insurers' rules it breaks; while there is one, it is shown but cannot be sent. */
  | { phase: 'confirming'; attestation: Attestation; checks: AttestationProblem[] }
  | { phase: 'sending'; attestation: Attestation }
  | { phase: 'done'; outcome: AttestOutcome }
  /** `checks`: the insurers' rules the background or the host found broken (ATTESTATION_CHECK_FAILED). */
  | { phase: 'failed'; attestation: Attestation; error: ErrorPayload; checks: AttestationProblem[] };

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

/** Exactly what will be sent, before the clinician says so. */
function ConfirmSummary({ attestation }: { attestation: Attestation }) {
  const locale = t('languageCode');
  return (
    <div data-testid="confirm-summary">
      <dl>
        <dt>{t('patientName')}</dt>
        <dd data-testid="confirm-patient">{`${attestation.patient.lastName}, ${attestation.patient.firstName}`}</dd>
        <dt>{t('patientSsin')}</dt>
        <dd data-testid="confirm-ssin">{attestation.patient.ssin}</dd>
        <dt>{t('careDate')}</dt>
        <dd>{attestation.careDate}</dd>
      </dl>
      <ActsTable attestation={attestation} rowTestId="confirm-act" />
      <dl>
        <dt>{t('totalPaid')}</dt>
        <dd data-testid="confirm-total">{formatCents(attestation.patientPaidCents, locale)}</dd>
        {attestation.supplementCents !== undefined && (
          <>
            <dt>{t('supplement')}</dt>
            <dd>{formatCents(attestation.supplementCents, locale)}</dd>
          </>
        )}
      </dl>
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

/**
 * Compose, confirm, send: the draft is edited, then shown exactly as it will be sent, and only the
 * clinician's click on "Send" sends it. The acknowledgement number is shown large on the same screen.
 */
export function AttestationView({
  draft,
  tabId,
  profession,
  onDraftChange,
  onSent,
  onFieldChecks,
}: {
  draft: Draft;
  tabId?: number | undefined;
  /** The signed-in provider's profession (from the host's status); its rules wait until it is known. */
  profession?: Profession | undefined;
  onDraftChange: (draft: Draft) => void;
  onSent: () => void;
  /** The checks' problems by the proposal field to correct (empty when there is none). */
  onFieldChecks?: (fields: ReadonlyMap<string, AttestationProblem>) => void;
}) {
  const [state, setState] = useState<Phase>({ phase: 'editing', problems: [] });
  const today = brusselsDate(new Date());
  // The popup is short: what the clinician must read now (what will be sent, the number) is brought into view.
  const focus = useRef<HTMLElement>(null);
  useEffect(() => {
    if (state.phase !== 'editing') focus.current?.scrollIntoView({ block: 'start' });
  }, [state.phase]);
  // A draft changed under the confirm screen (a field corrected in the proposal) is checked again: the
  // confirm screen only ever shows what would be sent.
  useEffect(() => {
    setState((current) => (current.phase === 'confirming' ? { phase: 'editing', problems: [] } : current));
  }, [draft]);

  const review = () => {
    void attestationFromDraft(draft, today, profession).then((result) => {
      onFieldChecks?.('checks' in result ? proposalFieldChecks(result.checks, result.proposalIndexes) : new Map());
      if ('attestation' in result) setState({ phase: 'confirming', attestation: result.attestation, checks: [] });
      else if ('checks' in result) setState({ phase: 'confirming', attestation: result.candidate, checks: result.checks });
      else setState({ phase: 'editing', problems: result.problems });
    });
  };
  const send = (attestation: Attestation) => {
    setState({ phase: 'sending', attestation });
    askBackground({ type: 'attestation.send', attestation, ...(tabId !== undefined ? { tabId } : {}) })
      .then((outcome) => {
        setState({ phase: 'done', outcome });
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

  if (state.phase === 'done') {
    const { outcome } = state;
    if (outcome.outcome === 'acknowledged') {
      return (
        <section data-testid="attestation-result" data-outcome="acknowledged" ref={focus}>
          {outcome.draftNotSent === true && <DraftNotSentNotice />}
          <p class="ok">{t('acknowledged')}</p>
          <p class="ack-number" data-testid="ack-number">
            {outcome.acknowledgementNumber}
          </p>
          <SignatureNote check={outcome.signatureCheck} />
          <button type="button" data-testid="print-receipt" onClick={() => openReceipt(outcome.consultationKey)}>
            {t('printReceipt')}
          </button>
        </section>
      );
    }
    return (
      <section data-testid="attestation-result" data-outcome="refused" ref={focus}>
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
    return (
      <section data-testid="attestation-confirm" ref={focus}>
        <h2>{t('confirmTitle')}</h2>
        <ConfirmSummary attestation={state.attestation} />
        {state.phase === 'failed' && state.error.details?.['draftNotSent'] === true && <DraftNotSentNotice />}
        {state.phase === 'failed' && <ErrorNotice error={state.error} />}
        {checks.length > 0 && <CheckProblems problems={checks} attestation={state.attestation} />}
        {state.phase === 'sending' && (
          <p class="muted" data-testid="sending-wait">
            {t('sendingMayTake', String(Math.ceil(BACKGROUND_ATTEST_WAIT_MS / 1000)))}
          </p>
        )}
        <div class="row">
          <button type="button" data-testid="send-attestation" class="primary" disabled={state.phase === 'sending' || checks.length > 0 || (state.phase === 'failed' && state.error.code === 'ATTESTATION_CHECK_FAILED')} onClick={() => send(state.attestation)}>
            {state.phase === 'sending' ? t('sending') : state.phase === 'failed' ? t('sendAgain') : t('sendAttestation')}
          </button>
          <button type="button" data-testid="edit-attestation" disabled={state.phase === 'sending'} onClick={() => setState({ phase: 'editing', problems: [] })}>
            {t('edit')}
          </button>
        </div>
      </section>
    );
  }

  const update = (patch: Partial<Draft>) => onDraftChange({ ...draft, ...patch });
  return (
    <section data-testid="attestation-draft">
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
      <button type="button" data-testid="review-attestation" onClick={review}>
        {t('reviewAttestation')}
      </button>
    </section>
  );
}
