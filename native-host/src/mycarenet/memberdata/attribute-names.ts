import type { MemberSubject } from '../../../../src/shared/domain/insurability.js';

/**
 * The MemberData vocabulary the product gives meaning to (PROTOCOL §6.2): assertion types and the
 * attributes read from them. Anything else an insurer sends (the technical assertion, paymentApproval,
 * communicationDate…) is kept as read, or skipped when longer than the product's bounds.
 */

const NIPPIN = 'urn:be:cin:nippin';

export const ASSERTION_TYPES = {
  patientData: `${NIPPIN}:insurability:patientData`,
  period: `${NIPPIN}:insurability:period`,
  payment: `${NIPPIN}:insurability:payment`,
  generalSituation: `${NIPPIN}:insurability:generalSituation`,
  medicalHouse: `${NIPPIN}:medicalHouse`,
  hospitalisation: `${NIPPIN}:hospitalisation`,
  globalMedicalFile: `${NIPPIN}:globalMedicalFile`,
  palliativeStatus: `${NIPPIN}:palliativeStatus`,
  technicalAssertion: `${NIPPIN}:technicalAssertion`,
} as const;

export const ATTRIBUTES = {
  ssin: 'urn:be:fgov:person:ssin',
  familyName: `${NIPPIN}:careReceiver:name`,
  firstName: `${NIPPIN}:careReceiver:firstName`,
  birthDate: `${NIPPIN}:careReceiver:birthDate`,
  gender: `${NIPPIN}:careReceiver:gender`,
  deceasedDate: `${NIPPIN}:careReceiver:deceasedDate`,
  registrationNumber: `${NIPPIN}:careReceiver:registrationNumber`,
  mutuality: `${NIPPIN}:careReceiver:mutuality`,
  ct1: `${NIPPIN}:cb1`,
  ct2: `${NIPPIN}:cb2`,
  paymentByInsurer: `${NIPPIN}:payment:byIO`,
  situationEvent: `${NIPPIN}:generalSituation:event`,
  transferDate: `${NIPPIN}:generalSituation:transfer:date`,
  medicalHouseNihii: `${NIPPIN}:medicalHouse:nihii11`,
  medicalHouseType: `${NIPPIN}:medicalHouse:type`,
  medicalHouseStart: `${NIPPIN}:medicalHouse:start`,
  medicalHouseEnd: `${NIPPIN}:medicalHouse:end`,
  hospitalNihii: `${NIPPIN}:hospitalisation:hospital:nihii11`,
  admissionDate: `${NIPPIN}:hospitalisation:admissionDate`,
  hospitalService: `${NIPPIN}:hospitalisation:service`,
  dmgHolderNihii: `${NIPPIN}:globalMedicalFile:hcp:nihii11`,
  dmgHolderName: `${NIPPIN}:globalMedicalFile:hcp:name`,
  dmgHolderFirstName: `${NIPPIN}:globalMedicalFile:hcp:firstName`,
  palliativeStart: `${NIPPIN}:palliativeStatus:startDate`,
} as const;

export const READ_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(ATTRIBUTES));

/** The Subject NameID formats of MemberData: a patient asked by SSIN, or by registration number at a mutuality. */
export const SUBJECT_FORMATS = {
  ssin: 'urn:be:fgov:person:ssin',
  registrationNumber: `${NIPPIN}:careReceiver:registrationNumber@mut`,
} as const;

/** The Subject NameID that names a patient, in a query and in every assertion of its answer. */
export function subjectNameId(subject: MemberSubject): { format: string; value: string } {
  return 'ssin' in subject
    ? { format: SUBJECT_FORMATS.ssin, value: subject.ssin }
    : { format: SUBJECT_FORMATS.registrationNumber, value: `${subject.registrationNumber}@${subject.mutuality}` };
}
