import { attestationCheckError, attestationProblems } from '../shared/domain/attestation-checks.js';
import { consultationKey, type Attestation, type CancelReason } from '../shared/domain/attestation.js';
import { brusselsDate } from '../shared/domain/calendar.js';
import type { Profession } from '../shared/domain/profession.js';
import type { AttestationRecord, AttestOutcome, CancelOutcome, JournalSend, RecordStatus } from '../shared/domain/receipt.js';
import { AppError, toErrorPayload } from '../shared/errors.js';
import type { HostRequest } from './patient-data.js';

/**
 * The extension's side of sending an eAttest. The host's journal is the source of truth and makes
 * sends idempotent; the extension keeps a record per consultation so that the popup can show
 * today's history, print receipts, and tell the clinician about a send whose outcome it never
 * heard (the worker stopped, the host crashed). Such a record is written *before* the host is
 * asked, and settled from the journal when the worker starts again.
 */

export type { AttestationRecord };

export interface AttestationStore {
  record(consultationKey: string): Promise<AttestationRecord | undefined>;
  putRecord(record: AttestationRecord): Promise<void>;
  recordsOf(careDate: string): Promise<AttestationRecord[]>;
  recordByAcknowledgement(acknowledgementNumber: string): Promise<AttestationRecord | undefined>;
}

export class Attestations {
  /** Sends waiting for the host's answer: reconciliation leaves them alone. */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly host: HostRequest,
    private readonly store: AttestationStore,
    /** Today's insurer of a patient, from the insurability cache (JSIS patients are routed to "rcam"). */
    private readonly insurerOf: (ssin: string) => Promise<string | undefined> = () => Promise.resolve(undefined),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(attestation: Attestation): Promise<AttestOutcome> {
    const today = brusselsDate(this.now());
    // Today's care only (PROTOCOL rule 6); the host checks again before it journals.
    if (attestation.careDate !== today) throw new AppError('DATE_NOT_ALLOWED', 'an eAttest is sent for today’s care only', { careDate: attestation.careDate, today });
    // The insurers' rules the popup showed (defense in depth: a page that skipped them is refused here too).
    refuseWithProblems(attestation, today, undefined);
    // The insurer (JSIS routing) is read from the cache while the host signs in: on a cold host the
    // sign-in is the long part, and the read needs nothing from it.
    const insurer = this.insurerOf(attestation.patient.ssin);
    // Its failure is reported where it is awaited, inside the send's own error handling.
    insurer.catch(() => undefined);
    const provider = await this.host('provider', {});
    // The rules that need the profession, as the platform certified it.
    refuseWithProblems(attestation, today, provider.profession);
    const key = await consultationKey(provider.nihii11, attestation);
    const earlier = await this.store.record(key);
    if (earlier?.status === 'acknowledged' && earlier.acknowledgementNumber !== undefined) {
      throw new AppError('ALREADY_ATTESTED', 'this consultation already has an acknowledged eAttest', { acknowledgementNumber: earlier.acknowledgementNumber });
    }
    const startedAt = this.now().toISOString();
    const pending: AttestationRecord = { consultationKey: key, careDate: attestation.careDate, attestation, status: 'pending', startedAt, updatedAt: startedAt };
    await this.store.putRecord(pending);
    this.inFlight.add(key);
    try {
      const jsis = (await insurer) === 'rcam';
      const outcome = await this.host('attest', { attestation, ...(jsis ? { jsis } : {}) });
      await this.store.putRecord(recordOf(pending, outcome, this.now()));
      return outcome;
    } catch (error) {
      const code = toErrorPayload(error).code;
      // A refusal before sending (duplicate in the journal, not today) settles nothing; anything
      // else leaves the outcome unknown until the journal says.
      const status: RecordStatus = code === 'ALREADY_ATTESTED' || code === 'DATE_NOT_ALLOWED' ? (earlier?.status ?? 'notSent') : 'unknown';
      await this.store.putRecord({ ...pending, status, lastError: code, updatedAt: this.now().toISOString() });
      throw error;
    } finally {
      this.inFlight.delete(key);
    }
  }

  async cancel(acknowledgementNumber: string, patientSsin: string, reason: CancelReason): Promise<CancelOutcome> {
    const outcome = await this.host('cancel', { acknowledgementNumber, patientSsin, reason });
    const record = await this.store.recordByAcknowledgement(acknowledgementNumber);
    if (record !== undefined) {
      await this.store.putRecord({
        ...record,
        status: outcome.outcome === 'cancelled' ? 'cancelled' : record.status,
        cancellation: outcome,
        updatedAt: this.now().toISOString(),
      });
    }
    return outcome;
  }

  /** Today's sends, after settling every record whose outcome the extension did not hear. */
  async today(): Promise<AttestationRecord[]> {
    const today = brusselsDate(this.now());
    await this.reconcile(today);
    return (await this.store.recordsOf(today)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /**
   * When the worker starts: if a send of today was left without an outcome (the worker or the host
   * stopped while it ran), settle it from the journal now rather than when the popup next opens.
   * Nothing to settle, nothing asked: the host is not started for nothing.
   */
  async settleLeftovers(): Promise<void> {
    const today = brusselsDate(this.now());
    const records = await this.store.recordsOf(today);
    if (records.some((record) => record.status === 'pending' || record.status === 'unknown')) await this.reconcile(today);
  }

  /** Brings the records of a day in line with the host's journal, which is the truth. */
  async reconcile(date: string): Promise<void> {
    const records = await this.store.recordsOf(date);
    const unsettled = records.filter((record) => (record.status === 'pending' || record.status === 'unknown') && !this.inFlight.has(record.consultationKey));
    const { sends } = await this.host('journalDay', { date });
    const known = new Set(records.map((record) => record.consultationKey));
    for (const send of sends) {
      const record = records.find((candidate) => candidate.consultationKey === send.consultationKey);
      if (record === undefined || this.inFlight.has(record.consultationKey)) {
        // Sent from another profile or the command line: shown in the history all the same.
        if (!known.has(send.consultationKey)) await this.store.putRecord(recordFromJournal(send));
        continue;
      }
      if (record.status !== send.status || record.acknowledgementNumber !== send.acknowledgementNumber) {
        await this.store.putRecord({
          ...record,
          status: send.status,
          ...(send.acknowledgementNumber !== undefined ? { acknowledgementNumber: send.acknowledgementNumber } : {}),
          updatedAt: send.at,
        });
      }
    }
    // A pending record the journal never saw was not sent at all: the host was not reached.
    for (const record of unsettled) {
      if (!sends.some((send) => send.consultationKey === record.consultationKey)) {
        await this.store.putRecord({ ...record, status: 'notSent', lastError: record.lastError ?? 'HOST_CRASHED', updatedAt: this.now().toISOString() });
      }
    }
  }

  receipt(consultationKeyOfSend: string): Promise<AttestationRecord | undefined> {
    return this.store.record(consultationKeyOfSend);
  }
}

function refuseWithProblems(attestation: Attestation, today: string, profession: Profession | undefined): void {
  const problems = attestationProblems(attestation, { today, profession });
  if (problems.length > 0) throw attestationCheckError(problems);
}

function recordOf(pending: AttestationRecord, outcome: AttestOutcome, now: Date): AttestationRecord {
  if (outcome.outcome === 'acknowledged') {
    return {
      ...pending,
      status: 'acknowledged',
      acknowledgementNumber: outcome.acknowledgementNumber,
      acknowledgedAt: outcome.acknowledgedAt,
      outcome,
      updatedAt: now.toISOString(),
    };
  }
  return { ...pending, status: 'refused', outcome, updatedAt: now.toISOString() };
}

function recordFromJournal(send: JournalSend): AttestationRecord {
  return {
    consultationKey: send.consultationKey,
    careDate: send.careDate,
    attestation: send.attestation,
    status: send.status,
    startedAt: send.at,
    updatedAt: send.at,
    ...(send.acknowledgementNumber !== undefined ? { acknowledgementNumber: send.acknowledgementNumber } : {}),
  };
}
