import type { Caller } from '../front.js';
import { brusselsDate } from '../memberdata/query.js';
import { inOrderOn, periodsAround, scenarioPatient, type ScenarioPatient } from '../scenarios.js';
import type { KmehrTariffRequest } from './request.js';
import { providerKindOf, tariffOf } from './tariff-table.js';

/**
 * How the insurer judges a tariff consultation (PROTOCOL §7, the ConsultTarif error catalogue):
 * the request's consistency with the web-service level, the date window (not after today, not
 * more than two months back), the patient (known, in order, medical house) and each code (known,
 * claimable by this kind of provider).
 */

export interface KmehrErrorOut {
  code: string;
  url: string;
  description: string;
}

export interface TariffLineOut {
  code: string;
  fee: number;
  reimbursement: number;
  patientShare: number;
}

export interface Judgement {
  patient?: ScenarioPatient;
  lines: TariffLineOut[];
  errors: KmehrErrorOut[];
}

const ROOT = '/RetrieveTransactionRequest';
const TRANSACTION = `${ROOT}/select/transaction[1]`;

function twoMonthsBefore(today: string): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 2);
  return date.toISOString().slice(0, 10);
}

export function judge(request: KmehrTariffRequest, routing: { ssin: string; referenceDate: string } | undefined, caller: Caller, now: Date): Judgement {
  const errors: KmehrErrorOut[] = [];
  const fail = (code: string, url: string, description: string): Judgement => ({ lines: [], errors: [...errors, { code, url, description }] });

  // `<NIHII11>.<14 digits>`: the time stamp every connector makes (yyyyMMddHHmmss or yyMMddHHmmssSS).
  if (!/^\d{11}\.\d{14}$/.test(request.id)) return fail('111', `${ROOT}/request/id`, 'The request id is not <NIHII>.<14-digit reference>');
  if (request.author.nihii11 === undefined) return fail('100', `${ROOT}/request/author/hcparty`, 'The request has no author');
  if (request.author.nihii11 !== caller.nihii11 || !request.id.startsWith(`${caller.nihii11}.`)) return fail('155', `${ROOT}/request/author/hcparty/id`, 'The request author is not the authenticated provider');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.date)) return fail('111', `${ROOT}/request/date`, 'The request date has a wrong format');
  if (!/^\d{2}:\d{2}:\d{2}/.test(request.time)) return fail('111', `${ROOT}/request/time`, 'The request time has a wrong format');
  if (request.transactionType !== 'tariff') return fail('130', `${TRANSACTION}/cd`, 'The transaction type must be tariff');
  if (request.transactionAuthor?.nihii11 !== request.author.nihii11) return fail('156', `${TRANSACTION}/author`, 'The transaction author is not the request author');
  const ssin = request.patientSsin;
  if (ssin === undefined) return fail('100', `${ROOT}/select/patient/id`, 'No patient SSIN');
  if (!/^\d{11}$/.test(ssin)) return fail('111', `${ROOT}/select/patient/id`, 'The patient SSIN has a wrong format');
  if (routing === undefined || routing.ssin !== ssin) return fail('155', `${ROOT}/select/patient/id`, 'The patient SSIN differs from the routing');

  const encounter = request.encounterDate;
  if (encounter === undefined) return fail('100', `${TRANSACTION}/item`, 'No encounter date');
  const dateUrl = `${TRANSACTION}/item[${encounter.item}]/content/date`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(encounter.value) || Number.isNaN(Date.parse(encounter.value))) return fail('111', dateUrl, 'The encounter date has a wrong format');
  if (routing.referenceDate !== encounter.value) return fail('155', dateUrl, 'The encounter date differs from the routing reference date');
  const today = brusselsDate(now);
  if (encounter.value > today) return fail('146', dateUrl, 'The date is after today');
  if (encounter.value < twoMonthsBefore(today)) return fail('166', dateUrl, 'The date is more than two months before today');
  if (request.claims.length === 0) return fail('100', `${TRANSACTION}/item`, 'No nomenclature code');

  const patient = scenarioPatient(ssin);
  const patientUrl = `${ROOT}/select/patient/id`;
  if (patient?.membership === undefined || !periodsAround(patient, encounter.value).some((period) => period.start <= encounter.value) || patient.deceasedDaysBefore !== undefined) {
    return fail('120', patientUrl, 'The patient is not known at the insurer or not affiliated on that date');
  }
  if (!inOrderOn(patient, encounter.value)) return { patient, ...fail('170', patientUrl, 'The patient is not in order') };

  const kind = providerKindOf(caller.profession, caller.nihii11);
  const preferential = periodsAround(patient, encounter.value).some((period) => period.start <= encounter.value && period.end >= encounter.value && period.ct1.endsWith('1'));
  const lines: TariffLineOut[] = [];
  const seen = new Set<string>();
  for (const claim of request.claims) {
    const url = `${TRANSACTION}/item[${claim.item}]/content/cd[1]`;
    const entry = tariffOf(claim.code);
    if (!/^\d{6}$/.test(claim.code)) errors.push({ code: '111', url, description: 'The nomenclature code has a wrong format' });
    else if (seen.has(claim.code)) errors.push({ code: '130', url, description: 'The nomenclature code is asked twice' });
    else if (entry === undefined) errors.push({ code: '130', url, description: 'The nomenclature code is not allowed' });
    else if (!entry.claimedBy.includes(kind)) errors.push({ code: '171', url, description: 'The nomenclature code is not allowed for this kind of provider' });
    else if (patient.medicalHouse !== undefined && entry.coveredByMedicalHouse) errors.push({ code: '169', url, description: 'The patient is registered with a medical house' });
    else {
      const patientShare = preferential ? entry.preferentialPatientShare : entry.patientShare;
      lines.push({ code: entry.code, fee: entry.fee, reimbursement: entry.fee - patientShare, patientShare });
    }
    seen.add(claim.code);
  }
  return { patient, lines, errors };
}
