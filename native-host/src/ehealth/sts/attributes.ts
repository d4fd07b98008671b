/**
 * The SAML attributes the STS is asked for (PROTOCOL §4.1): the identification attributes that
 * the clinician claims (their SSIN) and the certified attributes that the platform asserts
 * (profession, NIHII, names). Doctors and dentists use different attribute names.
 */
export type Profession = 'doctor' | 'dentist';
export const PROFESSIONS: readonly Profession[] = ['doctor', 'dentist'];

export const IDENTIFICATION_NS = 'urn:be:fgov:identification-namespace';
export const CERTIFIED_NS = 'urn:be:fgov:certified-namespace:ehealth';

export const SSIN_ATTRIBUTES = ['urn:be:fgov:ehealth:1.0:certificateholder:person:ssin', 'urn:be:fgov:person:ssin'] as const;

export interface AttributeName {
  name: string;
  namespace: string;
}

interface ProfessionAttributes {
  /** Boolean attributes that must be granted true for the session to be of this profession. */
  qualification: readonly string[];
  nihii11: string;
  givenName?: string;
  surname?: string;
}

const PERSON = 'urn:be:fgov:person:ssin';

export const PROFESSION_ATTRIBUTES: Readonly<Record<Profession, ProfessionAttributes>> = {
  doctor: {
    qualification: [`${PERSON}:doctor:boolean`, `${PERSON}:ehealth:1.0:fpsph:doctor:boolean`],
    nihii11: `${PERSON}:ehealth:1.0:doctor:nihii11`,
    givenName: `${PERSON}:ehealth:1.0:givenname`,
    surname: `${PERSON}:ehealth:1.0:surname`,
  },
  dentist: {
    qualification: [`${PERSON}:ehealth:1.0:professional:dentist:boolean`, `${PERSON}:ehealth:1.0:fpsph:dentist:boolean`],
    nihii11: `${PERSON}:ehealth:1.0:nihii:dentist:nihii11`,
  },
};

/** The AttributeDesignators of the request, in the connector's order. */
export function requestedAttributes(profession: Profession): AttributeName[] {
  const certified = PROFESSION_ATTRIBUTES[profession];
  const names =
    profession === 'doctor'
      ? [certified.qualification[0], certified.nihii11, certified.givenName, certified.surname, certified.qualification[1]]
      : [certified.qualification[1], certified.nihii11, certified.qualification[0]];
  return [
    ...SSIN_ATTRIBUTES.map((name) => ({ name, namespace: IDENTIFICATION_NS })),
    ...names.filter((name): name is string => name !== undefined).map((name) => ({ name, namespace: CERTIFIED_NS })),
  ];
}
