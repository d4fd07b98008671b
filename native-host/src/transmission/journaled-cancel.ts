import type { CancelReason } from '../../../src/shared/domain/attestation.js';
import type { CancelOutcome } from '../../../src/shared/domain/receipt.js';
import { AppError } from '../../../src/shared/errors.js';
import { currentExecutor, isEntryOfKind, type Disturbance, type RecordOfKind } from '../journal/entry.js';
import { sendHistories } from '../journal/history.js';
import { decideCancel } from './send-rules.js';
import { Journal } from '../journal/journal.js';
import { careProviderOf, ownEtkOf, providerDisplayName } from '../mycarenet/commons/care-provider.js';
import type { EattestDependencies } from './journaled-send.js';
import { cancelAttestationRequest, readCancelAnswer } from '../mycarenet/eattest/cancel-attestation.js';
import { appendOutcome, noteSignatureCheck, outcomeFields, refusedResult, unansweredResult, unreadableAnswer } from './journaled-outcome.js';
import { observedCall } from './observed-call.js';
import { ATTEST_SOAP_ACTIONS } from '../mycarenet/eattest/protocol.js';
import type { SignedAnswer } from '../mycarenet/eattest/signature-evidence.js';

/**
 * The `cancel` command's work (PROTOCOL §8.4): the whole attestation, by its acknowledgement
 * number, for the same patient and author. Journaled like a send: the intent before the call, the
 * outcome after; a cancellation whose outcome is unknown is retried under its InputReference.
 */

export interface CancelRequest {
  acknowledgementNumber: string;
  patientSsin: string;
  reason: CancelReason;
}

export async function cancelWithJournal(deps: EattestDependencies, request: CancelRequest): Promise<CancelOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const provider = careProviderOf(await (await deps.ehealth.sts()).token());
  const journal = new Journal({ stateDir: deps.stateDir, logger: deps.log, now: clock });
  let prepared: Awaited<ReturnType<typeof cancelAttestationRequest>> | undefined;
  const { appended } = await journal.transaction(async (recent, now) => {
    const go = decideCancel(recent, request.acknowledgementNumber, now);
    const send = sendHistories(recent).find((candidate) => candidate.status.status === 'acknowledged' && candidate.status.acknowledgementNumber === request.acknowledgementNumber);
    prepared = await cancelAttestationRequest(deps.ehealth, deps.config, { provider, ...go, ...request, now });
    const intent: RecordOfKind<'cancel-intent'> = {
      kind: 'cancel-intent',
      ...(send !== undefined ? { consultationKey: send.consultationKey } : {}),
      acknowledgementNumber: request.acknowledgementNumber,
      reason: request.reason,
      ...go,
      environment: deps.config.environment,
      responsible: { nihii11: provider.nihii11, ...(provider.ssin !== undefined ? { ssin: provider.ssin } : {}), name: providerDisplayName(provider).slice(0, 200) },
      executor: currentExecutor(deps.certificateSsin !== undefined ? { type: 'SSIN', value: deps.certificateSsin } : ownEtkOf(provider), deps.via),
      patientSsin: request.patientSsin,
      // The signed kmehr cancellation (the request itself also carries the vendor licence, kept out of the journal).
      request: Buffer.from(prepared.kmehr).toString('base64'),
    };
    return { records: [intent], value: undefined };
  });
  const intent = appended[0];
  if (prepared === undefined || intent === undefined || !isEntryOfKind(intent, 'cancel-intent')) throw new AppError('INTERNAL', 'the cancellation intent was not journaled');
  const { inputReference, attemptNbr } = intent.record;

  const call = await observedCall(deps.ehealth, { url: deps.ehealth.endpoints.eAttest, action: ATTEST_SOAP_ACTIONS.cancel, service: 'eattest', body: prepared.body });
  const outcome = (result: RecordOfKind<'cancel-outcome'>['result'], disturbances: Disturbance[], response?: Uint8Array, signed?: SignedAnswer) =>
    appendOutcome(journal, { kind: 'cancel-outcome', acknowledgementNumber: request.acknowledgementNumber, result, ...outcomeFields(intent, call, disturbances, response, signed) });
  const unsettled = (error: AppError) =>
    new AppError(error.code, `${error.message}; the insurer may have received the cancellation: cancelling again retries it under the same reference`, { outcome: 'unknown', inputReference, attemptNbr });
  if (call.kind !== 'answered') {
    await outcome(unansweredResult(call), call.disturbances);
    throw unsettled(call.error);
  }
  let answer;
  try {
    answer = readCancelAnswer(deps.ehealth, call.answer.document, { ...prepared, inputReference }, clock());
  } catch (error) {
    const appError = error instanceof AppError ? error : new AppError('MYCARENET_BAD_ANSWER', 'eAttest cancel answer: unreadable');
    const unreadable = unreadableAnswer(call, appError, clock());
    await outcome(unreadable.result, unreadable.disturbances);
    throw unsettled(appError);
  }
  const { verdict, signed } = answer;
  noteSignatureCheck(deps.log, signed, inputReference);
  if (!verdict.accepted) {
    await outcome(refusedResult(verdict.refusals), call.disturbances, answer.raw, signed);
    return { outcome: 'refused', acknowledgementNumber: request.acknowledgementNumber, refusals: verdict.refusals };
  }
  await outcome({ status: 'cancelled' }, call.disturbances, answer.raw, signed);
  deps.log.info('eAttest cancelled', { inputReference, attemptNbr, elapsedMs: call.latencyMs });
  return {
    outcome: 'cancelled',
    acknowledgementNumber: request.acknowledgementNumber,
    reason: request.reason,
    cancelledAt: clock().toISOString(),
    signatureCheck: signed.signature.check,
  };
}
