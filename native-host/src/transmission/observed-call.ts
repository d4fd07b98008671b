import { AppError } from '../../../src/shared/errors.js';
import type { EhealthServices } from '../ehealth/services.js';
import type { SoapAnswer } from '../ehealth/soap/transport.js';
import { assertionElement } from '../ehealth/sts/token.js';
import { holderOfKeySignedEnvelope } from '../ehealth/wss/envelope.js';
import type { ElementSpec } from '../ehealth/xml/dom.js';
import type { Disturbance } from '../journal/entry.js';
import { journalTimestamp } from '../journal/timestamp.js';

/**
 * The one way a MyCareNet service is called (MemberData, Tarification, eAttest send and cancel):
 * the session's token in a holder-of-key envelope signed with the clinician's key; when the
 * platform says the caller is not authenticated although the token looked fresh (revoked, or the
 * platform restarted), the token is renewed once and the call repeated. Every call is watched:
 * each disturbance is noted for the journal (protocol art. 3), and a failure says whether the
 * service may have received the request (only a retry under the same reference settles that).
 */

/** MyCareNet promises answers "within seconds"; slower than this is worth journaling. */
export const SLOW_ANSWER_MS = 5_000;

export interface ObservedCall {
  url: string;
  action: string;
  /** Short service name for errors, logs and the journal: "eattest", "memberdata", "tarification". */
  service: string;
  body: ElementSpec;
  /** Told when the request's bytes have all been written to the connection (the crash matrix's "after the request left"). */
  onRequestLeft?: () => void;
}

export type CallResult =
  | { kind: 'answered'; answer: SoapAnswer; latencyMs: number; disturbances: Disturbance[] }
  /** The request may have reached the insurer (timeout, dropped connection): only a retry with the same reference settles it. */
  | { kind: 'unknown'; cause: 'timeout' | 'connection-dropped'; error: AppError; latencyMs: number; disturbances: Disturbance[] }
  /** The platform answered with a fault: the insurer did not process the request. */
  | { kind: 'failed'; error: AppError; latencyMs: number; disturbances: Disturbance[] };

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function disturbance(kind: Disturbance['kind'], detail: string, durationMs?: number): Disturbance {
  return { at: journalTimestamp(new Date()), kind, detail: detail.slice(0, 500), ...(durationMs !== undefined ? { durationMs: Math.min(3_600_000, Math.max(0, Math.round(durationMs))) } : {}) };
}

/** Whether a failed call may still have been processed: no answer came back at all. */
function unknownCause(error: AppError, service: string): 'timeout' | 'connection-dropped' | undefined {
  // A failure of the STS (before the service's request existed) leaves nothing open.
  if (error.details?.['service'] !== service) return undefined;
  if (error.code === 'MYCARENET_TIMEOUT') return 'timeout';
  const network = error.details['network'];
  // Refused, unresolvable or untrusted before anything was written: the request never left.
  if (error.code !== 'MYCARENET_UNAVAILABLE' || typeof network !== 'string' || NEVER_SENT.has(network) || network.startsWith('ERR_TLS') || network.includes('CERT')) return undefined;
  // A reset or premature close once connected: the insurer may have processed the request.
  return 'connection-dropped';
}

export async function observedCall(ehealth: EhealthServices, call: ObservedCall, earlier: readonly Disturbance[] = []): Promise<CallResult> {
  const disturbances: Disturbance[] = [...earlier];
  const started = performance.now();
  const send = async (): Promise<SoapAnswer> => {
    const session = await ehealth.sts();
    const key = await ehealth.holderKey();
    const token = await session.token();
    return ehealth.transport.call({
      url: call.url,
      action: call.action,
      service: call.service,
      envelope: holderOfKeySignedEnvelope(call.body, assertionElement(token), key),
      ...(call.onRequestLeft !== undefined ? { onRequestSent: call.onRequestLeft } : {}),
    });
  };
  const elapsed = () => performance.now() - started;
  try {
    let answer: SoapAnswer;
    try {
      answer = await send();
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'CERTIFICATE_REFUSED') throw error;
      // The platform refused the token before the service saw the request: renew it and send again.
      disturbances.push(disturbance('token-renewed', 'the platform no longer accepted the session token; renewed and sent again', elapsed()));
      (await ehealth.sts()).invalidate();
      answer = await send();
    }
    const latencyMs = Math.round(elapsed());
    if (latencyMs > SLOW_ANSWER_MS) disturbances.push(disturbance('latency', `the answer took ${latencyMs} ms`, latencyMs));
    return { kind: 'answered', answer, latencyMs, disturbances };
  } catch (error) {
    const latencyMs = Math.round(elapsed());
    if (!(error instanceof AppError)) throw error;
    const cause = unknownCause(error, call.service);
    if (cause !== undefined) {
      disturbances.push(disturbance(cause, error.message, latencyMs));
      return { kind: 'unknown', cause, error, latencyMs, disturbances };
    }
    disturbances.push(disturbance('fault', `${error.code}: ${error.message}${typeof error.details?.['soaCode'] === 'string' ? ` (${error.details['soaCode']})` : ''}`, latencyMs));
    return { kind: 'failed', error, latencyMs, disturbances };
  }
}

/** A consultation's call (MemberData, Tarification): the answer, or the call's error thrown as it came. */
export async function callMyCareNet(ehealth: EhealthServices, call: ObservedCall): Promise<SoapAnswer> {
  const result = await observedCall(ehealth, call);
  if (result.kind !== 'answered') throw result.error;
  return result.answer;
}
