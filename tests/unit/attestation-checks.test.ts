import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requirementsOf } from '../../src/shared/domain/act-requirements.js';
import {
  ATTESTATION_RULES,
  attestationCheckError,
  attestationProblems,
  problemsOfCheckError,
  type AttestationRule,
  type CheckContext,
} from '../../src/shared/domain/attestation-checks.js';
import { attestationSchema, type Attestation, type AttestationAct } from '../../src/shared/domain/attestation.js';
import type { Profession } from '../../src/shared/domain/profession.js';
import { requirementsOf as simulatorRequirementsOf } from '../../simulator/src/eattest/act-requirements.js';
import { dentistWithTooth, physiotherapyWithPrescriber, specialistInHospital } from '../support/eattest-cases.js';

const TODAY = '2026-12-07';
const doctor: CheckContext = { today: TODAY, profession: 'doctor' };

/** A doctor's consultation in a hospital with the eID read: every optional part present, and clean. */
const base: Attestation = {
  patient: { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' },
  careDate: TODAY,
  patientPaidCents: 4270,
  supplementCents: 1500,
  identityReading: { inputType: '1', mediaType: '1', date: TODAY, time: '09:12:40', serialNumber: '592123456789' },
  acts: [{ code: '102034', quantity: 1, serviceDate: TODAY, amountPaidCents: 4270, supplementCents: 1500, placeNihii: '71010136', placeType: 'hospital', placeServiceCode: '210' }],
};

function withAct(patch: Partial<AttestationAct>, attestation: Attestation = base): Attestation {
  const [first, ...rest] = attestation.acts;
  if (first === undefined) throw new Error('no act');
  return { ...attestation, acts: [{ ...first, ...patch }, ...rest] };
}
function without(key: keyof AttestationAct, attestation: Attestation = base): Attestation {
  const [first, ...rest] = attestation.acts;
  if (first === undefined) throw new Error('no act');
  const copy = Object.fromEntries(Object.entries(first).filter(([name]) => name !== key)) as AttestationAct;
  return { ...attestation, acts: [copy, ...rest] };
}

const physio = physiotherapyWithPrescriber(TODAY, '2026-12-01');
const dental = dentistWithTooth(TODAY);
/** The physician on duty who gave the care a guard post attests. */
const onDuty = { nihii11: '19910140004', ssin: '78031412448', firstName: 'Anna', lastName: 'Peeters' };
const reading = { inputType: '1', mediaType: '1' as const, date: TODAY, time: '09:12:40', serialNumber: '592123456789' };

/** One case per rule: the attestation that breaks exactly it, the profession, the path and the catalogue code expected. */
const cases: readonly { rule: AttestationRule; attestation: Attestation; profession?: Profession; path: string; code: string | undefined }[] = [
  { rule: 'careDateNotToday', attestation: { ...base, careDate: '2026-12-06', identityReading: undefined, acts: base.acts.map((act) => ({ ...act, serviceDate: '2026-12-06' })) }, path: 'careDate', code: '191' },
  { rule: 'serviceDateNotToday', attestation: { ...base, careDate: '2026-12-08', identityReading: undefined, acts: base.acts.map((act) => ({ ...act, serviceDate: '2026-12-08' })) }, path: 'acts.0.serviceDate', code: '146' },
  { rule: 'amountNegative', attestation: { ...withAct({ amountPaidCents: -100 }), patientPaidCents: -100 }, path: 'patientPaidCents', code: '130' },
  { rule: 'patientPaidNotSum', attestation: { ...base, patientPaidCents: 4000 }, path: 'patientPaidCents', code: '130' },
  { rule: 'supplementNotSum', attestation: { ...base, supplementCents: 100 }, path: 'supplementCents', code: '130' },
  { rule: 'prescriberRequired', attestation: without('prescriptionDate', without('prescriberNihii', without('prescriberNorm', physio))), profession: 'physiotherapist', path: 'acts.0.prescriberNihii', code: '217' },
  { rule: 'prescriptionDateMissing', attestation: without('prescriptionDate', physio), profession: 'physiotherapist', path: 'acts.0.prescriptionDate', code: '218' },
  { rule: 'prescriberMissing', attestation: withAct({ prescriptionDate: '2026-12-01' }), path: 'acts.0.prescriberNihii', code: '100' },
  { rule: 'selfPrescriptionNamesPrescriber', attestation: without('prescriptionDate', withAct({ prescriberNorm: '3' }, physio)), profession: 'physiotherapist', path: 'acts.0.prescriberNihii', code: '233' },
  { rule: 'selfPrescriptionDated', attestation: without('prescriberNihii', withAct({ prescriberNorm: '3' }, physio)), profession: 'physiotherapist', path: 'acts.0.prescriptionDate', code: '234' },
  { rule: 'prescriptionAfterCare', attestation: withAct({ prescriptionDate: '2026-12-08' }, physio), profession: 'physiotherapist', path: 'acts.0.prescriptionDate', code: '146' },
  { rule: 'toothRequired', attestation: without('tooth', dental), profession: 'dentist', path: 'acts.0.tooth', code: '100' },
  { rule: 'toothNotDentist', attestation: withAct({ tooth: '36' }), profession: 'doctor', path: 'acts.0.tooth', code: undefined },
  { rule: 'dmgHolderNotPhysician', attestation: withAct({ dmgHolderNihii: '19910140004' }), profession: 'physiotherapist', path: 'acts.0.dmgHolderNihii', code: undefined },
  { rule: 'performerRequired', attestation: base, profession: 'guardPost', path: 'performer', code: '100' },
  { rule: 'performerNotGuardPost', attestation: { ...base, performer: onDuty }, profession: 'doctor', path: 'performer', code: undefined },
  { rule: 'limbRequired', attestation: without('side', physio), profession: 'physiotherapist', path: 'acts.0.side', code: '237' },
  { rule: 'placeMissing', attestation: without('placeNihii'), path: 'acts.0.placeNihii', code: '111' },
  { rule: 'placeKindMissing', attestation: without('placeServiceCode', without('placeType')), path: 'acts.0.placeType', code: '111' },
  { rule: 'hospitalServiceMissing', attestation: without('placeServiceCode'), path: 'acts.0.placeServiceCode', code: '243' },
  { rule: 'serviceCodeNotHospital', attestation: withAct({ placeType: 'laboratory' }), path: 'acts.0.placeServiceCode', code: undefined },
  { rule: 'identityReadingNotCareDay', attestation: { ...base, identityReading: { ...reading, date: '2026-12-06' } }, path: 'identityReading.date', code: '156' },
  { rule: 'manualInputReasonMissing', attestation: { ...base, identityReading: { ...reading, inputType: '4' } }, path: 'identityReading.manualInputReason', code: '226' },
  { rule: 'manualInputReasonUnexpected', attestation: { ...base, identityReading: { ...reading, manualInputReason: '2' } }, path: 'identityReading.manualInputReason', code: '213' },
  { rule: 'vignetteReasonMissing', attestation: { ...base, identityReading: { inputType: '1', mediaType: '7', date: TODAY, time: '09:12:40' } }, path: 'identityReading.vignetteReason', code: '228' },
  { rule: 'vignetteReasonUnexpected', attestation: { ...base, identityReading: { ...reading, vignetteReason: '1' } }, path: 'identityReading.vignetteReason', code: '215' },
  { rule: 'serialNumberMissing', attestation: { ...base, identityReading: { inputType: '1', mediaType: '1', date: TODAY, time: '09:12:40' } }, path: 'identityReading.serialNumber', code: '229' },
  { rule: 'serialNumberUnexpected', attestation: { ...base, identityReading: { inputType: '1', mediaType: '8', date: TODAY, time: '09:12:40', serialNumber: '12' } }, path: 'identityReading.serialNumber', code: '216' },
];

describe('attestationProblems: the insurers’ rules checked before sending', () => {
  it('finds nothing in the clean cases: a doctor in a hospital, a prescribed physiotherapy, a dentist’s tooth', () => {
    expect(attestationProblems(base, doctor)).toEqual([]);
    expect(attestationProblems(physio, { today: TODAY, profession: 'physiotherapist' })).toEqual([]);
    expect(attestationProblems(dental, { today: TODAY, profession: 'dentist' })).toEqual([]);
    expect(attestationProblems({ ...base, performer: onDuty }, { today: TODAY, profession: 'guardPost' })).toEqual([]);
    expect(attestationProblems(specialistInHospital(TODAY), doctor)).toEqual([]);
  });

  it.each(cases)('$rule: at $path, catalogue $code', ({ rule, attestation, profession, path, code }) => {
    const problems = attestationProblems(attestation, { today: TODAY, profession: profession ?? 'doctor' });
    expect(problems.map((problem) => problem.rule)).toContain(rule);
    const found = problems.find((problem) => problem.rule === rule);
    expect(found).toEqual({ rule, path: path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), catalogueCode: code, messageKey: `check_${rule}` });
  });

  it('has a case for every rule, and each case breaks its rule alone (beside a date rule’s own consequences)', () => {
    expect(new Set(cases.map((entry) => entry.rule))).toEqual(new Set(Object.keys(ATTESTATION_RULES)));
    for (const { rule, attestation, profession } of cases) {
      const rules = new Set(attestationProblems(attestation, { today: TODAY, profession: profession ?? 'doctor' }).map((problem) => problem.rule));
      // A day of care other than today is every act's day too (the schema wants them equal).
      const expected = rule === 'careDateNotToday' || rule === 'serviceDateNotToday' ? ['careDateNotToday', 'serviceDateNotToday'] : [rule];
      expect([...rules], rule).toEqual(expected);
    }
  });

  it('leaves the profession’s rules aside while the profession is unknown', () => {
    expect(attestationProblems(withAct({ tooth: '36' }), { today: TODAY, profession: undefined })).toEqual([]);
    expect(attestationProblems(withAct({ tooth: '36' }), { today: TODAY, profession: 'dentist' })).toEqual([]);
  });

  it('takes a self-prescription as the requestor a prescribed code needs', () => {
    const selfPrescribed = without('prescriptionDate', without('prescriberNihii', withAct({ prescriberNorm: '3' }, physio)));
    expect(attestationProblems(selfPrescribed, { today: TODAY, profession: 'physiotherapist' })).toEqual([]);
  });

  it('lists the problems in the order the clinician reads the form: the whole, then each act, then the eID reading', () => {
    const many: Attestation = {
      ...base,
      patientPaidCents: 1,
      identityReading: { inputType: '4', mediaType: '1', date: TODAY, time: '09:12:40', serialNumber: '592123456789' },
      acts: [...without('placeServiceCode').acts, { code: '374636', quantity: 1, serviceDate: TODAY, amountPaidCents: 0 }],
    };
    expect(attestationProblems(many, { today: TODAY, profession: 'dentist' }).map((problem) => problem.rule)).toEqual([
      'patientPaidNotSum',
      'hospitalServiceMissing',
      'toothRequired',
      'manualInputReasonMissing',
    ]);
  });

  it('the attestation schema refuses what the coherence rules refuse, and only that', () => {
    for (const { rule, attestation } of cases) {
      const parsed = attestationSchema.safeParse(attestation);
      expect(parsed.success, rule).toBe(!ATTESTATION_RULES[rule].coherence);
    }
  });

  it('names a real catalogue code, at a path the catalogue gives for it', () => {
    const catalogue = JSON.parse(readFileSync(new URL('../../../shared/reference/error-catalogs/eAttestErrors.json', import.meta.url), 'utf8')) as { code: string }[];
    const codes = new Set(catalogue.map((entry) => entry.code));
    for (const { rule, code } of cases) if (code !== undefined) expect(codes.has(code), rule).toBe(true);
  });

  it('a refusal carries its problems, and the popup reads them back', () => {
    const problems = attestationProblems(without('placeServiceCode'), doctor);
    const error = attestationCheckError(problems);
    expect(error.code).toBe('ATTESTATION_CHECK_FAILED');
    expect(error.details).toEqual({ rules: 'hospitalServiceMissing@acts.0.placeServiceCode', catalogueCodes: '243' });
    expect(problemsOfCheckError(error.details)).toEqual(problems);
    expect(problemsOfCheckError({ rules: 'toString@x,__proto__@y' })).toEqual([]);
  });
});

describe('act requirements: one list for the checks and the simulator', () => {
  it('the simulator reads the same list', () => {
    for (const code of ['374636', '304746', '560011', '560652', '101076']) expect(simulatorRequirementsOf(code)).toEqual(requirementsOf(code));
    expect(requirementsOf('374636')).toEqual({ tooth: true });
  });
});
