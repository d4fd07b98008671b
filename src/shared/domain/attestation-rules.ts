/**
 * The attestation's fixed lists and patterns, without zod, so that the popup can use them without
 * loading the schemas (src/shared/domain/attestation.ts builds its schemas on them and re-exports them).
 */

/** FDI tooth number: permanent teeth 11–48, deciduous teeth 51–85. */
export const FDI_TOOTH = /^(?:[1-4][1-8]|[5-8][1-5])$/;

/** Why a sent eAttest is cancelled (PROTOCOL §8.4, NIHDI-CANCELLATION-REASON). */
export const CANCEL_REASONS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** The i18n key that explains each reason (`_locales/*\/messages.json`). */
export const CANCEL_REASON_MEANING_KEYS: Readonly<Record<CancelReason, string>> = {
  A: 'cancelReason_A_patientError',
  B: 'cancelReason_B_providerError',
  C: 'cancelReason_C_elementError',
  D: 'cancelReason_D_duplicate',
  E: 'cancelReason_E_replacedByEfact',
  F: 'cancelReason_F_replacedByPaper',
  G: 'cancelReason_G_notApplicable',
};

/**
 * Where an act was performed (kmehr `encounterlocation`): the clinician chooses the kind of place,
 * and the kind gives the CD-HCPARTY the insurers read. Never a person: a place is an institution.
 */
export const PLACE_TYPES = ['hospital', 'laboratory', 'practice', 'primarycare', 'retirementhome', 'guardpost'] as const;
export type PlaceType = (typeof PLACE_TYPES)[number];
export const PLACE_TYPE_CD_HCPARTY: Readonly<Record<PlaceType, string>> = {
  hospital: 'orghospital',
  laboratory: 'orglaboratory',
  practice: 'orgpractice',
  primarycare: 'orgprimaryhealthcarecenter',
  retirementhome: 'orgretirementhome',
  guardpost: 'guardpost',
};

/** NIHDI-SERVICE-CD: the hospital service (eFact instructions, annex 16.15), three digits. */
export const HOSPITAL_SERVICE_CODE = /^\d{3}$/;

/**
 * NIHDI-REQUESTOR-NORM (eFact RT50 zone 26). The references send 1 for an act prescribed by the
 * prescriber they name; 3 is a self-prescription, which names no prescriber and no date (errors 233, 234).
 */
export const REQUESTOR_NORM = /^\d$/;
export const SELF_PRESCRIPTION_NORM = '3';

/**
 * The reading of the patient's identity document (kmehr `documentidentity`, eFact record 52):
 * how it was read (NIHDI-ID-DOC-INPUT-TYPE, 4 = typed by hand), what was read
 * (NIHDI-ID-DOC-MEDIA-TYPE, 7 = a sticker), when, and the support's serial number.
 */
export const ID_DOC_MEDIA_TYPES = ['1', '2', '4', '7', '8', '9', 'A'] as const;
export type IdDocMediaType = (typeof ID_DOC_MEDIA_TYPES)[number];
export const ID_DOC_INPUT_TYPE = /^[1-9]$/;
export const ID_DOC_MANUAL_INPUT = '4';
export const ID_DOC_VIGNETTE_MEDIA = '7';
/** Media whose serial number is given (catalogue errors 216, 229: 1, 2, 4 or 5). */
export const ID_DOC_MEDIA_WITH_SERIAL: ReadonlySet<string> = new Set(['1', '2', '4', '5']);
export const ID_DOC_SERIAL = /^[0-9A-Za-z-]{1,30}$/;
