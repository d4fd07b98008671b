/**
 * The simulator's patients: one per situation the product must handle, with valid SSINs (mod-97
 * check digits) and fictitious names. Their insurance is described relative to the day asked
 * about, so that the scenarios hold whatever day the demo or the tests run. The demo, the
 * end-to-end tests and the README use these SSINs.
 */

export type ScenarioKey =
  | 'inOrder'
  | 'notInOrder'
  | 'medicalHouse'
  | 'thirdPartyPayment'
  | 'jsis'
  | 'unknown'
  | 'deceased'
  | 'hospitalised'
  | 'insurerChanged';

export type Coverage = 'current' | 'lapsed' | 'changed';

export interface Membership {
  /** The federation (100, 200… 900), or rcam for the EU institutions' scheme (JSIS). */
  insurer: string;
  mutuality: string;
  registrationNumber: string;
  ct1: string;
  ct2: string;
}

export interface ScenarioPatient {
  key: ScenarioKey;
  ssin: string;
  familyName: string;
  firstName: string;
  birthDate: string;
  gender: 'male' | 'female';
  /** One line for the demo and the README. */
  description: string;
  /** Absent: no insurer knows the patient. */
  membership?: Membership;
  coverage?: Coverage;
  /** For coverage "changed": the insurer before the change. */
  previousMembership?: Membership;
  paymentByInsurer?: boolean;
  medicalHouse?: { nihii11: string; type: string };
  hospitalisation?: { hospitalNihii: string; service: string; admittedDaysBefore: number };
  deceasedDaysBefore?: number;
  /** In palliative care since that many days before the day asked about (facet palliativeStatus). */
  palliativeSinceDaysBefore?: number;
  dmgHolder?: { nihii11: string; familyName: string; firstName: string };
}

const GP_DUPONT = { nihii11: '19910140004', familyName: 'Dupont', firstName: 'Claire' };
const GP_MAES = { nihii11: '19910239004', familyName: 'Maes', firstName: 'Pieter' };
const MEDICAL_HOUSE = '89910189000';

export const SCENARIO_PATIENTS: readonly ScenarioPatient[] = [
  {
    key: 'inOrder',
    ssin: '85041213359',
    familyName: 'Lambert',
    firstName: 'Julie',
    birthDate: '1985-04-12',
    gender: 'female',
    description: 'in order with a Christian mutuality: eAttest applies',
    membership: { insurer: '100', mutuality: '116', registrationNumber: '0085041213', ct1: '110', ct2: '110' },
    coverage: 'current',
    dmgHolder: GP_DUPONT,
  },
  {
    key: 'notInOrder',
    ssin: '72093004845',
    familyName: 'Wouters',
    firstName: 'Koen',
    birthDate: '1972-09-30',
    gender: 'male',
    description: 'insurance lapsed two months ago (no current period): paper certificate',
    membership: { insurer: '300', mutuality: '317', registrationNumber: '0072093004', ct1: '110', ct2: '110' },
    coverage: 'lapsed',
    dmgHolder: GP_MAES,
  },
  {
    key: 'medicalHouse',
    ssin: '90011720617',
    familyName: 'Mertens',
    firstName: 'Sarah',
    birthDate: '1990-01-17',
    gender: 'female',
    description: 'registered with a medical house (forfait): no eAttest for GP care',
    membership: { insurer: '500', mutuality: '509', registrationNumber: '0090011720', ct1: '110', ct2: '110' },
    coverage: 'current',
    medicalHouse: { nihii11: MEDICAL_HOUSE, type: 'Medical' },
    dmgHolder: { nihii11: MEDICAL_HOUSE, familyName: 'Maison médicale Les Tilleuls', firstName: '' },
  },
  {
    key: 'thirdPartyPayment',
    ssin: '48060306126',
    familyName: 'Jacobs',
    firstName: 'Marcel',
    birthDate: '1948-06-03',
    gender: 'male',
    description: 'increased reimbursement, third-party payment mandatory: eFact, not eAttest',
    membership: { insurer: '200', mutuality: '203', registrationNumber: '0048060306', ct1: '121', ct2: '121' },
    coverage: 'current',
    paymentByInsurer: true,
    dmgHolder: GP_DUPONT,
  },
  {
    key: 'jsis',
    ssin: '81112531237',
    familyName: 'Moreau',
    firstName: 'Hélène',
    birthDate: '1981-11-25',
    gender: 'female',
    description: 'EU official insured by JSIS (RCAM), routed as "rcam": eAttest applies',
    membership: { insurer: 'rcam', mutuality: 'rcam', registrationNumber: 'JSIS81112531', ct1: '110', ct2: '110' },
    coverage: 'current',
    dmgHolder: GP_MAES,
  },
  {
    key: 'unknown',
    ssin: '95022842763',
    familyName: 'Nobody',
    firstName: 'Unknown',
    birthDate: '1995-02-28',
    gender: 'male',
    description: 'a valid SSIN no insurer knows: PATIENT_UNKNOWN',
  },
  {
    key: 'deceased',
    ssin: '39120801962',
    familyName: 'Lemaire',
    firstName: 'Georges',
    birthDate: '1939-12-08',
    gender: 'male',
    description: 'died ten days before the day asked about: paper certificate',
    membership: { insurer: '400', mutuality: '403', registrationNumber: '0039120801', ct1: '121', ct2: '121' },
    coverage: 'current',
    deceasedDaysBefore: 10,
    dmgHolder: GP_DUPONT,
  },
  {
    key: 'hospitalised',
    ssin: '62072115482',
    familyName: 'Hermans',
    firstName: 'Ingrid',
    birthDate: '1962-07-21',
    gender: 'female',
    description: 'in hospital since three days (ask with contact type "hospitalized")',
    membership: { insurer: '600', mutuality: '600', registrationNumber: '0062072115', ct1: '110', ct2: '110' },
    coverage: 'current',
    hospitalisation: { hospitalNihii: '71010136000', service: '450', admittedDaysBefore: 3 },
    palliativeSinceDaysBefore: 40,
    dmgHolder: GP_MAES,
  },
  {
    key: 'insurerChanged',
    ssin: '03050908860',
    familyName: 'Vermeulen',
    firstName: 'Lotte',
    birthDate: '2003-05-09',
    gender: 'female',
    description: 'moved from a Christian to an independent mutuality on the day asked about: MUTATION warning, two periods',
    membership: { insurer: '500', mutuality: '526', registrationNumber: '0003050908', ct1: '110', ct2: '110' },
    previousMembership: { insurer: '100', mutuality: '132', registrationNumber: '0003050999', ct1: '110', ct2: '110' },
    coverage: 'changed',
    dmgHolder: GP_DUPONT,
  },
];

export function scenarioPatient(ssin: string): ScenarioPatient | undefined {
  return SCENARIO_PATIENTS.find((patient) => patient.ssin === ssin);
}

/** The member with that registration number at that mutuality (now or before a change of insurer). */
export function memberByRegistration(registrationNumber: string, mutuality: string): ScenarioPatient | undefined {
  return SCENARIO_PATIENTS.find((patient) =>
    [patient.membership, patient.previousMembership].some((membership) => membership?.registrationNumber === registrationNumber && membership.mutuality === mutuality),
  );
}

export function scenarioByKey(key: ScenarioKey): ScenarioPatient {
  const found = SCENARIO_PATIENTS.find((patient) => patient.key === key);
  if (found === undefined) throw new Error(`no scenario ${key}`);
  return found;
}

/** A YYYY-MM-DD day moved by a number of days. */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

export interface InsurancePeriod extends Membership {
  start: string;
  end: string;
}

/** The patient's insurance periods as the insurer would list them around `date` (oldest first). */
export function periodsAround(patient: ScenarioPatient, date: string): InsurancePeriod[] {
  const { membership } = patient;
  if (membership === undefined) return [];
  const year = Number(date.slice(0, 4));
  const deathEnd = patient.deceasedDaysBefore === undefined ? undefined : addDays(date, -patient.deceasedDaysBefore);
  switch (patient.coverage) {
    case 'lapsed': {
      // Ended at the end of the month two months before the day asked about.
      const firstOfMonth = `${date.slice(0, 8)}01`;
      const end = addDays(new Date(Date.UTC(year, Number(date.slice(5, 7)) - 2, 1)).toISOString().slice(0, 10), -1);
      return [{ ...membership, start: `${year - 2}-01-01`, end: end < firstOfMonth ? end : addDays(firstOfMonth, -1) }];
    }
    case 'changed': {
      const previous = patient.previousMembership ?? membership;
      return [
        // The change happens on the day asked about: the old period ends that day, the new one starts it.
        { ...previous, start: `${year - 1}-01-01`, end: date },
        { ...membership, start: date, end: `${year}-12-31` },
      ];
    }
    default:
      return [{ ...membership, start: `${year - 1}-01-01`, end: deathEnd ?? `${year}-12-31` }];
  }
}

/** Whether the patient is insured on `date` (a period covers it and they were alive). */
export function inOrderOn(patient: ScenarioPatient, date: string): boolean {
  if (patient.deceasedDaysBefore !== undefined) return false;
  return periodsAround(patient, date).some((period) => period.start <= date && period.end >= date);
}
