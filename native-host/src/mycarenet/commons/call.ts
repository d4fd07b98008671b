import { AppError } from '../../../../src/shared/errors.js';
import type { EhealthServices } from '../../ehealth/services.js';
import type { SoapAnswer } from '../../ehealth/soap/transport.js';
import { assertionElement } from '../../ehealth/sts/token.js';
import { holderOfKeySignedEnvelope } from '../../ehealth/wss/envelope.js';
import type { ElementSpec } from '../../ehealth/xml/dom.js';

export interface MyCareNetRequest {
  url: string;
  action: string;
  /** Short service name for errors and logs. */
  service: string;
  body: ElementSpec;
}

/**
 * One MyCareNet call: the session's token in a holder-of-key envelope signed with the clinician's
 * key. When the platform says the caller is not authenticated although the token looked fresh
 * (it was revoked, or the platform restarted), the token is renewed once and the call repeated.
 */
export async function callMyCareNet(ehealth: EhealthServices, request: MyCareNetRequest): Promise<SoapAnswer> {
  const session = await ehealth.sts();
  const key = await ehealth.holderKey();
  const send = async (): Promise<SoapAnswer> => {
    const token = await session.token();
    return ehealth.transport.call({
      url: request.url,
      action: request.action,
      service: request.service,
      envelope: holderOfKeySignedEnvelope(request.body, assertionElement(token), key),
    });
  };
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'CERTIFICATE_REFUSED') throw error;
    session.invalidate();
    return send();
  }
}
