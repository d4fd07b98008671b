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
