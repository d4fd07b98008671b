import type { Profession } from '../../../../src/shared/domain/profession.js';
import type { SamlToken } from '../../ehealth/sts/token.js';

/**
 * The clinician on whose behalf a MyCareNet request is made, as the eHealth platform certified
 * them in the STS token (never as configured locally): the platform cross-checks every request
 * against the token, so the token is the only source that cannot disagree with it.
 */
export interface CareProvider {
  nihii11: string;
  ssin: string;
  profession: Profession;
  givenName?: string;
  surname?: string;
}

export function careProviderOf(token: SamlToken): CareProvider {
  return {
    nihii11: token.nihii11,
    ssin: token.ssin,
    profession: token.profession,
    ...(token.givenName !== undefined ? { givenName: token.givenName } : {}),
    ...(token.surname !== undefined ? { surname: token.surname } : {}),
  };
}
