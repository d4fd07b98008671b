import * as z from 'zod/mini';
import { isoDateSchema, mutualitySchema, nihii11Schema, ssinSchema } from './identifiers.js';

/**
 * The patient's insurability as MyCareNet MemberData answers it (PROTOCOL §6.2), and the route the
 * product derives from it: eAttest, eFact (third-party payment) or paper.
 */

/**
 * Who MemberData is asked about: a patient by SSIN or, for a member without one at hand, by the
 * registration number at their local mutuality (PROTOCOL §6.1, "REGNR@MUT").
 */
export const memberSubjectSchema = z.union([
  z.strictObject({ ssin: ssinSchema }),
  z.strictObject({ registrationNumber: z.string().check(z.regex(/^[0-9A-Z]{1,13}$/, 'a registration number has up to 13 digits or capitals')), mutuality: mutualitySchema }),
]);
export type MemberSubject = z.infer<typeof memberSubjectSchema>;

export const contactTypeSchema = z.enum(['other', 'hospitalized']);
export type ContactType = z.infer<typeof contactTypeSchema>;

export const insurabilityPeriodSchema = z.strictObject({
  start: isoDateSchema,
  end: z.optional(isoDateSchema),
  /** The 3-digit local mutuality; its first digit × 100 is the insurer (federation); "rcam" for JSIS (PROTOCOL §2.4, §11). */
  mutuality: z.union([mutualitySchema, z.literal('rcam')]),
  registrationNumber: z.optional(z.string().check(z.maxLength(20))),
  ct1: z.optional(z.string().check(z.regex(/^\d{3}$/))),
  ct2: z.optional(z.string().check(z.regex(/^\d{3}$/))),
});

export const insurabilityWarningSchema = z.strictObject({
  /** The platform's detail code: PartialAnswer, MUTATION, ONLY_FIVE_PERIODS_RETURNED… */
  code: z.string().check(z.maxLength(60)),
  message: z.optional(z.string().check(z.maxLength(500))),
});

export const routeSchema = z.strictObject({
  kind: z.enum(['eattest', 'efact', 'paper']),
  reason: z.enum(['insured', 'thirdPartyPayment', 'medicalHouse', 'notInsured', 'deceased', 'jsis']),
});
export type Route = z.infer<typeof routeSchema>;

/** The DMG (global medical file) holder: a physician or a medical house, asked only on the clinician's request. */
export const dmgHolderSchema = z.strictObject({ nihii11: nihii11Schema, familyName: z.optional(z.string().check(z.maxLength(200))), firstName: z.optional(z.string().check(z.maxLength(200))) });
export type DmgHolder = z.infer<typeof dmgHolderSchema>;

export const insurabilitySchema = z.strictObject({
  patient: z.strictObject({
    ssin: ssinSchema,
    familyName: z.optional(z.string().check(z.maxLength(200))),
    firstName: z.optional(z.string().check(z.maxLength(200))),
    birthDate: z.optional(isoDateSchema),
    gender: z.optional(z.enum(['male', 'female'])),
    deceasedDate: z.optional(isoDateSchema),
  }),
  /** The insurer (federation) code that answered, e.g. "100"; "rcam" for the EU institutions' scheme (JSIS). */
  insurer: z.string().check(z.regex(/^(\d{3}|rcam)$/)),
  periods: z.array(insurabilityPeriodSchema).check(z.maxLength(5)),
  /** Third-party payment by the insurer (payment:byIO). */
  paymentByInsurer: z.boolean(),
  medicalHouse: z.optional(
    z.strictObject({ nihii11: nihii11Schema, type: z.optional(z.string().check(z.maxLength(40))), start: z.optional(isoDateSchema), end: z.optional(isoDateSchema) }),
  ),
  generalSituation: z.optional(z.strictObject({ event: z.optional(z.string().check(z.maxLength(40))), transferDate: z.optional(isoDateSchema) })),
  hospitalisation: z.optional(
    z.strictObject({ hospitalNihii: z.string().check(z.maxLength(12)), admissionDate: z.optional(isoDateSchema), service: z.optional(z.string().check(z.maxLength(3))) }),
  ),
  warnings: z.array(insurabilityWarningSchema).check(z.maxLength(20)),
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
