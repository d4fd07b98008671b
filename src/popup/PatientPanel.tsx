import { useEffect, useRef, useState } from 'preact/hooks';
import { normaliseSsin } from '../shared/domain/identifier-rules.js';
import type { ContactType, Insurability } from '../shared/domain/insurability.js';
import { toErrorPayload, type ErrorPayload } from '../shared/app-error.js';
import type { InsurabilityAnswer } from '../shared/extension-protocol.js';
import { askBackground } from '../ui/background.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t } from '../ui/i18n.js';
import { DmgHolderView } from './DmgHolderView.js';
import { InsurabilityCard } from './InsurabilityCard.js';
import { TariffsView } from './TariffsView.js';

type State =
  | { phase: 'idle' }
  /** The patient the page proposed, shown for the clinician to confirm before anything is asked. */
  | { phase: 'confirm'; ssin: string; cacheChecked: boolean }
  | { phase: 'loading' }
  | { phase: 'done'; answer: InsurabilityAnswer }
  | { phase: 'failed'; error: ErrorPayload };

/** The patient as the EHR page shows them (what the adapter read), before any insurer has spoken. */
export interface ProposedPatient {
  ssin: string;
  name?: string | undefined;
  birthDate?: string | undefined;
}

export interface PatientPanelProps {
  /** The patient proposed by the EHR page, when there is one. */
  proposedPatient?: ProposedPatient | undefined;
  /**
   * Whether the proposed patient may be consulted as the popup opens: only when the clinician opened
   * it (true). Opened by the in-page button (false) — a click the page can forge — or not known yet
   * (undefined), the popup shows the patient and waits for the clinician's "Consult insurability".
   */
  consultProposedOnOpen?: boolean | undefined;
  /** The nomenclature codes of the consultation, for "Check tariffs". */
  proposedCodes?: readonly string[] | undefined;
  /** Dentists: the tooth of a proposed code, sent with it in the tariff request. */
  proposedTeeth?: Readonly<Record<string, string>> | undefined;
  /** The patient as the insurer knows them, once insurability is shown: the attestation is for this patient. */
  onPatient?: (patient: Insurability['patient']) => void;
}

/**
 * The patient of this contact: insurability (asked once per contact by the background, which
 * answers from its cache when the popup is reopened), the route it implies, and the tariffs and
 * DMG holder on the clinician's click only. A patient proposed by the page is consulted as the
 * popup opens only when the clinician opened it; else the clinician confirms it here first.
 */
export function PatientPanel({ proposedPatient, consultProposedOnOpen, proposedCodes, proposedTeeth, onPatient }: PatientPanelProps) {
  const proposedSsin = proposedPatient?.ssin;
  const [ssinInput, setSsinInput] = useState(proposedSsin ?? '');
  const [contactType, setContactType] = useState<ContactType>('other');
  const [state, setState] = useState<State>({ phase: 'idle' });
  // Only the latest question's answer is shown: an earlier one arriving late is dropped.
  const latestQuestion = useRef(0);
  const ssin = normaliseSsin(ssinInput);

  const show = (question: number, answer: InsurabilityAnswer) => {
    if (question !== latestQuestion.current) return;
    setState({ phase: 'done', answer });
    onPatient?.(answer.insurability.patient);
  };

  const consult = (type: 'insurability.get' | 'insurability.refresh', forSsin: string, forContact: ContactType) => {
    const question = ++latestQuestion.current;
    setState({ phase: 'loading' });
    askBackground({ type, ssin: forSsin, contactType: forContact })
      .then((answer) => show(question, answer))
      .catch((error: unknown) => {
        if (question === latestQuestion.current) setState({ phase: 'failed', error: toErrorPayload(error) });
      });
  };

  /** The clinician confirms the proposed patient first; an answer this contact already has is shown at once (nothing is asked). */
  const awaitConfirmation = (forSsin: string) => {
    const question = ++latestQuestion.current;
    setState({ phase: 'confirm', ssin: forSsin, cacheChecked: false });
    const nothingCached = () => {
      if (question === latestQuestion.current) setState({ phase: 'confirm', ssin: forSsin, cacheChecked: true });
    };
    askBackground({ type: 'insurability.cached', ssin: forSsin })
      .then(({ answer }) => (answer !== null ? show(question, answer) : nothingCached()))
      .catch(nothingCached);
  };

  // A patient proposed by the EHR page is a contact: the background consults (or reuses) once.
  useEffect(() => {
    const proposed = proposedSsin === undefined ? undefined : normaliseSsin(proposedSsin);
    if (proposed === undefined) return;
    setSsinInput(proposed);
    // Until the popup knows who opened it, nothing is asked.
    if (consultProposedOnOpen === undefined) return;
    if (consultProposedOnOpen) consult('insurability.get', proposed, 'other');
    else awaitConfirmation(proposed);
  }, [proposedSsin, consultProposedOnOpen]);

  const shownSsin = state.phase === 'done' ? state.answer.insurability.patient.ssin : undefined;
  return (
    <section data-testid="patient-panel">
      <h2>{t('patientTitle')}</h2>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (ssin !== undefined) consult('insurability.get', ssin, contactType);
        }}
      >
        <label>
          {t('patientSsin')}
          <input
            data-testid="patient-ssin"
            value={ssinInput}
            inputMode="numeric"
            autoComplete="off"
            maxLength={20}
            aria-invalid={ssinInput !== '' && ssin === undefined}
            onInput={(event) => setSsinInput(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('contactType')}
          <select data-testid="contact-type" value={contactType} onChange={(event) => setContactType(event.currentTarget.value === 'hospitalized' ? 'hospitalized' : 'other')}>
            <option value="other">{t('contactType_other')}</option>
            <option value="hospitalized">{t('contactType_hospitalized')}</option>
          </select>
        </label>
        <button type="submit" data-testid="check-insurability" disabled={ssin === undefined || state.phase === 'loading'}>
          {t('checkInsurability')}
        </button>
      </form>
      {ssinInput !== '' && ssin === undefined && <p class="field-problem">{t('ssinInvalid')}</p>}
      {state.phase === 'confirm' && (
        <article class="card" data-testid="proposed-patient" data-ssin={state.ssin} data-cache-checked={String(state.cacheChecked)}>
          <p>{t('proposedPatientIntro')}</p>
          <dl>
            <dt>{t('patientName')}</dt>
            <dd data-testid="proposed-patient-name">{proposedPatient?.name ?? '—'}</dd>
            <dt>{t('patientSsin')}</dt>
            <dd data-testid="proposed-patient-ssin">{state.ssin}</dd>
            <dt>{t('patientBirthDate')}</dt>
            <dd data-testid="proposed-patient-birth-date">{proposedPatient?.birthDate ?? '—'}</dd>
          </dl>
          <button type="button" data-testid="consult-insurability" onClick={() => consult('insurability.get', state.ssin, contactType)}>
            {t('consultInsurability')}
          </button>
        </article>
      )}
      {state.phase === 'loading' && <p class="muted" data-testid="insurability-loading">{t('insurabilityLoading')}</p>}
      {state.phase === 'failed' && (
        <div data-testid="insurability-error">
          <ErrorNotice error={state.error} />
        </div>
      )}
      {state.phase === 'done' && (
        <>
          <InsurabilityCard
            answer={state.answer}
            onRefresh={() => consult('insurability.refresh', state.answer.insurability.patient.ssin, contactType)}
          />
          {shownSsin !== undefined && <TariffsView ssin={shownSsin} proposedCodes={proposedCodes ?? []} proposedTeeth={proposedTeeth ?? {}} />}
          {shownSsin !== undefined && <DmgHolderView ssin={shownSsin} />}
        </>
      )}
    </section>
  );
}
