import { AppError } from '../../../../src/shared/errors.js';
import type { Profession } from '../../../../src/shared/domain/profession.js';
import type { SamlToken } from '../../ehealth/sts/token.js';

/**
 * The clinician on whose behalf a MyCareNet request is made, as the eHealth platform certified
 * them in the STS token (never as configured locally): the platform cross-checks every request
 * against the token, so the token is the only source that cannot disagree with it.
 */
export interface CareProvider {
  nihii11: string;
  /** A person's SSIN; a guard post (an organisation) has none. */
  ssin?: string;
  profession: Profession;
  /** How the ETK depot knows an organisation (a person is known by their SSIN): its own ETK is the Reply-to-Etk of every sealed exchange. */
  holder?: { type: string; value: string };
  /** An organisation's name (a guard post's, from its certificate). */
  name?: string;
  givenName?: string;
  surname?: string;
}

/** The provider's own ETK: a person's by SSIN, an organisation's by its number. */
export function ownEtkOf(provider: CareProvider): { type: string; value: string } {
  if (provider.holder !== undefined) return provider.holder;
  if (provider.ssin === undefined) throw new AppError('INTERNAL', 'a care provider has an SSIN or an organisation number');
  return { type: 'SSIN', value: provider.ssin };
}

/** The provider's name as the journal and the popup show it: a person's names, or an organisation's. */
export function providerDisplayName(provider: CareProvider): string {
  return provider.name ?? [provider.givenName, provider.surname].filter((part) => part !== undefined).join(' ');
}

export function careProviderOf(token: SamlToken): CareProvider {
  return {
    nihii11: token.nihii11,
    ...(token.ssin !== undefined ? { ssin: token.ssin } : {}),
    profession: token.profession,
    ...(token.ssin === undefined ? { holder: token.holder } : {}),
    ...(token.name !== undefined ? { name: token.name } : {}),
    ...(token.givenName !== undefined ? { givenName: token.givenName } : {}),
    ...(token.surname !== undefined ? { surname: token.surname } : {}),
  };
}
