import * as z from 'zod/mini';
import { centsSchema } from './money.js';

/** Tariffs per nomenclature code on a date, as MyCareNet Tarification answers (PROTOCOL §7). */

/** A RIZIV/INAMI nomenclature code: 6 digits (e.g. 101010 for a GP consultation). */
export const nomenclatureCodeSchema = z.string().check(z.regex(/^\d{6}$/, 'a nomenclature code has 6 digits'));

export const tariffLineSchema = z.strictObject({
  code: nomenclatureCodeSchema,
  /** The official fee. */
  fee: centsSchema,
  /** What the insurer pays back. */
  reimbursement: centsSchema,
  /** The patient's share (ticket modérateur / remgeld). */
  patientShare: centsSchema,
});
export type TariffLine = z.infer<typeof tariffLineSchema>;

export const tariffErrorSchema = z.strictObject({
  /** The kmehr error code (146, 166, 169, 170…). */
  code: z.string().check(z.maxLength(20)),
  /** The request element it points at, when given. */
  location: z.optional(z.string().check(z.maxLength(300))),
  description: z.optional(z.string().check(z.maxLength(500))),
  /** The nomenclature code the error is about, when it points at one code's claim. */
  nomenclatureCode: z.optional(nomenclatureCodeSchema),
});

export const tariffsSchema = z.strictObject({
  date: z.iso.date(),
  lines: z.array(tariffLineSchema).check(z.maxLength(30)),
  errors: z.array(tariffErrorSchema).check(z.maxLength(30)),
});
export type Tariffs = z.infer<typeof tariffsSchema>;
