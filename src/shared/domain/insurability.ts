import { z } from 'zod';
import { isoDateSchema, mutualitySchema, nihii11Schema, ssinSchema } from './identifiers.js';

/**
 * The patient's insurability as MyCareNet MemberData answers it (PROTOCOL §6.2), and the route the
 * product derives from it: eAttest, eFact (third-party payment) or paper.
 */

export const contactTypeSchema = z.enum(['other', 'hospitalized']);
export type ContactType = z.infer<typeof contactTypeSchema>;

export const insurabilityPeriodSchema = z.strictObject({
  start: isoDateSchema,
  end: isoDateSchema.optional(),
  /** The 3-digit local mutuality; its first digit × 100 is the insurer (federation); "rcam" for JSIS (PROTOCOL §2.4, §11). */
  mutuality: z.union([mutualitySchema, z.literal('rcam')]),
  registrationNumber: z.string().max(20).optional(),
  ct1: z.string().regex(/^\d{3}$/).optional(),
  ct2: z.string().regex(/^\d{3}$/).optional(),
});

export const insurabilityWarningSchema = z.strictObject({
  /** The platform's detail code: PartialAnswer, MUTATION, ONLY_FIVE_PERIODS_RETURNED… */
  code: z.string().max(60),
  message: z.string().max(500).optional(),
});

export const routeSchema = z.strictObject({
  kind: z.enum(['eattest', 'efact', 'paper']),
  reason: z.enum(['insured', 'thirdPartyPayment', 'medicalHouse', 'notInsured', 'deceased', 'jsis']),
});
export type Route = z.infer<typeof routeSchema>;

/** The DMG (global medical file) holder: a physician or a medical house, asked only on the clinician's request. */
export const dmgHolderSchema = z.strictObject({ nihii11: nihii11Schema, familyName: z.string().max(200).optional(), firstName: z.string().max(200).optional() });
export type DmgHolder = z.infer<typeof dmgHolderSchema>;

export const insurabilitySchema = z.strictObject({
  patient: z.strictObject({
    ssin: ssinSchema,
    familyName: z.string().max(200).optional(),
    firstName: z.string().max(200).optional(),
    birthDate: isoDateSchema.optional(),
    gender: z.enum(['male', 'female']).optional(),
    deceasedDate: isoDateSchema.optional(),
  }),
  /** The insurer (federation) code that answered, e.g. "100"; "rcam" for the EU institutions' scheme (JSIS). */
  insurer: z.string().regex(/^(\d{3}|rcam)$/),
  periods: z.array(insurabilityPeriodSchema).max(5),
  /** Third-party payment by the insurer (payment:byIO). */
  paymentByInsurer: z.boolean(),
  medicalHouse: z.strictObject({ nihii11: nihii11Schema, type: z.string().max(40).optional(), start: isoDateSchema.optional(), end: isoDateSchema.optional() }).optional(),
  generalSituation: z.strictObject({ event: z.string().max(40).optional(), transferDate: isoDateSchema.optional() }).optional(),
  hospitalisation: z.strictObject({ hospitalNihii: z.string().max(12), admissionDate: isoDateSchema.optional(), service: z.string().max(3).optional() }).optional(),
  warnings: z.array(insurabilityWarningSchema).max(20),
  /** The day of care the answer is about, and when it was obtained. */
  date: isoDateSchema,
  consultedAt: z.iso.datetime(),
  route: routeSchema,
});
export type Insurability = z.infer<typeof insurabilitySchema>;

/**
 * eAttest is refused for patients of a medical house (error 169) and where third-party payment is
 * mandatory (error 196); without insurance in order there is no electronic route at all.
 */
export function routeFor(insurability: Omit<Insurability, 'route'>): Route {
  if (insurability.patient.deceasedDate !== undefined && insurability.patient.deceasedDate <= insurability.date) return { kind: 'paper', reason: 'deceased' };
  const current = insurability.periods.some((period) => period.start <= insurability.date && (period.end === undefined || period.end >= insurability.date));
  if (!current) return { kind: 'paper', reason: 'notInsured' };
  if (insurability.medicalHouse !== undefined) return { kind: 'paper', reason: 'medicalHouse' };
  if (insurability.paymentByInsurer) return { kind: 'efact', reason: 'thirdPartyPayment' };
  return { kind: 'eattest', reason: insurability.insurer === 'rcam' ? 'jsis' : 'insured' };
}
