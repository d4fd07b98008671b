import { describe, expect, it } from 'vitest';
import {
  assessField,
  assessReading,
  consultationProposalSchema,
  correctField,
  proposalProblems,
  type ConsultationReading,
} from '../../src/shared/domain/consultation.js';

const TODAY = '2026-03-12';
const context = { id: '00000000-0000-4000-8000-000000000001', tabId: 3, frameId: 0, origin: 'https://ehr.example.be', readAt: '2026-03-12T09:00:00.000Z', today: TODAY };
const act = { code: '101076', quantity: '1', amountPaid: '30.00', supplement: null, tooth: null, side: null, place: null, prescriber: null };
const reading: ConsultationReading = {
  adapterId: 'medispa',
  patient: { ssin: '85073003328', familyName: 'PEETERS', firstName: 'Jan', birthDate: '1985-07-30' },
  consultation: { date: TODAY, providerHint: 'Dr A. Martin' },
  acts: [act],
};

describe('assessReading', () => {
  it('parses a clean reading into values, with no problem', () => {
    const proposal = assessReading(reading, context);
    expect(consultationProposalSchema.safeParse(proposal).error).toBeUndefined();
    expect(proposal.patient.ssin).toEqual({ raw: '85073003328', value: '85073003328', problem: null, corrected: false });
    expect(proposal.acts[0]?.amountPaid.value).toBe(3000);
    expect(proposal.acts[0]?.quantity.value).toBe(1);
    expect(proposalProblems(proposal)).toEqual([]);
  });

  it('judges each field on its own: check digits, today only, code shape, amounts in cents, teeth, sides', () => {
    const proposal = assessReading(
      {
        ...reading,
        patient: { ssin: '85073003329', familyName: '1234', firstName: null, birthDate: '2027-01-01' },
        consultation: { date: '2026-03-11', providerHint: null },
        acts: [{ ...act, code: '10107', quantity: '0', amountPaid: '-3,00', supplement: '1,5', tooth: '19', side: 'G', place: '1234567', prescriber: '1-12345-67-004' }],
      },
      context,
    );
    const problems = proposalProblems(proposal).map(({ path, problem }) => [path === null ? null : 'index' in path ? `act.${path.field}` : `${path.part}.${path.field}`, problem]);
    expect(problems).toEqual([
      ['patient.ssin', 'ssinInvalid'],
      ['patient.familyName', 'nameInvalid'],
      ['patient.firstName', 'missing'],
      ['patient.birthDate', 'dateInFuture'],
      ['consultation.date', 'dateNotToday'],
      ['act.code', 'codeInvalid'],
      ['act.quantity', 'quantityInvalid'],
      ['act.amountPaid', 'amountInvalid'],
      ['act.tooth', 'toothInvalid'],
      ['act.side', 'sideInvalid'],
      ['act.place', 'nihiiInvalid'],
      // A prescriber calls for the prescription date (error 218).
      ['act.prescriptionDate', 'missing'],
    ]);
    expect(proposal.acts[0]?.supplement.value).toBe(150);
    expect(proposal.acts[0]?.prescriber.value).toBe('11234567004');
  });

  it('says when there is nothing to attest, and refuses impossible dates', () => {
    expect(proposalProblems(assessReading({ ...reading, acts: [] }, context))).toEqual([{ path: null, problem: 'noActs' }]);
    expect(assessField('birthDate', '2025-02-30', false, TODAY).problem).toBe('dateInvalid');
    expect(assessField('consultationDate', '12/03/2026', true, TODAY).problem).toBe('dateInvalid');
    expect(assessField('ssin', '85.07.30-033.28', true, TODAY).value).toBe('85073003328');
    expect(assessField('amount', '   ', false, TODAY)).toEqual({ raw: '   ', value: null, problem: null, corrected: false });
  });
});

describe('correctField', () => {
  it('makes a new proposal with that one field re-judged and marked as corrected', () => {
    const original = assessReading({ ...reading, patient: { ...reading.patient, ssin: '85073003329' } }, context);
    const corrected = correctField(original, { part: 'patient', field: 'ssin' }, '85.07.30-033.28');
    expect(corrected.patient.ssin).toEqual({ raw: '85.07.30-033.28', value: '85073003328', problem: null, corrected: true });
    expect(corrected.id).toBe(original.id);
    // The original value is untouched: what was proposed stays as it was.
    expect(original.patient.ssin.problem).toBe('ssinInvalid');
    const act = correctField(corrected, { part: 'act', index: 0, field: 'amountPaid' }, 'abc');
    expect(act.acts[0]?.amountPaid.problem).toBe('amountInvalid');
    expect(corrected.acts[0]?.amountPaid.value).toBe(3000);
  });
});
