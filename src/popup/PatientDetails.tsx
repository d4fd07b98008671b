import { t } from '../ui/i18n.js';
import { DmgHolderView } from './DmgHolderView.js';
import { InsurabilityCard } from './InsurabilityCard.js';
import type { PatientInsurability } from './patient-insurability.js';
import { TariffsView } from './TariffsView.js';

/**
 * What the insurer says in full (periods, insurer, third-party payment), and the tariffs and DMG
 * holder on the clinician's click only: one click away from the glance, in its "More" disclosure.
 */
export function PatientDetails({ insurability, proposedCodes, proposedTeeth }: { insurability: PatientInsurability; proposedCodes: readonly string[]; proposedTeeth: Readonly<Record<string, string>> }) {
  const { state } = insurability;
  if (state.phase !== 'done') return <p class="muted">{t('glanceDetailsAfterCheck')}</p>;
  const ssin = state.answer.insurability.patient.ssin;
  return (
    <>
      <InsurabilityCard answer={state.answer} onRefresh={() => void insurability.consult(ssin, true).catch(() => undefined)} />
      <TariffsView ssin={ssin} proposedCodes={proposedCodes} proposedTeeth={proposedTeeth} />
      <DmgHolderView ssin={ssin} />
    </>
  );
}
