import type { Attestation } from '../shared/domain/attestation.js';
import { formatCents } from '../shared/domain/money-text.js';
import { t } from './i18n.js';

/**
 * The services of an attestation as the clinician confirms them and as the patient's supporting
 * document lists them: code (with tooth, side and prescriber when given), quantity, amount paid,
 * and on the receipt whether each is reimbursable (supplements are not).
 */
export function ActsTable({
  attestation,
  rowTestId,
  withReimbursable = false,
  patientShares,
}: {
  attestation: Attestation;
  rowTestId: string;
  withReimbursable?: boolean;
  /** The patient's share of each act's official fee, by code, when this contact's tariffs were checked: a column of its own. */
  patientShares?: Readonly<Record<string, number>> | undefined;
}) {
  const locale = t('languageCode');
  const withShares = patientShares !== undefined && attestation.acts.some((act) => patientShares[act.code] !== undefined);
  const columns = 3 + (withReimbursable ? 1 : 0) + (withShares ? 1 : 0);
  return (
    <table>
      <thead>
        <tr>
          <th>{t('actCode')}</th>
          <th>{t('actQuantity')}</th>
          {withReimbursable && <th>{t('reimbursable')}</th>}
          {withShares && <th>{t('receiptPatientShare')}</th>}
          <th>{t('actAmountPaid')}</th>
        </tr>
      </thead>
      <tbody>
        {attestation.acts.map((act, index) => (
          <tr key={index} data-testid={rowTestId}>
            <td>
              {act.code}
              {act.tooth !== undefined && <span class="muted">{` ${t('actTooth')} ${act.tooth}${act.side === undefined ? '' : ` (${t(`side_${act.side}`)})`}`}</span>}
              {act.prescriberNihii !== undefined && <span class="muted">{` ${t('actPrescriber')} ${act.prescriberNihii}${act.prescriptionDate === undefined ? '' : ` (${act.prescriptionDate})`}`}</span>}
              {act.placeNihii !== undefined && (
                <span class="muted">{` ${t('field_place')} ${act.placeNihii}${act.placeType === undefined ? '' : ` (${act.placeType}${act.placeServiceCode === undefined ? '' : ` ${act.placeServiceCode}`})`}`}</span>
              )}
            </td>
            <td>{act.quantity}</td>
            {withReimbursable && <td>{t('yes')}</td>}
            {withShares && (
              <td class="amount" data-testid="act-patient-share">
                {patientShares[act.code] === undefined ? '—' : formatCents((patientShares[act.code] ?? 0) * act.quantity, locale)}
              </td>
            )}
            <td class="amount">{act.amountPaidCents === undefined ? '—' : formatCents(act.amountPaidCents, locale)}</td>
          </tr>
        ))}
        {withReimbursable && attestation.supplementCents !== undefined && (
          <tr data-testid="receipt-supplement">
            <td>{t('supplement')}</td>
            <td>1</td>
            <td>{t('no')}</td>
            {withShares && <td />}
            <td class="amount">{formatCents(attestation.supplementCents, locale)}</td>
          </tr>
        )}
      </tbody>
      {withReimbursable && (
        <tfoot>
          <tr>
            <th colSpan={columns - 1}>{t('totalPaid')}</th>
            <td class="amount" data-testid="receipt-total">
              {formatCents(attestation.patientPaidCents + (attestation.supplementCents ?? 0), locale)}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
