import { brusselsDate, brusselsTime, daysOfMonth } from '../shared/domain/calendar.js';
import { formatNihii, formatSsin } from '../shared/domain/identifier-formats.js';
import { codesText, LEDGER_STATUS_WORDS, ledgerInstant, patientName } from '../shared/domain/ledger.js';
import { decimalCommaAmount } from '../shared/domain/money-text.js';
import type { AttestationRecord } from '../shared/domain/receipt.js';
import { AppError } from '../shared/errors.js';
import { MAX_LEDGER_EXPORT_ROWS, type LedgerExport, type LedgerPeriod } from '../shared/extension-protocol.js';
import { writeCsv } from './csv.js';

/**
 * The practice's bookkeeping: the eAttests of a day or a month as CSV, from the extension's
 * records (IndexedDB), one row per consultation with its status as it stands now.
 */

export interface LedgerStore {
  /** The records whose care date is from `firstDate` to `lastDate` included, at most `limit`. */
  recordsBetween(firstDate: string, lastDate: string, limit: number): Promise<AttestationRecord[]>;
}

export const LEDGER_CSV_HEADER = [
  'Care date',
  'Acknowledged at',
  'Patient',
  'SSIN',
  'Codes',
  'Amount paid (EUR)',
  'Acknowledgement number',
  'Status',
  'Cancelled at',
  'Cancellation reason',
  'Provider NIHII',
] as const;

/** Belgian wall-clock date and time of an ISO instant, "2026-12-07 10:15". */
function brusselsDateTime(iso: string): string {
  const instant = new Date(iso);
  return `${brusselsDate(instant)} ${brusselsTime(instant)}`;
}

export function ledgerCsvRow(record: AttestationRecord): string[] {
  const cancellation = record.cancellation?.outcome === 'cancelled' ? record.cancellation : undefined;
  const provider = record.outcome?.outcome === 'acknowledged' ? record.outcome.provider : undefined;
  return [
    record.careDate,
    record.acknowledgedAt !== undefined ? brusselsTime(new Date(record.acknowledgedAt)) : '',
    patientName(record),
    formatSsin(record.attestation.patient.ssin),
    codesText(record),
    decimalCommaAmount(record.attestation.patientPaidCents),
    record.acknowledgementNumber ?? '',
    LEDGER_STATUS_WORDS[record.status],
    cancellation !== undefined ? brusselsDateTime(cancellation.cancelledAt) : '',
    cancellation?.reason ?? '',
    // Known from the acknowledgement; a record rebuilt from the host's journal does not name it.
    provider !== undefined ? formatNihii(provider.nihii11) : '',
  ];
}

export class Ledger {
  constructor(private readonly store: LedgerStore) {}

  async export(period: LedgerPeriod): Promise<LedgerExport> {
    const { first, last } = period.kind === 'day' ? { first: period.date, last: period.date } : daysOfMonth(period.month);
    const records = await this.store.recordsBetween(first, last, MAX_LEDGER_EXPORT_ROWS + 1);
    if (records.length > MAX_LEDGER_EXPORT_ROWS) {
      throw new AppError('MESSAGE_TOO_LARGE', 'too many eAttests for one export: export the days separately', { limit: MAX_LEDGER_EXPORT_ROWS });
    }
    const inOrder = [...records].sort((a, b) => a.careDate.localeCompare(b.careDate) || Date.parse(ledgerInstant(a)) - Date.parse(ledgerInstant(b)));
    return {
      fileName: `eattest-${period.kind === 'day' ? period.date : period.month}.csv`,
      csv: writeCsv(LEDGER_CSV_HEADER, inOrder.map(ledgerCsvRow)),
      rows: inOrder.length,
    };
  }
}
