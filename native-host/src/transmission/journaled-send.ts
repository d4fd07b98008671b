import { attestationCheckError, attestationProblems } from '../../../src/shared/domain/attestation-checks.js';
import { consultationKey, type Attestation } from '../../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../../src/shared/domain/calendar.js';
import type { AttestOutcome } from '../../../src/shared/domain/receipt.js';
import { AppError } from '../../../src/shared/errors.js';
import { supervisorFor, type HostConfig } from '../config.js';
import { exchangeEtks } from '../ehealth/etk/etk-depot.js';
import type { EhealthServices } from '../ehealth/services.js';
import { currentExecutor, isEntryOfKind, type Disturbance, type EntryOfKind, type Executor, type JournalEntry, type RecordOfKind } from '../journal/entry.js';
import { canonicalJson } from '../journal/chain.js';
import { crashPoint } from './crash-points.js';
import { oneAtATime } from './in-flight.js';
import { decideSend } from './send-rules.js';
import { Journal } from '../journal/journal.js';
import { refusalError, reserveSend, type SendGo } from './send-reservation.js';
import type { Logger } from '../log.js';
import { careProviderOf, ownEtkOf, providerDisplayName, type CareProvider } from '../mycarenet/commons/care-provider.js';
import { appendOutcome, noteSignatureCheck, outcomeFields, refusedResult, unansweredResult, unreadableAnswer } from './journaled-outcome.js';
import { disturbance, observedCall } from './observed-call.js';
import { ATTEST_SOAP_ACTIONS } from '../mycarenet/eattest/protocol.js';
import { readSendAnswer, sealAttestation, sendAttestationRequest, type SealedAttestation } from '../mycarenet/eattest/send-attestation.js';
import { loadSendRecord, saveSendRecord } from './send-records.js';
import type { SignedAnswer } from '../mycarenet/eattest/signature-evidence.js';

/**
 * The `attest` command's work (PROTOCOL rule 1 and 6, §8.6): today's care only; the journal decides
 * new / retry / refuse before any network call by the rules of send-rules.ts; the write-ahead
 * intent (with the sealed request) is journaled before the call and the outcome after it. An
 * unknown outcome is never settled by a new attestation: the next `attest` for the same provider,
 * patient and day re-sends the stored sealed content under the same InputReference with
 * attemptNbr + 1, and says so (`draftNotSent`) when the draft it was given differs.
 */

export interface EattestDependencies {
  config: HostConfig;
  stateDir: string;
  log: Logger;
  ehealth: EhealthServices;
  /** The SSIN of the imported certificate (no network needed), or undefined when there is none. */
  certificateSsin: string | undefined;
  via: Executor['via'];
  clock?: () => Date;
}

/**
 * Refuses an already attested consultation from the journal alone: the consultation key needs the
 * provider's NIHII, which the STS token gives; before asking the STS, the NIHIIs this certificate
 * holder already sent under are tried.
 */
async function refuseFromJournalAlone(recent: readonly JournalEntry[], attestation: Attestation, certificateSsin: string | undefined, now: Date): Promise<void> {
  if (certificateSsin === undefined) return;
  const nihiis = new Set(recent.flatMap((entry) => (isEntryOfKind(entry, 'send-intent') && entry.record.responsible.ssin === certificateSsin ? [entry.record.responsible.nihii11] : [])));
  for (const nihii of nihiis) {
    const request = { consultationKey: await consultationKey(nihii, attestation), providerNihii11: nihii, patientSsin: attestation.patient.ssin, careDate: attestation.careDate };
    const decision = decideSend(recent, request, now);
    if (decision.action === 'refuse') throw refusalError(decision);
  }
}

interface ToSend {
  sealed: SealedAttestation;
  attestation: Attestation;
  jsis: boolean;
  key: string;
}

/**
 * What to send for this attempt: a new send seals the draft; a retry re-sends what the first
 * attempt sealed, whatever the draft says now (send-rules.ts).
 */
async function sealedFor(deps: EattestDependencies, go: SendGo, draft: ToSend['attestation'], key: string, jsis: boolean, provider: CareProvider, now: Date): Promise<ToSend> {
  if (go.action === 'retry') {
    const stored = loadSendRecord(deps.stateDir, go.inputReference);
    if (stored !== undefined && stored.consultationKey === go.consultationKey) return { sealed: stored.sealed, attestation: stored.attestation, jsis: stored.jsis, key: stored.consultationKey };
    // Sealing again is the same request only when the draft is the same consultation.
    if (go.consultationKey !== key) {
      throw new AppError('JOURNAL_UNAVAILABLE', 'an earlier eAttest for this patient and day has an unknown outcome and its stored request is missing: check with the insurer, then abandon it', {
        inputReference: go.inputReference,
      });
    }
    deps.log.warn('eAttest retry without its send record: sealing the attestation again under the same reference', { inputReference: go.inputReference });
  }
  const sealed: SealedAttestation = await sealAttestation(deps.ehealth, draft, { provider, inputReference: go.inputReference, now, supervisor: supervisorFor(deps.config, provider) });
  saveSendRecord(deps.stateDir, { inputReference: go.inputReference, consultationKey: key, attestation: draft, jsis, sealed });
  return { sealed, attestation: draft, jsis, key };
}

/** The same attestation, as the insurer reads it (key order aside). */
function sameAttestation(a: Attestation, b: Attestation): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export async function attestWithJournal(deps: EattestDependencies, proposed: Attestation, options: { jsis?: boolean | undefined; journalAnchor?: { seq: number; hash: string } | undefined } = {}): Promise<AttestOutcome> {
  const callerAnchor = options.journalAnchor === undefined ? undefined : { ...options.journalAnchor, name: 'this browser' };
  const clock = deps.clock ?? (() => new Date());
  const attestation = withCollectingEntity(proposed, deps.config);
  const today = brusselsDate(clock());
  if (attestation.careDate !== today) throw new AppError('DATE_NOT_ALLOWED', 'eAttest takes only today’s care', { careDate: attestation.careDate, today });
  // The insurers' rules checked before sending, as the popup and the background check them: a
  // refusal here sends nothing and journals nothing. The profession is the one the STS is asked for.
  const problems = attestationProblems(attestation, { today, profession: deps.config.profession });
  if (problems.length > 0) throw attestationCheckError(problems);
  const journal = new Journal({ stateDir: deps.stateDir, logger: deps.log, now: clock });
  await journal.transaction(async (recent, now) => {
    await refuseFromJournalAlone(recent, attestation, deps.certificateSsin, now);
    return { records: [], value: undefined };
  }, { callerAnchor });

  const token = await (await deps.ehealth.sts()).token();
  const provider = careProviderOf(token);
  const key = await consultationKey(provider.nihii11, attestation);
  const request = { consultationKey: key, providerNihii11: provider.nihii11, patientSsin: attestation.patient.ssin, careDate: attestation.careDate };
  // Warm the ETK cache so that sealing under the journal lock needs no network (a sign-in has asked for them already).
  await deps.ehealth.etkDepot.getAll(exchangeEtks(ownEtkOf(provider)));

  // One attempt per room on the wire: a second `attest` of this process waits for the first.
  return oneAtATime(request, async () => {
    let sent: ToSend | undefined;
    const reservation = await reserveSend(journal, request, async (go): Promise<RecordOfKind<'send-intent'>> => {
      sent = await sealedFor(deps, go, attestation, key, options.jsis ?? false, provider, clock());
      return {
        kind: 'send-intent',
        consultationKey: sent.key,
        careDate: sent.attestation.careDate,
        acts: sent.attestation.acts.map((act) => ({ code: act.code, quantity: act.quantity })),
        inputReference: go.inputReference,
        attemptNbr: go.attemptNbr,
        environment: deps.config.environment,
        responsible: { nihii11: provider.nihii11, ...(provider.ssin !== undefined ? { ssin: provider.ssin } : {}), name: providerDisplayName(provider).slice(0, 200) },
        executor: currentExecutor(deps.certificateSsin !== undefined ? { type: 'SSIN', value: deps.certificateSsin } : ownEtkOf(provider), deps.via),
        patientSsin: sent.attestation.patient.ssin,
        request: Buffer.from(sent.sealed.sealed).toString('base64'),
      };
    }, { callerAnchor });
    if (!('intent' in reservation)) throw refusalError(reservation.decision);
    const { decision, intent, inFlight } = reservation;
    try {
      if (sent === undefined) throw new AppError('INTERNAL', 'the intent was journaled without its request');
      const draftNotSent = !sameAttestation(sent.attestation, attestation);
      if (decision.action === 'retry') deps.log.info('eAttest retry of an unsettled send', { inputReference: decision.inputReference, attemptNbr: decision.attemptNbr, draftNotSent });
      let outcome: AttestOutcome;
      try {
        outcome = await transmit(deps, journal, intent, { ...sent, provider, clock });
      } catch (error) {
        // Unknown again: the clinician must still learn that their edit was not what was tried.
        if (draftNotSent && error instanceof AppError) throw new AppError(error.code, error.message, { ...error.details, draftNotSent: true });
        throw error;
      }
      return draftNotSent ? { ...outcome, draftNotSent: true } : outcome;
    } finally {
      inFlight.release();
    }
  });
}

interface Transmission extends ToSend {
  provider: CareProvider;
  clock: () => Date;
}

async function transmit(deps: EattestDependencies, journal: Journal, intent: EntryOfKind<'send-intent'>, transmission: Transmission): Promise<AttestOutcome> {
  const { inputReference, attemptNbr } = intent.record;
  const { provider, attestation, clock } = transmission;
  const prepared = sendAttestationRequest(deps.config, transmission.sealed, { provider, inputReference, attemptNbr, patientSsin: attestation.patient.ssin, jsis: transmission.jsis, now: clock() });
  // A retry is itself a disturbance the protocol wants on record (art. 3).
  const retry = attemptNbr > 1 ? [disturbance('retry', `attempt ${attemptNbr} of ${inputReference}, after an attempt whose outcome stayed unknown`)] : [];
  const call = await observedCall(
    deps.ehealth,
    { url: deps.ehealth.endpoints.eAttest, action: ATTEST_SOAP_ACTIONS.send, service: 'eattest', body: prepared.body, onRequestLeft: () => crashPoint('after-request-left') },
    retry,
  );
  crashPoint('after-answer');
  const outcome = (result: RecordOfKind<'send-outcome'>['result'], disturbances: Disturbance[], response?: Uint8Array, signed?: SignedAnswer): Promise<JournalEntry> =>
    appendOutcome(journal, { kind: 'send-outcome', result, ...outcomeFields(intent, call, disturbances, response, signed) });
  const unsettled = (error: AppError) =>
    new AppError(error.code, `${error.message}; the insurer may have received the attestation: sending it again retries it under the same reference`, {
      outcome: 'unknown',
      inputReference,
      attemptNbr,
    });

  if (call.kind !== 'answered') {
    await outcome(unansweredResult(call), call.disturbances);
    throw unsettled(call.error);
  }
  let sealedAnswer: Uint8Array | undefined;
  let answer;
  try {
    answer = await readSendAnswer(deps.ehealth, call.answer.document, { ...prepared, inputReference }, clock(), (sealed) => (sealedAnswer = sealed));
  } catch (error) {
    const appError = error instanceof AppError ? error : new AppError('MYCARENET_BAD_ANSWER', 'eAttest answer: unreadable');
    const unreadable = unreadableAnswer(call, appError, clock());
    await outcome(unreadable.result, unreadable.disturbances, sealedAnswer);
    throw unsettled(appError);
  }
  const { verdict, signed } = answer;
  noteSignatureCheck(deps.log, signed, inputReference);
  if (!verdict.accepted) {
    await outcome(refusedResult(verdict.refusals), call.disturbances, sealedAnswer, signed);
    deps.log.info('eAttest refused', { inputReference, attemptNbr, codes: verdict.refusals.map((refusal) => refusal.code).join(','), elapsedMs: call.latencyMs });
    return { outcome: 'refused', inputReference, attemptNbr, consultationKey: transmission.key, refusals: verdict.refusals };
  }
  const acknowledgementNumber = verdict.acknowledgementNumber;
  if (acknowledgementNumber === undefined) throw new AppError('INTERNAL', 'an accepted send without a number');
  await outcome({ status: 'acknowledged', acknowledgementNumber }, call.disturbances, sealedAnswer, signed);
  deps.log.info('eAttest acknowledged', { inputReference, attemptNbr, elapsedMs: call.latencyMs });
  return {
    outcome: 'acknowledged',
    acknowledgementNumber,
    ...(verdict.insurer !== undefined ? { insurer: verdict.insurer } : {}),
    acknowledgedAt: clock().toISOString(),
    inputReference,
    attemptNbr,
    consultationKey: transmission.key,
    provider: {
      nihii11: provider.nihii11,
      ...(provider.ssin !== undefined ? { ssin: provider.ssin } : {}),
      ...(provider.name !== undefined ? { name: provider.name } : {}),
      ...(provider.givenName !== undefined ? { givenName: provider.givenName } : {}),
      ...(provider.surname !== undefined ? { surname: provider.surname } : {}),
      ...practiceNameFor(attestation, deps.config),
    },
    attestation,
    signatureCheck: signed.signature.check,
  };
}

/** The configured practice's name, for the patient's document, when this eAttest names that practice as collecting the fee. */
function practiceNameFor(attestation: Attestation, config: HostConfig): { practice?: string } {
  const practice = config.practice;
  return practice?.name !== undefined && practice.collectingEntityCbe === attestation.collectingEntityCbe ? { practice: practice.name } : {};
}

/**
 * Every eAttest names the entity that collects the fee (error 100 without it): the attestation's
 * own, else the practice's from the host configuration. Without either, nothing is sent.
 */
function withCollectingEntity(attestation: Attestation, config: HostConfig): Attestation {
  if (attestation.collectingEntityCbe !== undefined) return attestation;
  const cbe = config.practice?.collectingEntityCbe;
  if (cbe === undefined) {
    throw new AppError('HOST_MISCONFIGURED', 'the CBE number of the entity collecting the fees is not configured (practice.collectingEntityCbe in config.json)', { missing: 'practice.collectingEntityCbe' });
  }
  return { ...attestation, collectingEntityCbe: cbe };
}
