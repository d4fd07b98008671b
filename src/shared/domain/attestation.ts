import * as z from 'zod/mini';
import { cbeSchema, isoDateSchema, namedPhysicianSchema, nihii11Schema, ssinSchema, type NamedPhysician } from './identifiers.js';
import { centsSchema } from './money.js';
import { ATTESTATION_RULES, coherenceProblems } from './attestation-checks.js';
import {
  CANCEL_REASONS,
  FDI_TOOTH,
  HOSPITAL_SERVICE_CODE,
  ID_DOC_INPUT_TYPE,
  ID_DOC_MEDIA_TYPES,
  ID_DOC_SERIAL,
  PLACE_TYPES,
  REQUESTOR_NORM,
} from './attestation-rules.js';
import { nomenclatureCodeSchema } from './tariff.js';

/**
 * The attestation the clinician confirms in the popup and the host sends as an eAttest v3
 * (PROTOCOL §8.2): one "cga" (patient, amount paid, collecting entity) and one "cgd" per act.
 */

/** Amounts the patient paid are never negative. */
const paidCentsSchema = centsSchema.check(z.gte(0));

/** FDI tooth number: permanent teeth 11–48, deciduous teeth 51–85. */
export const toothSchema = z.string().check(z.regex(FDI_TOOTH, 'an FDI tooth number (11–48, 51–85)'));

/** An institution (8 digits) or a person (11 digits) as place of service. */
const placeNihiiSchema = z.string().check(z.regex(/^\d{8}(?:\d{3})?$/, 'a NIHII number has 8 or 11 digits'));

export const attestationActSchema = z.strictObject({
  code: nomenclatureCodeSchema,
  quantity: z.int().check(z.gte(1), z.lte(99)),
  /** Date of the service; eAttest only takes today's care (errors 146/191/238). */
  serviceDate: isoDateSchema,
  /** What the patient paid for this act, when the EHR splits it per act. */
  amountPaidCents: z.optional(paidCentsSchema),
  /** The insurer's decision or agreement reference (Chapter IV, eAgreement). */
  decisionReference: z.optional(z.string().check(z.regex(/^[A-Za-z0-9._/-]{1,50}$/, 'a decision reference is 1–50 letters, digits or . _ / -'))),
  /** Supplement above the legal fee the patient paid for this act (cgd "supplement"). */
  supplementCents: z.optional(paidCentsSchema),
  /** The prescriber (kmehr `requestor`), with the prescription's date and the requestor norm (1 when absent). */
  prescriberNihii: z.optional(nihii11Schema),
  prescriptionDate: z.optional(isoDateSchema),
  prescriberNorm: z.optional(z.string().check(z.regex(REQUESTOR_NORM, 'a requestor norm is one digit'))),
  /** Where the act was performed: the institution's NIHII, its kind, and for a hospital its service code. */
  placeNihii: z.optional(placeNihiiSchema),
  placeType: z.optional(z.enum(PLACE_TYPES)),
  placeServiceCode: z.optional(z.string().check(z.regex(HOSPITAL_SERVICE_CODE, 'a hospital service code has 3 digits'))),
  /** Dentists: the tooth treated (CD-ISO-3950); for limbs, the side treated (NIHDI-TREATED-LIMB). */
  tooth: z.optional(toothSchema),
  side: z.optional(z.enum(['left', 'right'])),
  /** The patient's DMG holder, when the fee depends on it and the attesting physician is not the holder (kmehr `gmdmanager`). */
  dmgHolderNihii: z.optional(nihii11Schema),
});
export type AttestationAct = z.infer<typeof attestationActSchema>;

/** How the patient's identity document was read for this consultation (kmehr `documentidentity`). */
export const identityReadingSchema = z.strictObject({
  inputType: z.string().check(z.regex(ID_DOC_INPUT_TYPE, 'an input type is one digit')),
  mediaType: z.enum(ID_DOC_MEDIA_TYPES),
  /** Brussels date and time of the reading; the insurers want the day of care (error 156). */
  date: isoDateSchema,
  time: z.string().check(z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'a time is HH:MM:SS')),
  /** The card's (support's) number, for the media that have one. */
  serialNumber: z.optional(z.string().check(z.regex(ID_DOC_SERIAL, 'a card number is 1–30 letters, digits or dashes'))),
  manualInputReason: z.optional(z.string().check(z.regex(/^\d$/, 'a reason is one digit'))),
  vignetteReason: z.optional(z.string().check(z.regex(/^\d$/, 'a reason is one digit'))),
});
export type IdentityReading = z.infer<typeof identityReadingSchema>;

const personNameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** The physician on duty who gave the care a guard post attests (the cga's and every cgd's author, FHC EattestV3ServiceImpl). */
export const performerSchema = namedPhysicianSchema;
export type Performer = NamedPhysician;

const attestationObjectSchema = z.strictObject({
    patient: z.strictObject({
      ssin: ssinSchema,
      /** For the patient's supporting document; MyCareNet answers with its own spelling. */
      firstName: personNameSchema,
      lastName: personNameSchema,
    }),
    /** The day of care, a Belgian calendar day (YYYY-MM-DD). */
    careDate: isoDateSchema,
    /** The entity that collects the fee (paymentreceivingparty), when not the provider's own. */
    collectingEntityCbe: z.optional(cbeSchema),
    /** Total the patient paid (cga "patientpaid"). */
    patientPaidCents: paidCentsSchema,
    /** Total supplements (cga "supplement"). */
    supplementCents: z.optional(paidCentsSchema),
    /** The reading of the patient's identity document, sent with every act; some insurers require it (error 222). */
    identityReading: z.optional(identityReadingSchema),
    /** A guard post's attestation only (required there): the physician on duty who gave the care. */
    performer: z.optional(performerSchema),
    acts: z.array(attestationActSchema).check(z.minLength(1), z.maxLength(30)),
  });

const everyActOnTheDayOfCare = z.superRefine((attestation: z.infer<typeof attestationObjectSchema>, context) => {
  attestation.acts.forEach((act, index) => {
    if (act.serviceDate !== attestation.careDate) context.addIssue({ code: 'custom', path: ['acts', index, 'serviceDate'], message: 'every act is on the day of care' });
  });
});

/**
 * An attestation as it was sent and recorded (journal, receipts, history): read as it is, under
 * the rules of the day it was sent, so that a record made before a rule existed still reads.
 */
export const recordedAttestationSchema = attestationObjectSchema.check(everyActOnTheDayOfCare);

/**
 * An attestation that may be sent now: also the platform's rules between its fields (requestor,
 * place, totals, eID reading), from the one module of checks before sending (attestation-checks.ts).
 */
export const attestationSchema = attestationObjectSchema.check(
  everyActOnTheDayOfCare,
  z.superRefine((attestation, context) => {
    for (const problem of coherenceProblems(attestation)) context.addIssue({ code: 'custom', path: [...problem.path], message: ATTESTATION_RULES[problem.rule].english });
  }),
);
export type Attestation = z.infer<typeof attestationSchema>;

export { CANCEL_REASON_MEANING_KEYS, CANCEL_REASONS, type CancelReason } from './attestation-rules.js';
export const cancelReasonSchema = z.enum(CANCEL_REASONS);

/** Hex SHA-256, the shape of a consultation key. */
export const consultationKeySchema = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a consultation key is 64 hex digits'));

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
