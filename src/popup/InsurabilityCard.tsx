import type { Insurability, Route } from '../shared/domain/insurability.js';
import type { InsurabilityAnswer } from '../shared/extension-protocol.js';
import { ErrorNotice } from '../ui/ErrorNotice.js';
import { t, type MessageKey } from '../ui/i18n.js';
import type { PatientInsurability } from './patient-insurability.js';

/**
 * The verdict as one coloured line: eAttest when the patient is in order, else the route to take
 * instead (eFact, paper) and why. The glance shows it above the acts.
 */
export function RouteBanner({ route }: { route: Route }) {
  const tone = route.kind === 'eattest' ? 'ok' : route.kind === 'efact' ? 'warn' : 'stop';
  return (
    <p class={`verdict verdict-${tone}`} role="status" data-testid="route-banner" data-route={route.kind} data-reason={route.reason}>
      <strong>{t(`route_${route.kind}` as MessageKey)}</strong>
      {` · ${t(`routeReason_${route.reason}` as MessageKey)}`}
    </p>
  );
}

/**
 * The glance's insurability line: the verdict once known; before that (a popup the in-page button
 * opened asks nothing by itself) a note that Send asks first, and "Check now" to ask without sending.
 */
export function VerdictLine({ insurability }: { insurability: PatientInsurability }) {
  const { state } = insurability;
  switch (state.phase) {
    case 'idle':
      return null;
    case 'confirm':
      return (
        <p class="verdict verdict-pending" data-testid="proposed-patient" data-ssin={state.ssin} data-cache-checked={String(state.cacheChecked)}>
          {t('glanceVerdictPending')}{' '}
          <button type="button" class="link" data-testid="consult-insurability" onClick={() => void insurability.consult(state.ssin).catch(() => undefined)}>
            {t('glanceCheckNow')}
          </button>
        </p>
      );
    case 'loading':
      return (
        <p class="verdict verdict-pending" role="status" data-testid="insurability-loading">
          {t('insurabilityLoading')}
        </p>
      );
    case 'failed':
      return (
        <div data-testid="insurability-error">
          <ErrorNotice error={state.error} compact />
        </div>
      );
    case 'done':
      return <RouteBanner route={state.answer.insurability.route} />;
  }
}

/** Warnings we explain in our words; any other is shown with its code and the insurer's text. */
const EXPLAINED_WARNINGS = new Set(['PartialAnswer', 'MUTATION', 'ONLY_FIVE_PERIODS_RETURNED']);

function currentPeriod(insurability: Insurability) {
  return insurability.periods.find((period) => period.start <= insurability.date && (period.end === undefined || period.end >= insurability.date)) ?? insurability.periods[0];
}

function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(t('languageCode'), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** What the insurer says about the patient today. Values are rendered as text, never as markup. */
export function InsurabilityCard({ answer, onRefresh }: { answer: InsurabilityAnswer; onRefresh: () => void }) {
  const { insurability, fromCache } = answer;
  const { patient } = insurability;
  const period = currentPeriod(insurability);
  const name = [patient.familyName, patient.firstName].filter((part) => part !== undefined).join(', ');
  return (
    <article class="card" data-testid="insurability-card" data-from-cache={String(fromCache)}>
      <dl>
        <dt>{t('patientName')}</dt>
        <dd data-testid="patient-name">{name === '' ? '—' : name}</dd>
        {patient.birthDate !== undefined && (
          <>
            <dt>{t('patientBirthDate')}</dt>
            <dd>{patient.birthDate}</dd>
          </>
        )}
        {patient.deceasedDate !== undefined && (
          <>
            <dt>{t('patientDeceased')}</dt>
            <dd>{patient.deceasedDate}</dd>
          </>
        )}
        <dt>{t('insurer')}</dt>
        <dd data-testid="insurer">{insurability.insurer === 'rcam' ? t('insurerJsis') : insurability.insurer}</dd>
        {period !== undefined && (
          <>
            <dt>{t('mutuality')}</dt>
            <dd data-testid="mutuality">{period.mutuality}</dd>
            <dt>{t('period')}</dt>
            <dd>{`${period.start} → ${period.end ?? '…'}`}</dd>
            {period.ct1 !== undefined && (
              <>
                <dt>{t('ct1ct2')}</dt>
                <dd data-testid="ct1ct2">{`${period.ct1} / ${period.ct2 ?? '—'}`}</dd>
              </>
            )}
          </>
        )}
        <dt>{t('thirdPartyPayment')}</dt>
        <dd data-testid="third-party">{insurability.paymentByInsurer ? t('yes') : t('no')}</dd>
        {insurability.medicalHouse !== undefined && (
          <>
            <dt>{t('medicalHouse')}</dt>
            <dd data-testid="medical-house">{insurability.medicalHouse.nihii11}</dd>
          </>
        )}
        {insurability.hospitalisation !== undefined && (
          <>
            <dt>{t('hospitalisation')}</dt>
            <dd data-testid="hospitalisation">{`${insurability.hospitalisation.hospitalNihii} ${insurability.hospitalisation.admissionDate ?? ''}`}</dd>
          </>
        )}
      </dl>
      {insurability.warnings.length > 0 && (
        <ul class="warnings" data-testid="insurability-warnings">
          {insurability.warnings.map((warning) => (
            <li key={warning.code} data-code={warning.code}>
              {EXPLAINED_WARNINGS.has(warning.code) ? t(`warning_${warning.code}` as MessageKey) : `${warning.code}${warning.message !== undefined ? `: ${warning.message}` : ''}`}
            </li>
          ))}
        </ul>
      )}
      <p class="muted">
        {fromCache ? t('insurabilityFromCache', formatTime(insurability.consultedAt)) : t('insurabilityConsulted', formatTime(insurability.consultedAt))}{' '}
        <button type="button" class="link" data-testid="refresh-insurability" onClick={onRefresh}>
          {t('refreshInsurability')}
        </button>
      </p>
    </article>
  );
}
