/**
 * The simulator's tariff table. ILLUSTRATIVE demo values only, in euro cents: plausible orders of
 * magnitude for common codes, NOT the official RIZIV/INAMI fees, which change every year. Who may
 * claim a code is simplified to a kind of provider: GP or specialist for physicians, else the profession.
 */
import type { Profession } from '../../../src/shared/domain/profession.js';

export type ProviderKind = 'gp' | 'specialist' | Exclude<Profession, 'doctor'>;

export interface TariffEntry {
  code: string;
  label: string;
  /** The kinds of provider that may claim it (others get error 171). */
  claimedBy: readonly ProviderKind[];
  fee: number;
  /** Insurer's part and patient's share for an ordinary insured (CT 110). */
  reimbursement: number;
  patientShare: number;
  /** The patient's share with increased reimbursement (CT1 ending in 1, "BIM/VT"); the insurer pays the rest. */
  preferentialPatientShare: number;
  /** General-practice care that a medical house's forfait covers (error 169 for its patients). */
  coveredByMedicalHouse: boolean;
}

export const TARIFF_TABLE: readonly TariffEntry[] = [
  { code: '101010', label: 'GP consultation at the practice', claimedBy: ['gp'], fee: 3159, reimbursement: 2759, patientShare: 400, preferentialPatientShare: 100, coveredByMedicalHouse: true },
  { code: '101032', label: 'GP home visit', claimedBy: ['gp'], fee: 4675, reimbursement: 3575, patientShare: 1100, preferentialPatientShare: 300, coveredByMedicalHouse: true },
  { code: '101076', label: 'GP consultation, accredited GP', claimedBy: ['gp'], fee: 3164, reimbursement: 2764, patientShare: 400, preferentialPatientShare: 100, coveredByMedicalHouse: true },
  { code: '103132', label: 'GP home visit, afternoon or evening', claimedBy: ['gp'], fee: 5210, reimbursement: 4110, patientShare: 1100, preferentialPatientShare: 300, coveredByMedicalHouse: true },
  { code: '475075', label: 'Electrocardiogram at the practice', claimedBy: ['gp', 'specialist'], fee: 1823, reimbursement: 1823, patientShare: 0, preferentialPatientShare: 0, coveredByMedicalHouse: true },
  { code: '102034', label: 'Specialist consultation (internal medicine)', claimedBy: ['specialist'], fee: 4270, reimbursement: 2770, patientShare: 1500, preferentialPatientShare: 350, coveredByMedicalHouse: false },
  { code: '102550', label: 'Specialist consultation (paediatrics)', claimedBy: ['specialist'], fee: 4415, reimbursement: 3215, patientShare: 1200, preferentialPatientShare: 300, coveredByMedicalHouse: false },
  { code: '102093', label: 'Specialist consultation (cardiology)', claimedBy: ['specialist'], fee: 4840, reimbursement: 3340, patientShare: 1500, preferentialPatientShare: 350, coveredByMedicalHouse: false },
  { code: '371011', label: 'Dental consultation', claimedBy: ['dentist'], fee: 2740, reimbursement: 2040, patientShare: 700, preferentialPatientShare: 0, coveredByMedicalHouse: false },
  { code: '301593', label: 'Annual oral examination', claimedBy: ['dentist'], fee: 2840, reimbursement: 2840, patientShare: 0, preferentialPatientShare: 0, coveredByMedicalHouse: false },
  { code: '304310', label: 'Scaling, per quadrant', claimedBy: ['dentist'], fee: 1730, reimbursement: 1730, patientShare: 0, preferentialPatientShare: 0, coveredByMedicalHouse: false },
  { code: '374636', label: 'Filling, one surface', claimedBy: ['dentist'], fee: 4310, reimbursement: 3230, patientShare: 1080, preferentialPatientShare: 0, coveredByMedicalHouse: false },
  { code: '560011', label: 'Physiotherapy session, current pathology', claimedBy: ['physiotherapist'], fee: 2650, reimbursement: 1985, patientShare: 665, preferentialPatientShare: 165, coveredByMedicalHouse: true },
  { code: '560652', label: 'Physiotherapy session, current pathology, at home', claimedBy: ['physiotherapist'], fee: 2925, reimbursement: 2190, patientShare: 735, preferentialPatientShare: 180, coveredByMedicalHouse: true },
  { code: '425110', label: 'Nursing care visit, hygiene care', claimedBy: ['nurse'], fee: 1660, reimbursement: 1660, patientShare: 0, preferentialPatientShare: 0, coveredByMedicalHouse: true },
  { code: '422306', label: 'Midwife prenatal consultation', claimedBy: ['midwife'], fee: 2900, reimbursement: 2900, patientShare: 0, preferentialPatientShare: 0, coveredByMedicalHouse: false },
  { code: '711012', label: 'Speech therapy session, 30 minutes', claimedBy: ['speechTherapist'], fee: 2530, reimbursement: 2020, patientShare: 510, preferentialPatientShare: 130, coveredByMedicalHouse: false },
];

export function tariffOf(code: string): TariffEntry | undefined {
  return TARIFF_TABLE.find((entry) => entry.code === code);
}

/**
 * GPs carry a qualification code 000–099 in their NIHII (the last three digits); other physicians are
 * specialists. A guard post's physicians on duty are GPs: it asks the GPs' tariffs (the simulator's
 * own reading: no reference says which codes an insurer prices for a guard post).
 */
export function providerKindOf(profession: Profession, nihii11: string): ProviderKind {
  if (profession === 'guardPost') return 'gp';
  if (profession !== 'doctor') return profession;
  return Number(nihii11.slice(8)) < 100 ? 'gp' : 'specialist';
}
