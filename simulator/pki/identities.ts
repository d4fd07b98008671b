import type { ClinicianIdentity, GuardPostIdentity, Profession } from './types.js';

/**
 * The fictitious people and organisations of the test PKI, their Belgian identifiers and the
 * subject names eHealth gives their certificates (PROTOCOL.md §3).
 */

/** A relative distinguished name: attribute short name and value. */
export type Rdn = readonly [attribute: string, value: string];

/**
 * A Belgian SSIN (national register number): YYMMDD, a 3-digit sequence (odd for men, even for
 * women), and two check digits: 97 − (first nine digits mod 97), or for people born in 2000 or later
 * 97 − (("2" followed by the first nine digits) mod 97).
 */
export function makeSsin(birthDate: string, sequence: number): string {
  const match = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match || sequence < 1 || sequence > 998) throw new Error(`bad SSIN inputs: ${birthDate}`);
  const [, century = '', year = '', month = '', day = ''] = match;
  const first9 = `${year}${month}${day}${String(sequence).padStart(3, '0')}`;
  const base = Number(century) >= 20 ? Number(`2${first9}`) : Number(first9);
  return `${first9}${String(97 - (base % 97)).padStart(2, '0')}`;
}

/** Whether an 11-digit string has valid SSIN check digits (for either century). */
export function isValidSsin(ssin: string): boolean {
  if (!/^\d{11}$/.test(ssin)) return false;
  const first9 = ssin.slice(0, 9);
  const check = Number(ssin.slice(9));
  return check === 97 - (Number(first9) % 97) || check === 97 - (Number(`2${first9}`) % 97);
}

/**
 * An 11-digit NIHII (RIZIV/INAMI) number of a care provider: a 6-digit number whose first digit gives
 * the profession (1 physician, 3 dentist), 2 check digits (97 − (number mod 97), the usual
 * convention; the simulator only relies on the format) and a 3-digit qualification code.
 */
export function makeNihii11(number6: string, qualification: string): string {
  if (!/^\d{6}$/.test(number6) || !/^\d{3}$/.test(qualification)) throw new Error('bad NIHII inputs');
  const check = String(97 - (Number(number6) % 97)).padStart(2, '0');
  return `${number6}${check}${qualification}`;
}

/** The NIHII's first digit per profession [I]: the simulator relies on the format only. */
const professionDigit: Record<Exclude<Profession, 'guardPost'>, string> = { doctor: '1', dentist: '3', nurse: '4', midwife: '4', physiotherapist: '5', speechTherapist: '6' };

function clinician(
  id: string,
  profession: Exclude<Profession, 'guardPost'>,
  keyType: 'rsa' | 'ec',
  name: readonly [givenName: string, surname: string],
  birth: readonly [date: string, sequence: number],
  practice: readonly [number5: string, qualification: string],
  encryptionKeyType?: 'rsa' | 'ec',
): ClinicianIdentity {
  const [givenName, surname] = name;
  const [date, sequence] = birth;
  const [number5, qualification] = practice;
  return {
    id,
    profession,
    ssin: makeSsin(date, sequence),
    nihii11: makeNihii11(`${professionDigit[profession]}${number5}`, qualification),
    givenName,
    surname,
    keyType,
    ...(encryptionKeyType === undefined ? {} : { encryptionKeyType }),
  };
}

/**
 * Fixed, fictitious clinicians (qualification 004: general practitioner; 001: dentist; 005: general
 * practitioner in training [I]: INAMI gives a trainee a qualification code "of a physician in
 * training" and a recognised GP 003/004; 005 for the trainee is an assumption).
 */
export const identities = {
  doctorRsa: clinician('doctor-rsa', 'doctor', 'rsa', ['Anna', 'Peeters'], ['1978-03-14', 124], ['99001', '004']),
  dentistRsa: clinician('dentist-rsa', 'dentist', 'rsa', ['Luc', 'Dubois'], ['1965-11-02', 37], ['99002', '001']),
  doctorEc: clinician('doctor-ec', 'doctor', 'ec', ['Sofie', 'Janssens'], ['2001-06-21', 86], ['99003', '004']),
  doctorEcRsaEtk: clinician('doctor-ec-rsa-etk', 'doctor', 'ec', ['Hanne', 'Maes'], ['1983-02-17', 412], ['99013', '004'], 'rsa'),
  physiotherapist: clinician('physiotherapist', 'physiotherapist', 'rsa', ['Tom', 'Wouters'], ['1986-05-30', 143], ['99006', '000']),
  nurse: clinician('nurse', 'nurse', 'rsa', ['Els', 'Jacobs'], ['1975-09-18', 226], ['99007', '000']),
  midwife: clinician('midwife', 'midwife', 'rsa', ['Nora', 'Mertens'], ['1990-01-25', 88], ['99008', '000']),
  speechTherapist: clinician('speech-therapist', 'speechTherapist', 'rsa', ['Lies', 'Goossens'], ['1992-10-03', 64], ['99009', '000']),
  /** A GP in training, whose eAttests a supervising GP attests (README, "Physicians in training"). */
  traineeDoctor: clinician('doctor-trainee', 'doctor', 'rsa', ['Lotte', 'Vermeulen'], ['1998-04-09', 162], ['99010', '005']),
  expiredDoctor: clinician('doctor-expired', 'doctor', 'rsa', ['Marc', 'Willems'], ['1970-08-09', 211], ['99004', '004']),
  untrustedDoctor: clinician('doctor-untrusted', 'doctor', 'rsa', ['Eva', 'Claes'], ['1988-12-05', 318], ['99005', '004']),
} as const satisfies Record<string, ClinicianIdentity>;

/**
 * A fictitious guard post. Its 8-digit NIHII number is padded to 11 digits with zeros, as
 * freehealth-connector pads an organisation's NIHII (EattestV3ServiceImpl); the leading 9 is ours.
 */
export const guardPostIdentity: GuardPostIdentity = { id: 'guard-post', profession: 'guardPost', nihii: '90099011', nihii11: '90099011000', name: 'WACHTPOST TEST', keyType: 'rsa' };

/** `C=BE, O=Federal Government, OU=eHealth-platform Belgium, OU=<NAME>, OU=NIHII-GUARDPOST=<n>, CN="NIHII-GUARDPOST=<n>, <NAME>"` [I]. */
export function guardPostSubject(identity: GuardPostIdentity): Rdn[] {
  return [
    ['C', 'BE'],
    ['O', 'Federal Government'],
    ['OU', 'eHealth-platform Belgium'],
    ['OU', identity.name],
    ['OU', `NIHII-GUARDPOST=${identity.nihii}`],
    ['CN', `NIHII-GUARDPOST=${identity.nihii}, ${identity.name}`],
  ];
}

export const MYCARENET_CBE = '0820563481';
export const STS_CBE = '0809394427';

/** `C=BE, O=Federal Government, OU=SSIN=…, OU=GIVEN NAME SURNAME, OU=eHealth-platform Belgium, CN=SSIN=…`. */
export function personalSubject(identity: ClinicianIdentity): Rdn[] {
  return [
    ['C', 'BE'],
    ['O', 'Federal Government'],
    ['OU', `SSIN=${identity.ssin}`],
    ['OU', `${identity.givenName} ${identity.surname}`.toUpperCase()],
    ['OU', 'eHealth-platform Belgium'],
    ['CN', `SSIN=${identity.ssin}`],
  ];
}

/**
 * `C=BE, O=Federal Government, OU=eHealth-platform Belgium, [OU=<application>,] OU=CBE=<n>,
 * CN="CBE=<n>, <name>"`.
 */
export function organisationSubject(cbe: string, name: string, applicationOu?: string): Rdn[] {
  return [
    ['C', 'BE'],
    ['O', 'Federal Government'],
    ['OU', 'eHealth-platform Belgium'],
    ...(applicationOu === undefined ? [] : [['OU', applicationOu] as const]),
    ['OU', `CBE=${cbe}`],
    ['CN', `CBE=${cbe}, ${name}`],
  ];
}

/** The `-subj` argument of `openssl req`: `/C=BE/O=…`, with `\`, `/` and `+` escaped. */
export function subjectArgument(rdns: readonly Rdn[]): string {
  return rdns.map(([attribute, value]) => `/${attribute}=${value.replace(/[\\/+]/g, (c) => `\\${c}`)}`).join('');
}

/** For people: `C=BE, O=…, CN="CBE=…, MYCARENET"` (values with a comma are quoted). */
export function displaySubject(rdns: readonly Rdn[]): string {
  return rdns.map(([attribute, value]) => `${attribute}=${value.includes(',') ? `"${value}"` : value}`).join(', ');
}
