import type { Attestation } from '../../src/shared/domain/attestation.js';

/**
 * The three eAttests of issue 12's acceptance, shaped as the references send them: a
 * physiotherapist's prescribed session (requestor with date and norm, treated limb), a dentist's
 * filling on a tooth (CD-ISO-3950) with the eID read, and a specialist's consultation in a hospital
 * (typed place with its service code) with a supplement on the act.
 */

const PATIENT = { ssin: '85041213359', firstName: 'Julie', lastName: 'Lambert' };
const CBE = '0820563481';

export function physiotherapyWithPrescriber(today: string, prescribedOn: string): Attestation {
  return {
    patient: PATIENT,
    careDate: today,
    collectingEntityCbe: CBE,
    patientPaidCents: 2650,
    acts: [{ code: '560652', quantity: 1, serviceDate: today, amountPaidCents: 2650, prescriberNihii: '19910239004', prescriptionDate: prescribedOn, prescriberNorm: '1', side: 'left' }],
  };
}

export function dentistWithTooth(today: string): Attestation {
  return {
    patient: PATIENT,
    careDate: today,
    collectingEntityCbe: CBE,
    patientPaidCents: 4310,
    acts: [{ code: '374636', quantity: 1, serviceDate: today, amountPaidCents: 4310, tooth: '36' }],
    identityReading: { inputType: '1', mediaType: '1', date: today, time: '09:12:40', serialNumber: '592123456789' },
  };
}

export function specialistInHospital(today: string): Attestation {
  return {
    patient: PATIENT,
    careDate: today,
    collectingEntityCbe: CBE,
    patientPaidCents: 4270,
    supplementCents: 1500,
    acts: [{ code: '102034', quantity: 1, serviceDate: today, amountPaidCents: 4270, supplementCents: 1500, placeNihii: '71010136', placeType: 'hospital', placeServiceCode: '210' }],
  };
}
