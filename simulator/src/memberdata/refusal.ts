/**
 * A MemberData refusal in the platform's shape (PROTOCOL §6.4): SAML status codes and the CIN fault
 * with its detail code, source and location. The codes are the catalogue's.
 */
export class SamlRefusal extends Error {
  override readonly name = 'SamlRefusal';
  constructor(
    readonly status: 'Requester' | 'Responder',
    readonly subStatus: 'RequestError' | 'AttributeQueryError' | 'InputError' | 'InternalError',
    readonly faultCode: 'INPUT_ERROR' | 'VALIDATION_ERROR' | 'AUTHORIZATION_ERROR' | 'GENERIC_ERROR',
    readonly detailCode: string,
    readonly location: string,
    message: string,
    readonly faultSource = 'MYCARENET',
  ) {
    super(message);
  }
}

/** The query itself is wrong (Requester / AttributeQueryError / INPUT_ERROR). */
export function queryError(detailCode: string, location: string, message: string): SamlRefusal {
  return new SamlRefusal('Requester', 'AttributeQueryError', 'INPUT_ERROR', detailCode, location, message);
}
