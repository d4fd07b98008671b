import type { Insurability, Route } from '../shared/domain/insurability.js';
import type { InsurabilityAnswer } from '../shared/extension-protocol.js';
import { t, type MessageKey } from '../ui/i18n.js';

/** The route banner: eAttest when the patient is in order, else why not and what to do instead. */
export function RouteBanner({ route }: { route: Route }) {
  const tone = route.kind === 'eattest' ? 'ok' : route.kind === 'efact' ? 'warn' : 'stop';
  return (
    <div class={`banner banner-${tone}`} role="status" data-testid="route-banner" data-route={route.kind} data-reason={route.reason}>
      <strong>{t(`route_${route.kind}` as MessageKey)}</strong>
      <p>{t(`routeReason_${route.reason}` as MessageKey)}</p>
    </div>
  );
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
      <RouteBanner route={insurability.route} />
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
