import * as z from 'zod/mini';
import { describeZodIssues, AppError } from '../../../../src/shared/errors.js';
import { insurabilitySchema, routeFor, type DmgHolder, type Insurability, type MemberSubject } from '../../../../src/shared/domain/insurability.js';
import { ASSERTION_TYPES, ATTRIBUTES, subjectNameId } from './attribute-names.js';
import type { MemberAssertion, MemberDataAnswer } from './saml-response.js';
import type { StatusWarning } from './status.js';

/**
 * The assertions of a MemberData answer (PROTOCOL §6.2) read into the domain's Insurability. The
 * answer is checked against what was asked (the same patient) and against the domain schema, so
 * that nothing odd reaches the clinician as if it were a fact.
 */

const ISSUER = /^urn:be:cin:io:(\d{3}|rcam)$/;

function bad(message: string, details: Record<string, string> = {}): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `MemberData answer: ${message}`, { service: 'memberdata', ...details });
}

function single(assertion: MemberAssertion, name: string): string | undefined {
  const values = assertion.attributes.get(name);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw bad('an attribute that takes one value has several', { attribute: name });
  return values[0];
}

/** xs:date, possibly with a time zone ("2026-03-01+01:00"), as YYYY-MM-DD. */
function dateOf(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (match?.[1] === undefined) throw bad(`${what} is not a date`);
  return match[1];
}

/** The day of an xs:dateTime (the platform writes Brussels midnights). */
function dayOf(value: string, what: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (match?.[1] === undefined) throw bad(`${what} is not a date and time`);
  return match[1];
}

/** NotOnOrAfter is exclusive: a period ending on the 31st has NotOnOrAfter at midnight on the 1st. */
function lastDayBefore(value: string, what: string): string {
  const day = dayOf(value, what);
  if (!/T00:00:00(?:\.0+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(value)) return day;
  const previous = new Date(`${day}T00:00:00Z`);
  previous.setUTCDate(previous.getUTCDate() - 1);
  return previous.toISOString().slice(0, 10);
}

function booleanOf(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw bad(`${what} is not a boolean`);
}

function ofType(answer: MemberDataAnswer, type: string): MemberAssertion[] {
  return answer.assertions.filter((assertion) => assertion.type === type);
}

function atMostOne(answer: MemberDataAnswer, type: string): MemberAssertion | undefined {
  const found = ofType(answer, type);
  if (found.length > 1) throw bad('an assertion that comes once came several times', { assertionType: type });
  return found[0];
}

/** The insurer that answered, from the response Issuer (urn:be:cin:io:<federation>, or rcam for JSIS). */
export function insurerOf(answer: MemberDataAnswer): string {
  const insurer = ISSUER.exec(answer.issuer)?.[1];
  if (insurer === undefined) throw bad('the answering insurer is not recognised', { issuer: answer.issuer.slice(0, 60) });
  return insurer;
}

/** Every assertion must be about the patient asked for, named as they were asked (SSIN, or registration number at a mutuality). */
function checkSubject(answer: MemberDataAnswer, subject: MemberSubject): void {
  const expected = subjectNameId(subject);
  for (const assertion of answer.assertions) {
    if (assertion.subjectId === undefined) continue;
    if (assertion.subjectId !== expected.value || (assertion.subjectFormat !== undefined && assertion.subjectFormat !== expected.format)) throw bad('an assertion is about another person');
  }
}

export interface InsurabilityQuery {
  patient: MemberSubject;
  date: string;
  consultedAt: Date;
}

export function readInsurability(answer: MemberDataAnswer, query: InsurabilityQuery, warnings: readonly StatusWarning[]): Insurability {
  checkSubject(answer, query.patient);
  const insurer = insurerOf(answer);
  const patientData = atMostOne(answer, ASSERTION_TYPES.patientData);
  if (patientData === undefined) throw bad('no patient data');
  const patientSsin = single(patientData, ATTRIBUTES.ssin);
  // Asked by SSIN, the answer must be about that SSIN; asked by registration number, the SSIN comes from the answer.
  if ('ssin' in query.patient ? patientSsin !== undefined && patientSsin !== query.patient.ssin : patientSsin === undefined) throw bad('the patient data are about another person');
  const ssin = 'ssin' in query.patient ? query.patient.ssin : (patientSsin as string);
  const gender = single(patientData, ATTRIBUTES.gender);
  if (gender !== undefined && gender !== 'male' && gender !== 'female') throw bad('unknown gender');

  const periods = ofType(answer, ASSERTION_TYPES.period).map((period) => {
    if (period.notBefore === undefined) throw bad('a period has no start');
    const registrationNumber = single(period, ATTRIBUTES.registrationNumber);
    const ct1 = single(period, ATTRIBUTES.ct1);
    const ct2 = single(period, ATTRIBUTES.ct2);
    return {
      start: dayOf(period.notBefore, 'a period start'),
      ...(period.notOnOrAfter !== undefined ? { end: lastDayBefore(period.notOnOrAfter, 'a period end') } : {}),
      mutuality: single(period, ATTRIBUTES.mutuality) ?? '',
      ...(registrationNumber !== undefined ? { registrationNumber } : {}),
      ...(ct1 !== undefined ? { ct1 } : {}),
      ...(ct2 !== undefined ? { ct2 } : {}),
    };
  });
  // Insurers list the newest period first; the domain keeps them in time order, whoever answered.
  periods.sort((a, b) => a.start.localeCompare(b.start));

  const payment = atMostOne(answer, ASSERTION_TYPES.payment);
  const situation = atMostOne(answer, ASSERTION_TYPES.generalSituation);
  const medicalHouse = atMostOne(answer, ASSERTION_TYPES.medicalHouse);
  const hospital = atMostOne(answer, ASSERTION_TYPES.hospitalisation);
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });

  const birthDate = dateOf(single(patientData, ATTRIBUTES.birthDate), 'the birth date');
  const deceasedDate = dateOf(single(patientData, ATTRIBUTES.deceasedDate), 'the date of death');
  const candidate = {
    patient: {
      ssin,
      ...optional('familyName', single(patientData, ATTRIBUTES.familyName)),
      ...optional('firstName', single(patientData, ATTRIBUTES.firstName)),
      ...optional('birthDate', birthDate),
      ...optional('gender', gender),
      ...optional('deceasedDate', deceasedDate),
    },
    insurer,
    periods,
    paymentByInsurer: booleanOf(payment === undefined ? undefined : single(payment, ATTRIBUTES.paymentByInsurer), 'payment by the insurer') ?? false,
    ...optional(
      'medicalHouse',
      medicalHouse === undefined
        ? undefined
        : {
            nihii11: single(medicalHouse, ATTRIBUTES.medicalHouseNihii),
            ...optional('type', single(medicalHouse, ATTRIBUTES.medicalHouseType)),
            ...optional('start', dateOf(single(medicalHouse, ATTRIBUTES.medicalHouseStart), 'the medical house start')),
            ...optional('end', dateOf(single(medicalHouse, ATTRIBUTES.medicalHouseEnd), 'the medical house end')),
          },
    ),
    ...optional(
      'generalSituation',
      situation === undefined
        ? undefined
        : {
            ...optional('event', single(situation, ATTRIBUTES.situationEvent)),
            ...optional('transferDate', dateOf(single(situation, ATTRIBUTES.transferDate), 'the transfer date')),
          },
    ),
    ...optional(
      'hospitalisation',
      hospital === undefined
        ? undefined
        : {
            hospitalNihii: single(hospital, ATTRIBUTES.hospitalNihii),
            ...optional('admissionDate', dateOf(single(hospital, ATTRIBUTES.admissionDate), 'the admission date')),
            ...optional('service', single(hospital, ATTRIBUTES.hospitalService)),
          },
    ),
    warnings: warnings.slice(0, 20).map((warning) => ({ code: warning.code.slice(0, 60), ...optional('message', warning.message?.slice(0, 500)) })),
    date: query.date,
    consultedAt: query.consultedAt.toISOString(),
  };
  const checked = z.omit(insurabilitySchema, { route: true }).safeParse(candidate);
  if (!checked.success) throw bad('the insurability does not hold together', { issues: describeZodIssues(checked.error) });
  return { ...checked.data, route: routeFor(checked.data) };
}

/** The DMG holder (facet globalMedicalFile), or null when the patient has none. */
export function readDmgHolder(answer: MemberDataAnswer, patient: MemberSubject): DmgHolder | null {
  checkSubject(answer, patient);
  const gmf = atMostOne(answer, ASSERTION_TYPES.globalMedicalFile);
  if (gmf === undefined) return null;
  const nihii11 = single(gmf, ATTRIBUTES.dmgHolderNihii);
  if (nihii11 === undefined || !/^\d{11}$/.test(nihii11)) throw bad('the DMG holder has no valid NIHII');
  const familyName = single(gmf, ATTRIBUTES.dmgHolderName);
  const firstName = single(gmf, ATTRIBUTES.dmgHolderFirstName);
  return { nihii11, ...(familyName !== undefined ? { familyName: familyName.slice(0, 200) } : {}), ...(firstName !== undefined ? { firstName: firstName.slice(0, 200) } : {}) };
}

/** The palliative status (facet palliativeStatus): its start, or null when the patient has none (the insurer then sends no assertion). */
export function readPalliativeStatus(answer: MemberDataAnswer, patient: MemberSubject): { startDate: string } | null {
  checkSubject(answer, patient);
  const status = atMostOne(answer, ASSERTION_TYPES.palliativeStatus);
  if (status === undefined) return null;
  const startDate = dateOf(single(status, ATTRIBUTES.palliativeStart), 'the palliative status start');
  if (startDate === undefined) throw bad('the palliative status has no start');
  return { startDate };
}
