import { describe, expect, it } from 'vitest';
import { attestationFromDraft, draftFromProposal, emptyDraft, proposalFieldChecks, type Draft } from '../../src/popup/draft.js';
import { assessReading } from '../../src/shared/domain/consultation-fields.js';

const TODAY = '2026-11-30';
const good: Draft = {
  ssin: '85.07.30-033.28',
  firstName: ' Jan ',
  lastName: 'Peeters',
  acts: [
    { code: '101010', quantity: '1', amountPaid: '30,00' },
    { code: '', quantity: '1', amountPaid: '' },
    { code: '475075', quantity: '2', amountPaid: '4.5' },
  ],
  supplement: '',
};

describe('attestationFromDraft', () => {
  it('makes the attestation of today, in cents, without empty rows', async () => {
    const result = await attestationFromDraft(good, TODAY);
    expect(result).toEqual({
      attestation: {
        patient: { ssin: '85073003328', firstName: 'Jan', lastName: 'Peeters' },
        careDate: TODAY,
        patientPaidCents: 3450,
        acts: [
          { code: '101010', quantity: 1, serviceDate: TODAY, amountPaidCents: 3000 },
          { code: '475075', quantity: 2, serviceDate: TODAY, amountPaidCents: 450 },
        ],
      },
    });
  });

  it('names every problem instead of guessing', async () => {
    expect(await attestationFromDraft(emptyDraft(), TODAY)).toEqual({ problems: ['draftSsin', 'draftName', 'draftNoAct'] });
    const bad = { ...good, ssin: '85073003329', acts: [{ code: '10101', quantity: '0', amountPaid: '-3' }], supplement: 'abc' };
    expect(await attestationFromDraft(bad, TODAY)).toEqual({ problems: ['draftSsin', 'draftCode', 'draftQuantity', 'draftAmount', 'draftSupplement'] });
  });

  it('keeps a supplement apart from the amount paid for the services', async () => {
    const result = await attestationFromDraft({ ...good, supplement: '5' }, TODAY);
    expect('attestation' in result && result.attestation.supplementCents).toBe(500);
    expect('attestation' in result && result.attestation.patientPaidCents).toBe(3450);
  });
});

describe('attestationFromDraft: the insurers’ rules checked before sending', () => {
  const hospital: Draft = { ...good, acts: [{ code: '102034', quantity: '1', amountPaid: '42,70', details: { placeNihii: '71010136', placeType: 'hospital' } }] };

  it('shows a hospital without its service code as the insurer would refuse it (243), not sendable', async () => {
    const result = await attestationFromDraft(hospital, TODAY, 'doctor');
    if (!('checks' in result)) throw new Error(`not checked: ${JSON.stringify(result)}`);
    expect(result.checks).toEqual([{ rule: 'hospitalServiceMissing', path: ['acts', 0, 'placeServiceCode'], catalogueCode: '243', messageKey: 'check_hospitalServiceMissing' }]);
    expect(result.candidate.acts[0]?.placeType).toBe('hospital');
    const withService: Draft = { ...hospital, acts: [{ code: '102034', quantity: '1', amountPaid: '42,70', details: { placeNihii: '71010136', placeType: 'hospital', placeServiceCode: '210' } }] };
    expect(await attestationFromDraft(withService, TODAY, 'doctor')).toHaveProperty('attestation');
  });

  it('judges a tooth by the profession once it is known', async () => {
    const dental: Draft = { ...good, acts: [{ code: '374636', quantity: '1', amountPaid: '43,10', details: { tooth: '36' } }] };
    expect(await attestationFromDraft(dental, TODAY, 'dentist')).toHaveProperty('attestation');
    expect(await attestationFromDraft(dental, TODAY)).toHaveProperty('attestation');
    const asDoctor = await attestationFromDraft(dental, TODAY, 'doctor');
    expect('checks' in asDoctor && asDoctor.checks.map((check) => check.rule)).toEqual(['toothNotDentist']);
    // An empty row before it: the act's check is shown next to its own proposal row, a row typed in the popup has none.
    const noTooth = await attestationFromDraft({ ...dental, acts: [{ code: '', quantity: '1', amountPaid: '', proposalIndex: 0 }, { code: '374636', quantity: '1', amountPaid: '43,10', proposalIndex: 1 }] }, TODAY, 'dentist');
    if (!('checks' in noTooth)) throw new Error(`not checked: ${JSON.stringify(noTooth)}`);
    expect(noTooth.checks.map((check) => [check.rule, check.catalogueCode, check.path.join('.')])).toEqual([['toothRequired', '100', 'acts.0.tooth']]);
    expect([...proposalFieldChecks(noTooth.checks, noTooth.proposalIndexes).keys()]).toEqual(['act.1.tooth']);
    expect(proposalFieldChecks(noTooth.checks, [undefined]).size).toBe(0);
  });
});

describe('draftFromProposal → attestationFromDraft: what the page read reaches the eAttest', () => {
  const context = { id: '2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b', tabId: 1, frameId: 0, origin: 'https://ehr.example.be', readAt: '2026-11-30T09:00:00.000Z', today: TODAY };
  const act = { code: '560652', quantity: '1', amountPaid: '26,50', supplement: '3,00', tooth: null, side: 'left', place: '71010136', prescriber: '1-99102-39-004', placeType: 'hospital', placeService: '210', prescriptionDate: '2026-11-20' };
  const reading = {
    adapterId: 'demo',
    patient: { ssin: '85073003328', familyName: 'Peeters', firstName: 'Jan', birthDate: null },
    consultation: { date: TODAY, providerHint: null, eidReadAt: '09:12', eidInputType: '1', eidMediaType: '1', eidCardNumber: '592 1234 5678' },
    acts: [act],
  };

  it('carries the prescriber with the prescription date, the typed place with its service, the act’s supplement and the eID reading', async () => {
    const draft = draftFromProposal(assessReading(reading, context));
    const result = await attestationFromDraft(draft, TODAY);
    if (!('attestation' in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.attestation.acts[0]).toMatchObject({ prescriberNihii: '19910239004', prescriptionDate: '2026-11-20', placeNihii: '71010136', placeType: 'hospital', placeServiceCode: '210', side: 'left', supplementCents: 300 });
    expect(result.attestation.supplementCents).toBe(300);
    expect(result.attestation.identityReading).toEqual({ inputType: '1', mediaType: '1', date: TODAY, time: '09:12:00', serialNumber: '59212345678' });
  });

  it('asks for what a prescriber, a place or an eID reading still lacks', async () => {
    const lacking = assessReading({ ...reading, acts: [{ ...act, placeType: null, prescriptionDate: null }] }, context);
    expect(lacking.acts[0]?.placeType.problem).toBe('missing');
    expect(lacking.acts[0]?.prescriptionDate.problem).toBe('missing');
    // What the insurers would refuse (218, and a place without its kind), in the clinician's words, with the attestation as it stands.
    const result = await attestationFromDraft(draftFromProposal(lacking), TODAY);
    if (!('checks' in result)) throw new Error(`not checked: ${JSON.stringify(result)}`);
    expect(result.checks.map((check) => [check.rule, check.catalogueCode])).toEqual([
      ['prescriptionDateMissing', '218'],
      ['placeKindMissing', '111'],
    ]);
    expect(result.candidate.acts[0]).toMatchObject({ prescriberNihii: '19910239004', placeNihii: '71010136' });
    // Next to the proposal's fields where the clinician corrects them.
    expect([...proposalFieldChecks(result.checks, result.proposalIndexes)].map(([field, check]) => [field, check.rule])).toEqual([
      ['act.0.prescriptionDate', 'prescriptionDateMissing'],
      ['act.0.placeType', 'placeKindMissing'],
    ]);
    const partReading = assessReading({ ...reading, consultation: { ...reading.consultation, eidMediaType: null } }, context);
    expect(await attestationFromDraft(draftFromProposal(partReading), TODAY)).toEqual({ problems: ['draftActDetails'] });
  });
});

describe('a guard post’s physician on duty, from the page or typed in the proposal', () => {
  const context = { id: '2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6c', tabId: 1, frameId: 0, origin: 'https://ehr.example.be', readAt: '2026-11-30T09:00:00.000Z', today: TODAY };
  const reading = {
    adapterId: 'demo',
    patient: { ssin: '85073003328', familyName: 'Peeters', firstName: 'Jan', birthDate: null },
    consultation: { date: TODAY, providerHint: null, performerNihii: '1-99102-39-004', performerSsin: '78031412448', performerFirstName: 'Pieter', performerLastName: 'Maes' },
    acts: [{ code: '101010', quantity: '1', amountPaid: '30,00', supplement: null, tooth: null, side: null, place: null, prescriber: null, placeType: null, placeService: null, prescriptionDate: null }],
  };

  it('reaches the eAttest as its performer', async () => {
    const result = await attestationFromDraft(draftFromProposal(assessReading(reading, context)), TODAY, 'guardPost');
    if (!('attestation' in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.attestation.performer).toEqual({ nihii11: '19910239004', ssin: '78031412448', firstName: 'Pieter', lastName: 'Maes' });
  });

  it('is asked for, next to its field, when a guard post has none; a partial one must be completed', async () => {
    const none = assessReading({ ...reading, consultation: { date: TODAY, providerHint: null } }, context);
    const result = await attestationFromDraft(draftFromProposal(none), TODAY, 'guardPost');
    if (!('checks' in result)) throw new Error(`not checked: ${JSON.stringify(result)}`);
    expect(result.checks.map((check) => check.rule)).toEqual(['performerRequired']);
    expect([...proposalFieldChecks(result.checks, result.proposalIndexes)].map(([field]) => field)).toEqual(['consultation.performerNihii']);
    const partial = assessReading({ ...reading, consultation: { ...reading.consultation, performerSsin: null } }, context);
    expect(await attestationFromDraft(draftFromProposal(partial), TODAY, 'guardPost')).toEqual({ problems: ['draftActDetails'] });
  });

  it('is refused from anyone else than a guard post', async () => {
    const result = await attestationFromDraft(draftFromProposal(assessReading(reading, context)), TODAY, 'doctor');
    expect('checks' in result && result.checks.map((check) => check.rule)).toEqual(['performerNotGuardPost']);
  });
});
