import type { Attestation } from '../shared/domain/attestation.js';
import { formatCents } from '../shared/domain/money-text.js';
import { t } from './i18n.js';

/**
 * The services of an attestation as the clinician confirms them and as the patient's supporting
 * document lists them: code (with tooth, side and prescriber when given), quantity, amount paid,
 * and on the receipt whether each is reimbursable (supplements are not).
 */
export function ActsTable({ attestation, rowTestId, withReimbursable = false }: { attestation: Attestation; rowTestId: string; withReimbursable?: boolean }) {
  const locale = t('languageCode');
  return (
    <table>
      <thead>
        <tr>
          <th>{t('actCode')}</th>
          <th>{t('actQuantity')}</th>
          {withReimbursable && <th>{t('reimbursable')}</th>}
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
            <td class="amount">{act.amountPaidCents === undefined ? '—' : formatCents(act.amountPaidCents, locale)}</td>
          </tr>
        ))}
        {withReimbursable && attestation.supplementCents !== undefined && (
          <tr data-testid="receipt-supplement">
            <td>{t('supplement')}</td>
            <td>1</td>
            <td>{t('no')}</td>
            <td class="amount">{formatCents(attestation.supplementCents, locale)}</td>
          </tr>
        )}
      </tbody>
      {withReimbursable && (
        <tfoot>
          <tr>
            <th colSpan={3}>{t('totalPaid')}</th>
            <td class="amount" data-testid="receipt-total">
              {formatCents(attestation.patientPaidCents + (attestation.supplementCents ?? 0), locale)}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
