import type { Refusal } from '../../../../src/shared/domain/receipt.js';
import { AppError } from '../../../../src/shared/errors.js';
import { firstChild, pathFrom, textOf } from '../../ehealth/xml/dom.js';
import { parseXml } from '../../ehealth/xml/parse.js';
import { MCN_NS } from '../commons/namespaces.js';
import { refusalOf } from './refusal-meanings.js';
import { readSendTransactionResponse } from './send-response.js';

/**
 * What the insurer's kmehr SendTransactionResponse to a send or a cancel says (PROTOCOL §8.3,
 * §8.4). The shared reader (send-response.ts) takes out the acknowledge, the number and the
 * insurer; here the answer is judged: it must answer our request id, carry a number when a send
 * is accepted, and errors, but no number, when refused.
 */

export type KmehrVerdict = { accepted: true; acknowledgementNumber?: string; insurer?: string } | { accepted: false; refusals: Refusal[] };

function bad(what: string, message: string): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `${what}: ${message}`, { service: 'eattest' });
}

/** The request id the answer echoes (response/request/id), which the shared reader leaves aside. */
function echoedRequestId(businessContent: Uint8Array): string | undefined {
  // The shared reader has parsed this same text under the same cap: it is well-formed here.
  const root = parseXml(Buffer.from(businessContent).toString('utf8'), 2 * 1024 * 1024).documentElement;
  const response = firstChild(root, MCN_NS.msCore, 'response');
  return response === undefined ? undefined : textOf(pathFrom(response, [[MCN_NS.msCore, 'request'], [MCN_NS.msCore, 'id']]));
}

/** Reads the answer and checks that it answers `requestId` (`<NIHII11>.<reference>`). */
export function readAttestationAnswer(businessContent: Uint8Array, expected: { requestId: string; kind: 'send' | 'cancel' }): KmehrVerdict {
  const what = expected.kind === 'send' ? 'eAttest answer' : 'eAttest cancel answer';
  const answer = readSendTransactionResponse(businessContent);
  if (echoedRequestId(businessContent) !== expected.requestId) throw bad(what, 'it answers another request');
  const number = answer.acknowledgementNumber;
  if (!answer.isComplete || answer.errors.length > 0) {
    if (answer.errors.length === 0) throw bad(what, 'incomplete without any error');
    if (number !== undefined) throw bad(what, 'refused yet numbered');
    return { accepted: false, refusals: answer.errors.map(refusalOf) };
  }
  if (expected.kind === 'send' && number === undefined) throw bad(what, 'accepted without an acknowledgement number');
  const insurer = answer.insurer !== undefined && /^(\d{3}|rcam)$/.test(answer.insurer) ? answer.insurer : undefined;
  return { accepted: true, ...(number !== undefined ? { acknowledgementNumber: number } : {}), ...(insurer !== undefined ? { insurer } : {}) };
}
