import { useState } from 'preact/hooks';
import { normaliseSsin } from '../shared/domain/identifier-rules.js';
import { t } from '../ui/i18n.js';
import type { PatientInsurability } from './patient-insurability.js';

/**
 * A patient typed by the clinician, when no EHR page proposes one: the popup's only patient identity
 * then (with a page, the SSIN is the one read, corrected among the fields as read).
 */
export function ManualPatientForm({ insurability }: { insurability: PatientInsurability }) {
  const [ssinInput, setSsinInput] = useState('');
  const ssin = normaliseSsin(ssinInput);
  const { state, contactType, setContactType } = insurability;
  return (
    <section data-testid="patient-panel">
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (ssin !== undefined) insurability.consult(ssin).catch(() => undefined);
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
    </section>
  );
}
