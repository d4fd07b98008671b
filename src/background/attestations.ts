import { attestationCheckError, attestationProblems } from '../shared/domain/attestation-checks.js';
import { consultationKey, type Attestation, type CancelReason } from '../shared/domain/attestation.js';
import { brusselsDate } from '../shared/domain/calendar.js';
import type { Profession } from '../shared/domain/profession.js';
import type { Language } from '../shared/languages.js';
import type { AttestationRecord, AttestOutcome, CancelOutcome, JournalSend, PatientShares, RecordStatus } from '../shared/domain/receipt.js';
import { AppError, toErrorPayload } from '../shared/errors.js';
import { BACKGROUND_ATTEST_WAIT_MS } from '../shared/transmission-timing.js';
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

/** For the patient's supporting document: the language the EHR page gave for them, and their share of each act when this contact's tariffs were checked. */
export interface ReceiptDetails {
  patientLanguage?: Language | undefined;
  patientShares?: PatientShares | undefined;
}

export class Attestations {
  /** Sends waiting for the host's answer: reconciliation leaves them alone. */
  private readonly inFlight = new Set<string>();
  /** When the send in flight of a provider, patient and day started: one at a time (the host's rule too). */
  private readonly sendingRooms = new Map<string, number>();

  constructor(
    private readonly host: HostRequest,
    private readonly store: AttestationStore,
    /** Today's insurer of a patient, from the insurability cache (JSIS patients are routed to "rcam"). */
    private readonly insurerOf: (ssin: string) => Promise<string | undefined> = () => Promise.resolve(undefined),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `forReceipt`: what the patient's supporting document needs beside the attestation, kept on its record. */
  async send(attestation: Attestation, journalAnchor?: { seq: number; hash: string }, forReceipt: ReceiptDetails = {}): Promise<AttestOutcome> {
    const { patientLanguage, patientShares } = forReceipt;
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
    // One send per provider, patient and day at a time: "Send again" while one is on its way is
    // refused here rather than queued in the host, so that the wait below stays the host's worst case.
    const room = `${provider.nihii11}|${attestation.patient.ssin}|${attestation.careDate}`;
    const sendingSince = this.sendingRooms.get(room);
    if (sendingSince !== undefined) {
      const retryAfterS = Math.max(1, Math.ceil((sendingSince + BACKGROUND_ATTEST_WAIT_MS - this.now().getTime()) / 1000));
      throw new AppError('SEND_IN_FLIGHT', 'an eAttest for this patient and day is still on its way to the insurer', { retryAfterS });
    }
    const startedAt = this.now().toISOString();
    const pending: AttestationRecord = {
      consultationKey: key,
      careDate: attestation.careDate,
      attestation,
      status: 'pending',
      startedAt,
      updatedAt: startedAt,
      ...(patientLanguage !== undefined ? { patientLanguage } : {}),
      ...(patientShares !== undefined ? { patientShares } : {}),
    };
    this.sendingRooms.set(room, this.now().getTime());
    try {
      await this.store.putRecord(pending);
    } catch (error) {
      this.sendingRooms.delete(room);
      throw error;
    }
    this.inFlight.add(key);
    try {
      const jsis = (await insurer) === 'rcam';
      const outcome = await this.host('attest', { attestation, ...(jsis ? { jsis } : {}), ...(journalAnchor !== undefined ? { journalAnchor } : {}) });
      await this.recordOutcome(pending, outcome);
      return outcome;
    } catch (error) {
      const payload = toErrorPayload(error);
      // A refusal before sending (duplicate in the journal, not today, another attempt still on the
      // wire) settles nothing; anything else leaves the outcome unknown until the journal says.
      const status: RecordStatus = NOTHING_SENT.has(payload.code) ? (earlier?.status ?? 'notSent') : 'unknown';
      const inputReference = payload.details?.['inputReference'];
      await this.store.putRecord({
        ...pending,
        status,
        lastError: payload.code,
        ...(status === 'unknown' && typeof inputReference === 'string' ? { inputReference } : {}),
        updatedAt: this.now().toISOString(),
      });
      throw error;
    } finally {
      this.inFlight.delete(key);
      this.sendingRooms.delete(room);
    }
  }

  /**
   * The record keeps what the insurer received (the host's outcome), never the draft: on a retry
   * of an earlier send whose outcome was unknown, the host re-sent the stored request, which may be
   * another consultation (the clinician edited the acts since) or another content (the amounts).
   */
  private async recordOutcome(pending: AttestationRecord, outcome: AttestOutcome): Promise<void> {
    const now = this.now();
    if (outcome.consultationKey === pending.consultationKey) {
      await this.store.putRecord(recordOf(pending, outcome, now));
      return;
    }
    // The draft (its own key) did not go out at all.
    await this.store.putRecord({ ...pending, status: 'notSent', updatedAt: now.toISOString() });
    const sent = (await this.store.record(outcome.consultationKey)) ?? { ...pending, consultationKey: outcome.consultationKey };
    await this.store.putRecord(recordOf(sent, outcome, now));
  }

  /** Gives up a send whose outcome stayed unknown, after the clinician checked with the insurer. */
  async abandon(consultationKeyOfSend: string, reason: string): Promise<AttestationRecord> {
    const record = await this.store.record(consultationKeyOfSend);
    if (record?.status !== 'unknown' || record.inputReference === undefined) {
      throw new AppError('INVALID_MESSAGE', 'only a send whose outcome is unknown can be given up', { status: record?.status ?? 'none' });
    }
    await this.host('abandon', { inputReference: record.inputReference, reason });
    const abandoned: AttestationRecord = { ...record, status: 'abandoned', updatedAt: this.now().toISOString() };
    await this.store.putRecord(abandoned);
    return abandoned;
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
      if (record.status !== send.status || record.acknowledgementNumber !== send.acknowledgementNumber || record.inputReference !== send.inputReference) {
        await this.store.putRecord({
          ...record,
          status: send.status,
          // What the insurer received is what the journal's send record holds.
          attestation: send.attestation,
          inputReference: send.inputReference,
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

/** Errors that mean the host sent nothing for this draft. */
const NOTHING_SENT: ReadonlySet<string> = new Set(['ALREADY_ATTESTED', 'DATE_NOT_ALLOWED', 'SEND_IN_FLIGHT', 'JOURNAL_TAMPERED']);

function recordOf(pending: AttestationRecord, outcome: AttestOutcome, now: Date): AttestationRecord {
  // A settled record keeps no error of an earlier attempt.
  const record: AttestationRecord = { ...pending };
  delete record.lastError;
  if (outcome.outcome === 'acknowledged') {
    return {
      ...record,
      // The attestation the insurer received and acknowledged: the receipt prints this one.
      attestation: outcome.attestation,
      inputReference: outcome.inputReference,
      status: 'acknowledged',
      acknowledgementNumber: outcome.acknowledgementNumber,
      acknowledgedAt: outcome.acknowledgedAt,
      outcome,
      updatedAt: now.toISOString(),
    };
  }
  return { ...record, inputReference: outcome.inputReference, status: 'refused', outcome, updatedAt: now.toISOString() };
}

function recordFromJournal(send: JournalSend): AttestationRecord {
  return {
    consultationKey: send.consultationKey,
    careDate: send.careDate,
    attestation: send.attestation,
    status: send.status,
    inputReference: send.inputReference,
    startedAt: send.at,
    updatedAt: send.at,
    ...(send.acknowledgementNumber !== undefined ? { acknowledgementNumber: send.acknowledgementNumber } : {}),
  };
}
