import { z } from 'zod';
import { cbeSchema, isoDateSchema, nihii11Schema, ssinSchema } from './identifiers.js';
import { centsSchema } from './money.js';
import { nomenclatureCodeSchema } from './tariff.js';

/**
 * The attestation the clinician confirms in the popup and the host sends as an eAttest v3
 * (PROTOCOL §8.2): one "cga" (patient, amount paid, collecting entity) and one "cgd" per act.
 */

/** Amounts the patient paid are never negative. */
const paidCentsSchema = centsSchema.min(0);

/** FDI tooth number: permanent teeth 11–48, deciduous teeth 51–85. */
export const toothSchema = z.string().regex(/^(?:[1-4][1-8]|[5-8][1-5])$/, 'an FDI tooth number (11–48, 51–85)');

/** An institution (8 digits) or a person (11 digits) as place of service. */
const placeNihiiSchema = z.string().regex(/^\d{8}(?:\d{3})?$/, 'a NIHII number has 8 or 11 digits');

export const attestationActSchema = z.strictObject({
  code: nomenclatureCodeSchema,
  quantity: z.number().int().min(1).max(99),
  /** Date of the service; eAttest only takes today's care (errors 146/191/238). */
  serviceDate: isoDateSchema,
  /** What the patient paid for this act, when the EHR splits it per act. */
  amountPaidCents: paidCentsSchema.optional(),
  /** The insurer's decision or agreement reference (Chapter IV, eAgreement). */
  decisionReference: z.string().regex(/^[A-Za-z0-9._/-]{1,50}$/, 'a decision reference is 1–50 letters, digits or . _ / -').optional(),
  prescriberNihii: nihii11Schema.optional(),
  placeNihii: placeNihiiSchema.optional(),
  /** Dentists: the tooth treated and, for limbs or jaws, the side. */
  tooth: toothSchema.optional(),
  side: z.enum(['left', 'right']).optional(),
});
export type AttestationAct = z.infer<typeof attestationActSchema>;

const personNameSchema = z.string().trim().min(1).max(100);

export const attestationSchema = z
  .strictObject({
    patient: z.strictObject({
      ssin: ssinSchema,
      /** For the patient's supporting document; MyCareNet answers with its own spelling. */
      firstName: personNameSchema,
      lastName: personNameSchema,
    }),
    /** The day of care, a Belgian calendar day (YYYY-MM-DD). */
    careDate: isoDateSchema,
    /** The entity that collects the fee (paymentreceivingparty), when not the provider's own. */
    collectingEntityCbe: cbeSchema.optional(),
    /** Total the patient paid (cga "patientpaid"). */
    patientPaidCents: paidCentsSchema,
    /** Total supplements (cga "supplement"). */
    supplementCents: paidCentsSchema.optional(),
    acts: z.array(attestationActSchema).min(1).max(30),
  })
  .superRefine((attestation, context) => {
    attestation.acts.forEach((act, index) => {
      if (act.serviceDate !== attestation.careDate) {
        context.addIssue({ code: 'custom', path: ['acts', index, 'serviceDate'], message: 'every act is on the day of care' });
      }
    });
  });
export type Attestation = z.infer<typeof attestationSchema>;

/** Why a sent eAttest is cancelled (PROTOCOL §8.4, NIHDI-CANCELLATION-REASON). */
export const CANCEL_REASONS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export const cancelReasonSchema = z.enum(CANCEL_REASONS);
export type CancelReason = z.infer<typeof cancelReasonSchema>;

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

/** Hex SHA-256, the shape of a consultation key. */
export const consultationKeySchema = z.string().regex(/^[0-9a-f]{64}$/, 'a consultation key is 64 hex digits');

/**
 * Identifies "the same consultation" — the same provider, patient, day and acts, in any order —
 * so that it is never attested twice electronically (PROTOCOL rule 6). Amounts and names are
 * left out on purpose: correcting an amount does not make it another consultation.
 */
export async function consultationKey(providerNihii11: string, attestation: Attestation): Promise<string> {
  nihii11Schema.parse(providerNihii11);
  const acts = attestation.acts.map((act) => [act.code, String(act.quantity), act.serviceDate, act.tooth ?? '', act.side ?? ''].join('|')).sort();
  const canonical = JSON.stringify({ version: 1, provider: providerNihii11, patient: attestation.patient.ssin, careDate: attestation.careDate, acts });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
