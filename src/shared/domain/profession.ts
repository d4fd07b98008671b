import * as z from 'zod/mini';

/**
 * The care providers whose eAttests MyCareNet accepts and whom the product signs in (PROTOCOL §4.1):
 * each is a person with an eHealth certificate, an SSIN and a NIHII, and the STS certifies their
 * profession. (A guard post signs in as an organisation: not supported yet.)
 */
export const PROFESSIONS = ['doctor', 'dentist', 'physiotherapist', 'nurse', 'midwife', 'speechTherapist'] as const;
export const professionSchema = z.enum(PROFESSIONS);
export type Profession = z.infer<typeof professionSchema>;

/** kmehr CD-HCPARTY of each profession (cd-1_34.xsd): how an attestation names its author. */
export const HCPARTY_CODES: Readonly<Record<Profession, string>> = {
  doctor: 'persphysician',
  dentist: 'persdentist',
  physiotherapist: 'persphysiotherapist',
  nurse: 'persnurse',
  midwife: 'persmidwife',
  speechTherapist: 'perslogopedist',
};
