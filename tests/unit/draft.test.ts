import { describe, expect, it } from 'vitest';
import { attestationFromDraft, emptyDraft, type Draft } from '../../src/popup/draft.js';

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
