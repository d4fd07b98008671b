import { AppError } from '../../../src/shared/errors.js';
import type { HostResult } from '../../../src/shared/host-protocol.js';
import { currentExecutor, isEntryOfKind, type Executor } from '../journal/entry.js';
import { Journal } from '../journal/journal.js';
import type { Logger } from '../log.js';
import { attemptInFlight, sendInFlightError } from './in-flight.js';
import { decideAbandon, roomOf } from './send-rules.js';

/**
 * The one way past a send whose outcome stays unknown other than retrying it (send-rules.ts): the
 * clinician checked with the insurer (their portal or helpdesk) that it holds no attestation of
 * it, or settled it there, and gives it up with their reason. Journaled as `send-abandoned`, with
 * who did it (the certificate holder and the OS account) and when; a new eAttest for that
 * provider, patient and day may then go out. Never while an attempt of it may be on the wire.
 */

export interface AbandonDependencies {
  stateDir: string;
  log: Logger;
  /** The certificate holder who answers for it: a personal certificate's SSIN, or an organisation's identifier. */
  certificateHolder: { type: string; value: string } | undefined;
  via: Executor['via'];
  clock?: () => Date;
}

export interface AbandonRequest {
  inputReference: string;
  reason: string;
}

export async function abandonSend(deps: AbandonDependencies, request: AbandonRequest): Promise<HostResult<'abandon'>> {
  if (deps.certificateHolder === undefined) throw new AppError('CERTIFICATE_MISSING', 'giving up a send names who did it: import the certificate first');
  const holder = deps.certificateHolder;
  const journal = new Journal({ stateDir: deps.stateDir, logger: deps.log, ...(deps.clock !== undefined ? { now: deps.clock } : {}) });
  const { appended } = await journal.transaction((recent, now) => {
    const send = decideAbandon(recent, request.inputReference);
    const room = roomOf(send);
    const inFlight = room === undefined ? undefined : attemptInFlight(deps.stateDir, room, now.getTime());
    if (inFlight !== undefined) throw sendInFlightError(inFlight);
    return { records: [{ kind: 'send-abandoned', inputReference: send.inputReference, reason: request.reason, executor: currentExecutor(holder, deps.via) }], value: undefined };
  });
  const entry = appended[0];
  if (entry === undefined || !isEntryOfKind(entry, 'send-abandoned')) throw new AppError('INTERNAL', 'the abandon was not journaled');
  deps.log.info('eAttest send abandoned after checking with the insurer', { inputReference: request.inputReference });
  return { inputReference: entry.record.inputReference, abandonedAt: new Date(Date.parse(entry.at)).toISOString() };
}

/** The certificate holder as the journal names them, from the certificate's public summary. */
export function certificateHolderOf(summary: { ssin?: string | undefined; organisation?: { type: string; id: string } | undefined } | null | undefined): AbandonDependencies['certificateHolder'] {
  if (summary?.ssin !== undefined) return { type: 'SSIN', value: summary.ssin };
  if (summary?.organisation !== undefined) return { type: summary.organisation.type, value: summary.organisation.id };
  return undefined;
}
