import { useEffect, useState } from 'preact/hooks';
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

type State = { phase: 'idle' } | { phase: 'loading' } | { phase: 'done'; answer: InsurabilityAnswer } | { phase: 'failed'; error: ErrorPayload };

export interface PatientPanelProps {
  /** The patient proposed by the EHR page, when there is one. */
  proposedSsin?: string | undefined;
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
 * DMG holder on the clinician's click only.
 */
export function PatientPanel({ proposedSsin, proposedCodes, proposedTeeth, onPatient }: PatientPanelProps) {
  const [ssinInput, setSsinInput] = useState(proposedSsin ?? '');
  const [contactType, setContactType] = useState<ContactType>('other');
  const [state, setState] = useState<State>({ phase: 'idle' });
  const ssin = normaliseSsin(ssinInput);

  const consult = (type: 'insurability.get' | 'insurability.refresh', forSsin: string, forContact: ContactType) => {
    setState({ phase: 'loading' });
    askBackground({ type, ssin: forSsin, contactType: forContact })
      .then((answer) => {
        setState({ phase: 'done', answer });
        onPatient?.(answer.insurability.patient);
      })
      .catch((error: unknown) => setState({ phase: 'failed', error: toErrorPayload(error) }));
  };

  // A patient proposed by the EHR page is a contact: the background consults (or reuses) once.
  useEffect(() => {
    const proposed = proposedSsin === undefined ? undefined : normaliseSsin(proposedSsin);
    if (proposed !== undefined) {
      setSsinInput(proposed);
      consult('insurability.get', proposed, 'other');
    }
  }, [proposedSsin]);

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
