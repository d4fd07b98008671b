import { PROFESSIONS, type Profession } from '../../../../src/shared/domain/profession.js';

/**
 * The SAML attributes the STS is asked for (PROTOCOL §4.1): the identification attributes that
 * the clinician claims (their SSIN) and the certified attributes that the platform asserts
 * (profession, NIHII, names). Each profession has its own attribute names, as the official
 * connector's and freehealth-connector's session designators name them.
 */
export type { Profession };
export { PROFESSIONS };

export const IDENTIFICATION_NS = 'urn:be:fgov:identification-namespace';
export const CERTIFIED_NS = 'urn:be:fgov:certified-namespace:ehealth';

export const SSIN_ATTRIBUTES = ['urn:be:fgov:ehealth:1.0:certificateholder:person:ssin', 'urn:be:fgov:person:ssin'] as const;

export interface AttributeName {
  name: string;
  namespace: string;
}

interface ProfessionAttributes {
  /**
   * The identification attributes the holder claims, each with the certificate's identifier as
   * value: a person's SSIN, else an organisation's NIHII number (guard post).
   */
  identification: readonly string[];
  /** Boolean attributes that must be granted true for the session to be of this profession. */
  qualification: readonly string[];
  /** The NIHII attribute(s); the first one granted is the provider's. */
  nihii11: readonly string[];
  /** Asked for too, but not required (granted as the platform sees fit). */
  alsoAsked: readonly string[];
  givenName?: string;
  surname?: string;
}

const PERSON = 'urn:be:fgov:person:ssin';
const EHEALTH = `${PERSON}:ehealth:1.0`;
const CERTIFICATE_HOLDER = 'urn:be:fgov:ehealth:1.0:certificateholder';
const GUARD_POST = 'urn:be:fgov:ehealth:1.0:guardpost';
const names = { givenName: `${EHEALTH}:givenname`, surname: `${EHEALTH}:surname` };

/** A profession the platform certifies with a professional boolean and a NIHII (physiotherapists, midwives, speech therapists). */
function professional(quality: string, options: { fpsph: boolean }): ProfessionAttributes {
  return { identification: SSIN_ATTRIBUTES, qualification: [`${EHEALTH}:professional:${quality}:boolean`], nihii11: [`${EHEALTH}:nihii:${quality}:nihii11`], alsoAsked: options.fpsph ? [`${EHEALTH}:fpsph:${quality}:boolean`] : [], ...names };
}

export const PROFESSION_ATTRIBUTES: Readonly<Record<Profession, ProfessionAttributes>> = {
  doctor: { identification: SSIN_ATTRIBUTES, qualification: [`${PERSON}:doctor:boolean`, `${EHEALTH}:fpsph:doctor:boolean`], nihii11: [`${EHEALTH}:doctor:nihii11`], alsoAsked: [], ...names },
  dentist: { identification: SSIN_ATTRIBUTES, qualification: [`${EHEALTH}:professional:dentist:boolean`, `${EHEALTH}:fpsph:dentist:boolean`], nihii11: [`${EHEALTH}:nihii:dentist:nihii11`], alsoAsked: [] },
  // Nurses have their own boolean, and their NIHII under two names.
  nurse: { identification: SSIN_ATTRIBUTES, qualification: [`${PERSON}:nurse:boolean`], nihii11: [`${EHEALTH}:nurse:nihii11`, `${EHEALTH}:nihii:nurse:nihii11`], alsoAsked: [`${EHEALTH}:fpsph:nurse:boolean`], ...names },
  physiotherapist: professional('physiotherapist', { fpsph: true }),
  midwife: professional('midwife', { fpsph: true }),
  speechTherapist: professional('logopedist', { fpsph: false }),
  // An organisation: its NIHII number identifies it, the platform certifies it a recognised guard post (FHC STSServiceImpl).
  guardPost: {
    identification: [`${GUARD_POST}:nihii-number`, `${CERTIFICATE_HOLDER}:guardpost:nihii-number`],
    qualification: [`${GUARD_POST}:nihii-number:recognisedguardpost:boolean`],
    nihii11: [`${GUARD_POST}:nihii-number:recognisedguardpost:nihii11`],
    alsoAsked: [`${CERTIFICATE_HOLDER}:guardpost:nihii-number`, `${CERTIFICATE_HOLDER}:recognisedorganization:boolean`],
  },
};

/** The AttributeDesignators of the request, in the connector's order. */
export function requestedAttributes(profession: Profession): AttributeName[] {
  const certified = PROFESSION_ATTRIBUTES[profession];
  const [qualification, ...otherQualifications] = certified.qualification;
  const [holderNumber, ...otherAlsoAsked] = certified.alsoAsked;
  const designators =
    profession === 'dentist'
      ? [...otherQualifications, ...certified.nihii11, qualification]
      : profession === 'guardPost'
        ? [holderNumber, ...certified.nihii11, qualification, ...otherAlsoAsked]
        : [qualification, ...certified.nihii11, certified.givenName, certified.surname, ...otherQualifications, ...certified.alsoAsked];
  return [
    ...certified.identification.map((name) => ({ name, namespace: IDENTIFICATION_NS })),
    ...designators.filter((name): name is string => name !== undefined).map((name) => ({ name, namespace: CERTIFIED_NS })),
  ];
}
