import { dirname } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import type { EntryOfKind, RecordOfKind } from '../journal/entry.js';
import { attemptInFlight, markInFlight, sendInFlightError, type InFlightMarker } from './in-flight.js';
import { decideSend, type SendDecision, type SendRequest } from './send-rules.js';
import type { Journal, TransactionOptions } from '../journal/journal.js';
import { crashPoint } from './crash-points.js';

/**
 * For the eAttest sender: decide and write the intent in one locked step, so that two
 * processes cannot both decide "new" for the same room, nor put two attempts on the wire.
 */

export type SendGo = Extract<SendDecision, { action: 'new' | 'retry' }>;

export type Reservation = { decision: Extract<SendDecision, { action: 'refuse' }> } | { decision: SendGo; intent: EntryOfKind<'send-intent'>; inFlight: InFlightMarker };

/**
 * `buildIntent` builds the request with the decided InputReference and attemptNbr (signing and
 * sealing, no network) and returns the intent record to journal before the request is sent.
 */
export async function reserveSend(
  journal: Journal,
  request: SendRequest,
  buildIntent: (go: SendGo) => Promise<RecordOfKind<'send-intent'>>,
  { callerAnchor }: Pick<TransactionOptions, 'callerAnchor'> = {},
): Promise<Reservation> {
  const stateDir = dirname(journal.paths.directory);
  let inFlight: InFlightMarker | undefined;
  const { value, appended } = await journal.transaction<SendDecision>(async (recent, now) => {
    const decision = decideSend(recent, request, now);
    if (decision.action === 'refuse') return { records: [], value: decision };
    const another = attemptInFlight(stateDir, request, now.getTime());
    if (another !== undefined) throw sendInFlightError(another);
    const intent = await buildIntent(decision);
    const key = decision.action === 'retry' ? decision.consultationKey : request.consultationKey;
    if (intent.consultationKey !== key || intent.inputReference !== decision.inputReference || intent.attemptNbr !== decision.attemptNbr) {
      throw new AppError('INTERNAL', 'the intent does not match the send decision');
    }
    crashPoint('before-intent');
    // Marked before the intent is written: a process that sees the intent also sees the marker.
    inFlight = markInFlight(stateDir, request, now.getTime());
    return { records: [intent], value: decision };
  }, { callerAnchor }).catch((error: unknown) => {
    // The intent was not written: nothing of ours is on its way.
    inFlight?.release();
    throw error;
  });
  if (value.action === 'refuse') return { decision: value };
  const intent = appended[0];
  if (intent?.record.kind !== 'send-intent' || inFlight === undefined) throw new AppError('INTERNAL', 'the intent was not journaled');
  crashPoint('after-intent');
  return { decision: value, intent: intent as EntryOfKind<'send-intent'>, inFlight };
}

/** The error the clinician sees when a send is refused before any network call. */
export function refusalError(decision: Extract<SendDecision, { action: 'refuse' }>): AppError {
  switch (decision.reason) {
    case 'already-acknowledged':
      return new AppError('ALREADY_ATTESTED', 'this consultation is already attested', { acknowledgementNumber: decision.acknowledgementNumber });
    case 'duplicate-at-insurer':
      return new AppError('ALREADY_ATTESTED', 'the insurer answered that these services are already attested (187)', { kmehrError: '187' });
    case 'not-today':
      return new AppError('DATE_NOT_ALLOWED', 'eAttest takes only today’s care', { careDate: decision.careDate, today: decision.today });
    case 'too-many-attempts':
      return new AppError('MYCARENET_UNAVAILABLE', `the send was tried ${decision.attempts} times without an answer: check with the insurer, then give it up (abandon) to send anew`, {
        inputReference: decision.inputReference,
        outcome: 'unknown',
      });
  }
}
