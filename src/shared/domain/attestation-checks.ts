import { AppError, type ErrorDetails } from '../app-error.js';
import { requirementsOf } from './act-requirements.js';
import type { Attestation } from './attestation.js';
import { ID_DOC_MANUAL_INPUT, ID_DOC_MEDIA_WITH_SERIAL, ID_DOC_VIGNETTE_MEDIA, SELF_PRESCRIPTION_NORM } from './attestation-rules.js';
import type { Profession } from './profession.js';

/**
 * The insurers' rules an attestation is checked against before it leaves the machine: those of the
 * eAttest error catalogue (../shared/reference/error-catalogs/eAttestErrors.json) and of the HL7
 * Belgium eAttestation invariants that need nothing but the attestation, today's Belgian date, the
 * provider's profession and the published list of code requirements (act-requirements.ts). What
 * only the insurer knows (the patient's cover, the tariff, who may attest which code: 120, 169,
 * 171, 187…) is left to the insurer.
 *
 * One module for the popup (what to fix, in the clinician's words), the background and the host
 * (which refuse a send with problems). No zod: the popup loads it with its first paint.
 */

/**
 * Every rule: the i18n key of its words is `check_<rule>`; `catalogueCode` is the insurers' code the
 * rule spares the clinician; `english` is for logs and schema issues. `coherence` rules need
 * nothing but the attestation and are also the attestation schema's (attestation.ts); the others
 * need today, the profession or the code list.
 */
export const ATTESTATION_RULES = {
  careDateNotToday: { catalogueCode: '146/191', coherence: false, english: 'an eAttest is for today’s care only' },
  serviceDateNotToday: { catalogueCode: '146/191', coherence: false, english: 'every act is performed today' },
  amountNegative: { catalogueCode: '130', coherence: true, english: 'an amount is never negative' },
  patientPaidNotSum: { catalogueCode: '130', coherence: true, english: 'the total paid is the sum of the acts' },
  supplementNotSum: { catalogueCode: '130', coherence: true, english: 'the total supplement is the sum of the acts' },
  prescriberRequired: { catalogueCode: '217', coherence: false, english: 'this code is prescribed: name the prescriber' },
  prescriptionDateMissing: { catalogueCode: '218', coherence: true, english: 'a prescriber comes with the prescription date' },
  prescriberMissing: { catalogueCode: '100', coherence: true, english: 'a prescription date comes with its prescriber' },
  selfPrescriptionNamesPrescriber: { catalogueCode: '233', coherence: true, english: 'a self-prescription names no prescriber' },
  selfPrescriptionDated: { catalogueCode: '234', coherence: true, english: 'a self-prescription has no prescription date' },
  prescriptionAfterCare: { catalogueCode: '146', coherence: true, english: 'a prescription is not dated after the care' },
  toothRequired: { catalogueCode: '100', coherence: false, english: 'this dental code needs the tooth' },
  toothNotDentist: { catalogueCode: undefined, coherence: false, english: 'only a dentist attests a tooth' },
  dmgHolderNotPhysician: { catalogueCode: undefined, coherence: false, english: 'only a physician names the DMG holder' },
  performerRequired: { catalogueCode: '100', coherence: false, english: 'a guard post names the physician on duty who gave the care' },
  performerNotGuardPost: { catalogueCode: undefined, coherence: false, english: 'only a guard post names a physician on duty' },
  limbRequired: { catalogueCode: '237', coherence: false, english: 'this code needs the treated side' },
  placeMissing: { catalogueCode: '111', coherence: true, english: 'a kind of place comes with the place' },
  placeKindMissing: { catalogueCode: '111', coherence: true, english: 'a place comes with its kind' },
  hospitalServiceMissing: { catalogueCode: '243', coherence: false, english: 'a hospital comes with its service code' },
  serviceCodeNotHospital: { catalogueCode: undefined, coherence: true, english: 'only a hospital has a service code' },
  identityReadingNotCareDay: { catalogueCode: '156', coherence: true, english: 'the identity document is read on the day of care' },
  manualInputReasonMissing: { catalogueCode: '226', coherence: true, english: 'an identity typed by hand comes with the reason' },
  manualInputReasonUnexpected: { catalogueCode: '213', coherence: true, english: 'a reason for manual input, only when typed by hand' },
  vignetteReasonMissing: { catalogueCode: '228', coherence: true, english: 'a sticker comes with the reason for using it' },
  vignetteReasonUnexpected: { catalogueCode: '215', coherence: true, english: 'a reason for a sticker, only for a sticker' },
  serialNumberMissing: { catalogueCode: '229', coherence: true, english: 'this identity document comes with its card number' },
  serialNumberUnexpected: { catalogueCode: '216', coherence: true, english: 'this identity document has no card number' },
} as const satisfies Record<string, { catalogueCode: string | undefined; coherence: boolean; english: string }>;

export type AttestationRule = keyof typeof ATTESTATION_RULES;
export type CheckMessageKey = `check_${AttestationRule}`;

export interface AttestationProblem {
  rule: AttestationRule;
  /** The field it concerns, as a path into the attestation: ['acts', 0, 'tooth'], ['patientPaidCents']. */
  path: readonly (string | number)[];
  /** The insurers' catalogue code(s) it prevents, when the catalogue has one. */
  catalogueCode: string | undefined;
  /** The clinician's words (`_locales/*\/messages.json`). */
  messageKey: CheckMessageKey;
}

export interface CheckContext {
  /** Today's Belgian calendar day (YYYY-MM-DD). */
  today: string;
  /** The signed-in provider's profession; the rules that need it are skipped while it is unknown. */
  profession: Profession | undefined;
}

function problem(rule: AttestationRule, path: readonly (string | number)[], catalogueCode: string | undefined = ATTESTATION_RULES[rule].catalogueCode): AttestationProblem {
  return { rule, path, catalogueCode, messageKey: `check_${rule}` };
}

/** A day other than today: 146 when later, 191 when earlier. */
const dateCode = (date: string, today: string) => (date > today ? '146' : '191');

/** The rules between the attestation's own fields (the schema's rules for a new send). */
export function coherenceProblems(attestation: Attestation): AttestationProblem[] {
  const problems: AttestationProblem[] = [];
  const add = (rule: AttestationRule, ...path: (string | number)[]) => problems.push(problem(rule, path));

  if (attestation.patientPaidCents < 0) add('amountNegative', 'patientPaidCents');
  if (attestation.supplementCents !== undefined && attestation.supplementCents < 0) add('amountNegative', 'supplementCents');
  attestation.acts.forEach((act, index) => {
    if (act.amountPaidCents !== undefined && act.amountPaidCents < 0) add('amountNegative', 'acts', index, 'amountPaidCents');
    if (act.supplementCents !== undefined && act.supplementCents < 0) add('amountNegative', 'acts', index, 'supplementCents');

    // The requestor (catalogue uids 121–134): a prescriber with the date, a self-prescription (norm 3) with neither.
    const selfPrescribed = act.prescriberNorm === SELF_PRESCRIPTION_NORM;
    if (selfPrescribed) {
      if (act.prescriberNihii !== undefined) add('selfPrescriptionNamesPrescriber', 'acts', index, 'prescriberNihii');
      if (act.prescriptionDate !== undefined) add('selfPrescriptionDated', 'acts', index, 'prescriptionDate');
    } else {
      if (act.prescriberNihii !== undefined && act.prescriptionDate === undefined) add('prescriptionDateMissing', 'acts', index, 'prescriptionDate');
      if (act.prescriptionDate !== undefined && act.prescriberNihii === undefined) add('prescriberMissing', 'acts', index, 'prescriberNihii');
    }
    if (act.prescriptionDate !== undefined && act.prescriptionDate > act.serviceDate) add('prescriptionAfterCare', 'acts', index, 'prescriptionDate');

    // The place (uids 88, 89, 142–144): an institution, typed; a service code only for a hospital.
    if ((act.placeType !== undefined || act.placeServiceCode !== undefined) && act.placeNihii === undefined) add('placeMissing', 'acts', index, 'placeNihii');
    if (act.placeNihii !== undefined && act.placeType === undefined) add('placeKindMissing', 'acts', index, 'placeType');
    // A service code with no kind of place yet: the missing kind is the one thing to say.
    if (act.placeServiceCode !== undefined && act.placeType !== undefined && act.placeType !== 'hospital') add('serviceCodeNotHospital', 'acts', index, 'placeServiceCode');
  });

  // patientpaid is what was charged within the legal fee, per act and in total; supplements are apart (uids 54, 56).
  if (attestation.acts.every((act) => act.amountPaidCents !== undefined)) {
    const sum = attestation.acts.reduce((total, act) => total + (act.amountPaidCents ?? 0), 0);
    if (sum !== attestation.patientPaidCents) add('patientPaidNotSum', 'patientPaidCents');
  }
  const supplements = attestation.acts.filter((act) => act.supplementCents !== undefined);
  if (supplements.length > 0 && attestation.supplementCents !== supplements.reduce((total, act) => total + (act.supplementCents ?? 0), 0)) {
    add('supplementNotSum', 'supplementCents');
  }

  // The reading of the identity document (uids 99–120).
  const reading = attestation.identityReading;
  if (reading !== undefined) {
    if (reading.date !== attestation.careDate) add('identityReadingNotCareDay', 'identityReading', 'date');
    const manual = reading.inputType === ID_DOC_MANUAL_INPUT;
    if (manual && reading.manualInputReason === undefined) add('manualInputReasonMissing', 'identityReading', 'manualInputReason');
    if (!manual && reading.manualInputReason !== undefined) add('manualInputReasonUnexpected', 'identityReading', 'manualInputReason');
    const sticker = reading.mediaType === ID_DOC_VIGNETTE_MEDIA;
    if (sticker && reading.vignetteReason === undefined) add('vignetteReasonMissing', 'identityReading', 'vignetteReason');
    if (!sticker && reading.vignetteReason !== undefined) add('vignetteReasonUnexpected', 'identityReading', 'vignetteReason');
    const withSerial = ID_DOC_MEDIA_WITH_SERIAL.has(reading.mediaType);
    if (withSerial && reading.serialNumber === undefined) add('serialNumberMissing', 'identityReading', 'serialNumber');
    if (!withSerial && reading.serialNumber !== undefined) add('serialNumberUnexpected', 'identityReading', 'serialNumber');
  }
  return problems;
}

/** The rules that need today, the profession or the code list. */
function contextProblems(attestation: Attestation, context: CheckContext): AttestationProblem[] {
  const problems: AttestationProblem[] = [];
  const add = (rule: AttestationRule, ...path: (string | number)[]) => problems.push(problem(rule, path));

  // A guard post attests the care of the physician on duty, who authors the cga and every cgd (FHC EattestV3ServiceImpl).
  if (context.profession === 'guardPost' && attestation.performer === undefined) add('performerRequired', 'performer');
  if (context.profession !== undefined && context.profession !== 'guardPost' && attestation.performer !== undefined) add('performerNotGuardPost', 'performer');
  // Today's care only (uids 38–42, 84, 85; 238 when no act is of today).
  if (attestation.careDate !== context.today) problems.push(problem('careDateNotToday', ['careDate'], dateCode(attestation.careDate, context.today)));
  attestation.acts.forEach((act, index) => {
    if (act.serviceDate !== context.today) problems.push(problem('serviceDateNotToday', ['acts', index, 'serviceDate'], dateCode(act.serviceDate, context.today)));
    const required = requirementsOf(act.code);
    // A requestor item, be it a prescriber or a self-prescription's norm, answers the need for one (uid 122).
    if (required.prescriber === true && act.prescriberNihii === undefined && act.prescriberNorm === undefined) add('prescriberRequired', 'acts', index, 'prescriberNihii');
    if (required.tooth === true && act.tooth === undefined) add('toothRequired', 'acts', index, 'tooth');
    // A tooth only in a dentist's attestation (HL7 be-inv-toothNumber, be-inv-bodySite); no catalogue code.
    if (act.tooth !== undefined && context.profession !== undefined && context.profession !== 'dentist') add('toothNotDentist', 'acts', index, 'tooth');
    // The DMG holder only in a physician's attestation (HL7 be-inv-GMDHolder); no catalogue code.
    if (act.dmgHolderNihii !== undefined && context.profession !== undefined && context.profession !== 'doctor') add('dmgHolderNotPhysician', 'acts', index, 'dmgHolderNihii');
    if (required.limb === true && act.side === undefined) add('limbRequired', 'acts', index, 'side');
    if (act.placeType === 'hospital' && act.placeServiceCode === undefined) add('hospitalServiceMissing', 'acts', index, 'placeServiceCode');
  });
  return problems;
}

/** Every problem of an attestation about to be sent, in the order the clinician reads the form. */
export function attestationProblems(attestation: Attestation, context: CheckContext): AttestationProblem[] {
  // The whole first, then act by act, then the eID reading (the sort is stable: rules keep their order).
  const rank = ({ path }: AttestationProblem) => (path[0] === 'identityReading' ? Number.MAX_SAFE_INTEGER : path[0] === 'acts' && typeof path[1] === 'number' ? 1 + path[1] : 0);
  return [...contextProblems(attestation, context), ...coherenceProblems(attestation)].sort((a, b) => rank(a) - rank(b));
}

/** The path as one text: `acts.0.tooth`. */
export function problemPathText(path: readonly (string | number)[]): string {
  return path.join('.');
}

/** The background's and the host's refusal of a send that breaks these rules: nothing is sent, nothing journaled. */
export function attestationCheckError(problems: readonly AttestationProblem[]): AppError {
  const details: ErrorDetails = {
    rules: problems.map((entry) => `${entry.rule}@${problemPathText(entry.path)}`).join(',').slice(0, 1000),
    catalogueCodes: [...new Set(problems.flatMap((entry) => (entry.catalogueCode !== undefined ? [entry.catalogueCode] : [])))].join(','),
  };
  const first = problems[0];
  const summary = first === undefined ? '' : `${problemPathText(first.path)}: ${ATTESTATION_RULES[first.rule].english}`;
  return new AppError('ATTESTATION_CHECK_FAILED', `the attestation breaks ${problems.length} insurers’ rule(s) checked before sending (${summary})`, details);
}

/** The problems a refusal names (its `rules` detail), to show them in the clinician's words. */
export function problemsOfCheckError(details: ErrorDetails | undefined): AttestationProblem[] {
  const text = details?.['rules'];
  if (typeof text !== 'string' || text === '') return [];
  return text.split(',').flatMap((item) => {
    const [rule = '', pathText = ''] = item.split('@');
    if (!Object.hasOwn(ATTESTATION_RULES, rule)) return [];
    const path = pathText.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    return [problem(rule as AttestationRule, path)];
  });
}
