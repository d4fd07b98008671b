import type { Attestation } from '../../src/shared/domain/attestation.js';

/**
 * A GP attestation with what the kmehr builders must handle: a collecting entity, a supplement,
 * an act with decision reference, prescriber and place, a second act with quantity 2, and
 * names that need escaping.
 */
export function sampleAttestation(careDate: string, names: { firstName: string; lastName: string }): Attestation {
  return {
    patient: { ssin: '85041213359', ...names },
    careDate,
    collectingEntityCbe: '0820563481',
    patientPaidCents: 1205,
    supplementCents: 7,
    acts: [
      { code: '101076', quantity: 1, serviceDate: careDate, amountPaidCents: 905, decisionReference: 'CH4/2026-001', prescriberNihii: '19910239004', prescriptionDate: careDate, placeNihii: '71010136', placeType: 'hospital', placeServiceCode: '210' },
      { code: '475075', quantity: 2, serviceDate: careDate },
    ],
  };
}
