import { AppError, type ErrorCode } from '../../../../src/shared/errors.js';
import type { SamlStatus } from './saml-response.js';

/**
 * What a MemberData status means for the clinician (PROTOCOL §6.4): success, success with warnings
 * (PartialAnswer: MUTATION, ONLY_FIVE_PERIODS_RETURNED, MISSING_FACETS…), or a typed refusal.
 */

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const PARTIAL_ANSWER = 'urn:be:cin:nippin:SAML:status:PartialAnswer';

/** Detail codes with a meaning of their own; any other refusal is MYCARENET_REFUSED with the code. */
const DETAIL_MEANINGS: Readonly<Record<string, ErrorCode>> = {
  BO_UNKNOWN_NISS: 'PATIENT_UNKNOWN',
  UNKNOWN_NISS_ROUTING: 'PATIENT_UNKNOWN',
  BO_UNKNOWN_REGNBR: 'PATIENT_UNKNOWN',
  UNKNOWN_IO: 'INSURER_UNKNOWN',
  MULTIPLE_IO: 'INSURER_UNKNOWN',
  START_DATE_IN_FUTURE: 'DATE_NOT_ALLOWED',
  PERIOD_TOO_FAR_IN_PAST: 'DATE_NOT_ALLOWED',
  BO_PERIOD_TOO_FAR_IN_THE_PAST: 'DATE_NOT_ALLOWED',
  INVALID_PERIOD_FOR_SECTOR: 'DATE_NOT_ALLOWED',
  UNAUTHORIZED_FACET: 'MYCARENET_ACCESS_DENIED',
  UNAUTHORIZED_REQUESTTYPE: 'MYCARENET_ACCESS_DENIED',
  UNAUTHORIZED_CONTACTTYPE: 'MYCARENET_ACCESS_DENIED',
  SEND_TO_IM_EXCEPTION: 'MYCARENET_UNAVAILABLE',
  INVALID_RESPONSE_FROM_IO: 'MYCARENET_UNAVAILABLE',
};

export interface StatusWarning {
  code: string;
  message?: string;
}

function detailCodes(status: SamlStatus): { code: string; message?: string; source: string; location?: string }[] {
  return status.faults.flatMap((fault) =>
    fault.details.length === 0
      ? [{ code: fault.faultCode, source: fault.faultSource, ...(fault.message !== undefined ? { message: fault.message } : {}) }]
      : fault.details.map((detail) => ({
          code: detail.detailCode,
          source: detail.detailSource ?? fault.faultSource,
          ...((detail.message ?? fault.message) !== undefined ? { message: (detail.message ?? fault.message) as string } : {}),
          ...(detail.location !== undefined ? { location: detail.location } : {}),
        })),
  );
}

/** Returns the warnings of a successful answer, or throws the typed error of a refusal. */
export function checkStatus(status: SamlStatus): StatusWarning[] {
  const details = detailCodes(status);
  if (status.code === SUCCESS) {
    if (status.subCode === undefined) return [];
    if (status.subCode !== PARTIAL_ANSWER) throw new AppError('MYCARENET_BAD_ANSWER', 'MemberData answer: unknown success status', { service: 'memberdata', subStatus: status.subCode });
    const warnings = details.map(({ code, message }) => ({ code, ...(message !== undefined ? { message } : {}) }));
    return warnings.length > 0 ? warnings : [{ code: 'PartialAnswer' }];
  }
  const first = details[0];
  const meaning = (first === undefined ? undefined : DETAIL_MEANINGS[first.code]) ?? 'MYCARENET_REFUSED';
  throw new AppError(meaning, `MemberData refused the request${first === undefined ? '' : ` (${first.code})`}`, {
    service: 'memberdata',
    status: status.code,
    subStatus: status.subCode ?? null,
    detailCode: first?.code ?? null,
    faultSource: first?.source ?? null,
    location: first?.location ?? null,
    platformMessage: first?.message ?? status.message ?? null,
  });
}
