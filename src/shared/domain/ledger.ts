import type { Cents } from './money-text.js';
import type { AttestationRecord, RecordStatus } from './receipt.js';

/**
 * The ledger of eAttests: what the popup's "Today" and the practice's bookkeeping export show of
 * each record, from the records alone (no zod, so that the popup loads it without the schemas).
 */

/** When a record happened for the ledger: its acknowledgement, else when its send started. */
export function ledgerInstant(record: AttestationRecord): string {
  return record.acknowledgedAt ?? record.startedAt;
}

/** What the practice received: the amounts paid of the acknowledged eAttests (a cancelled one no longer counts). */
export function acknowledgedTotalCents(records: readonly AttestationRecord[]): Cents {
  return records.filter((record) => record.status === 'acknowledged').reduce((total, record) => total + record.attestation.patientPaidCents, 0);
}

/** The acts of a record as "101076, 475075 x2". */
export function codesText(record: AttestationRecord): string {
  return record.attestation.acts.map((act) => (act.quantity > 1 ? `${act.code} x${act.quantity}` : act.code)).join(', ');
}

/** The patient as the clinician's EHR lists them: family name first. */
export function patientName(record: AttestationRecord): string {
  return `${record.attestation.patient.lastName} ${record.attestation.patient.firstName}`;
}

/**
 * Each status as one fixed English word or two, for the export: a spreadsheet set up on these
 * words keeps working whatever language the clinician's popup speaks.
 */
export const LEDGER_STATUS_WORDS: Readonly<Record<RecordStatus, string>> = {
  acknowledged: 'acknowledged',
  cancelled: 'cancelled',
  refused: 'refused',
  unknown: 'unknown outcome',
  abandoned: 'abandoned',
  pending: 'sending',
  notSent: 'not sent',
};
