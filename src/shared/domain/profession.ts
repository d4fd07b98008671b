import * as z from 'zod/mini';

/**
 * The care providers whose eAttests MyCareNet accepts and whom the product signs in (PROTOCOL §4.1):
 * each is a person with an eHealth certificate, an SSIN and a NIHII, and the STS certifies their
 * profession — except a guard post (poste de garde / wachtpost), which signs in as an organisation
 * with its own NIHII and no SSIN, and whose eAttests name the physician on duty who gave the care.
 */
export const PROFESSIONS = ['doctor', 'dentist', 'physiotherapist', 'nurse', 'midwife', 'speechTherapist', 'guardPost'] as const;
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
  guardPost: 'guardpost',
};

/** The professions that sign in with an organisation certificate (no SSIN; the NIHII is in the certificate). */
export function isOrganisation(profession: Profession): boolean {
  return profession === 'guardPost';
}
