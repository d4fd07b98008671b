import { describe, expect, it } from 'vitest';
import type { AttestationRecord } from '../../src/shared/domain/receipt.js';
import { insurerOf } from '../../src/receipt/insurers.js';
import { formatCbe } from '../../src/shared/domain/identifier-formats.js';

const attestation = {
  patient: { ssin: '85073003328', firstName: 'Jan', lastName: 'Peeters' },
  careDate: '2026-11-30',
  patientPaidCents: 3000,
  acts: [{ code: '101010', quantity: 1, serviceDate: '2026-11-30' }],
};
const KEY = 'a'.repeat(64);

function record(acknowledgementNumber: string, insurer?: string): AttestationRecord {
  return {
    consultationKey: KEY,
    careDate: '2026-11-30',
    attestation,
    status: 'acknowledged',
    startedAt: '2026-11-30T09:00:00.000Z',
    updatedAt: '2026-11-30T09:00:01.000Z',
    acknowledgementNumber,
    outcome: {
      outcome: 'acknowledged',
      acknowledgementNumber,
      ...(insurer === undefined ? {} : { insurer }),
      acknowledgedAt: '2026-11-30T10:00:01+01:00',
      inputReference: 'R1',
      attemptNbr: 1,
      consultationKey: KEY,
      provider: { nihii11: '10012345001' },
      attestation,
    },
  };
}

describe('the insurer on the receipt', () => {
  it('is the one the host’s outcome names, by its federation’s name', () => {
    expect(insurerOf(record('500-1-261130-1234567-89', '500'))).toEqual({ code: '500', nameKey: 'receiptInsurer_500' });
    expect(insurerOf(record('rcam-1-261130-1234567-89', 'rcam'))).toEqual({ code: 'rcam', nameKey: 'receiptInsurer_rcam' });
  });

  it('is read from the acknowledgement number when the record has no outcome (settled from the journal)', () => {
    const fromJournal = record('300-1-261130-1234567-89');
    delete fromJournal.outcome;
    expect(insurerOf(fromJournal)).toEqual({ code: '300', nameKey: 'receiptInsurer_300' });
  });

  it('takes a local mutuality’s federation, and shows an unknown code as it is', () => {
    expect(insurerOf(record('116-1-261130-1234567-89', '116'))).toEqual({ code: '100', nameKey: 'receiptInsurer_100' });
    expect(insurerOf(record('000-1-261130-1234567-89', '000'))).toEqual({ code: '000' });
    expect(insurerOf(record('X1234-5'))).toBeUndefined();
  });
});

describe('formatCbe', () => {
  it('writes a company number as 0123.456.789', () => {
    expect(formatCbe('0123456749')).toBe('0123.456.749');
  });
});
