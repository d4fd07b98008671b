import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Refusal } from '../../../src/shared/domain/receipt.js';
import type { AppError } from '../../../src/shared/errors.js';
import { entryLine, sealEntry } from '../journal/chain.js';
import { GENESIS_HASH, type Disturbance, type JournalEntry, type RecordOfKind } from '../journal/entry.js';
import type { Journal } from '../journal/journal.js';
import { journalTimestamp } from '../journal/timestamp.js';
import { crashPoint, isArmed } from './crash-points.js';
import type { Logger } from '../log.js';
import type { CallResult } from './observed-call.js';
import { signatureEvidence, type SignedAnswer } from '../mycarenet/eattest/signature-evidence.js';

/**
 * What the outcome records of a send and of a cancellation share: which intent and attempt they
 * answer, the answer as received, the latency and the disturbances, and the way an unanswered
 * call, an unreadable answer or a refusal is put on record.
 */

type Attempt = { seq: number; record: { inputReference: string; attemptNbr: number } };

export function outcomeFields(intent: Attempt, call: CallResult, disturbances: Disturbance[], response?: Uint8Array, signed?: SignedAnswer) {
  return {
    intentSeq: intent.seq,
    inputReference: intent.record.inputReference,
    attemptNbr: intent.record.attemptNbr,
    ...(response !== undefined ? { response: Buffer.from(response).toString('base64') } : {}),
    latencyMs: call.latencyMs,
    disturbances,
    ...(signed !== undefined ? { insurerSignature: signatureEvidence(signed) } : {}),
  } satisfies Partial<JournalEntry['record']>;
}

/** An answer intact but not fully verifiable is accepted; the log says why, the journal keeps the evidence. */
export function noteSignatureCheck(log: Logger, signed: SignedAnswer, inputReference: string): void {
  const { check, signer } = signed.signature;
  if (check.status === 'unverified') {
    log.warn('eAttest answer accepted with an insurer signature that could not be fully verified; kept as evidence in the journal', {
      inputReference,
      reasons: check.reasons.join(','),
      signer: signer.subject.split('\n').join(', ').slice(0, 200),
    });
  }
}

/** A call that got no answer leaves the outcome unknown: timed out, dropped, or interrupted before it was sent. */
export function unansweredResult(call: Exclude<CallResult, { kind: 'answered' }>) {
  return { status: 'unknown' as const, cause: call.kind === 'unknown' ? call.cause : ('interrupted' as const), detail: call.error.message.slice(0, 500) };
}

/** An answer that could not be read leaves the outcome unknown too, with the reading as a disturbance. */
export function unreadableAnswer(call: CallResult, error: AppError, now: Date) {
  const detail = error.message.slice(0, 500);
  const disturbances: Disturbance[] = [...call.disturbances, { at: journalTimestamp(now), kind: 'bad-answer', detail }];
  return { result: { status: 'unknown' as const, cause: 'bad-answer' as const, detail }, disturbances };
}

/** The insurer's refusals as the journal keeps them. */
export function refusedResult(refusals: readonly Refusal[]) {
  return {
    status: 'refused' as const,
    errors: refusals.map((refusal) => ({
      code: refusal.code,
      ...(refusal.location !== undefined ? { xpath: refusal.location } : {}),
      ...(refusal.description !== undefined ? { meaning: refusal.description.slice(0, 500) } : {}),
    })),
  };
}

/**
 * Writes the outcome of an attempt. Under the fault matrix's `during-outcome-write`, the host dies
 * as a power cut mid-write would: the first half of the outcome line on disk (fsynced), no more.
 */
export async function appendOutcome(journal: Journal, record: RecordOfKind<'send-outcome'> | RecordOfKind<'cancel-outcome'>): Promise<JournalEntry> {
  if (isArmed('during-outcome-write')) {
    await journal.transaction(
      (recent, now) => {
        const last = recent.at(-1);
        const line = Buffer.from(entryLine(sealEntry((last?.seq ?? 0) + 1, journalTimestamp(now), last?.hash ?? GENESIS_HASH, record)), 'utf8');
        const fd = openSync(journal.paths.file, 'a');
        try {
          writeSync(fd, line, 0, Math.floor(line.length / 2));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        crashPoint('during-outcome-write');
        return { records: [], value: undefined };
      },
      { recentSince: '9999-12-31' },
    );
  }
  return journal.append(record);
}
