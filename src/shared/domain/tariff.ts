import { z } from 'zod';
import { centsSchema } from './money.js';

/** Tariffs per nomenclature code on a date, as MyCareNet Tarification answers (PROTOCOL §7). */

/** A RIZIV/INAMI nomenclature code: 6 digits (e.g. 101010 for a GP consultation). */
export const nomenclatureCodeSchema = z.string().regex(/^\d{6}$/, 'a nomenclature code has 6 digits');

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
  code: z.string().max(20),
  /** The request element it points at, when given. */
  location: z.string().max(300).optional(),
  description: z.string().max(500).optional(),
  /** The nomenclature code the error is about, when it points at one code's claim. */
  nomenclatureCode: nomenclatureCodeSchema.optional(),
});

export const tariffsSchema = z.strictObject({
  date: z.iso.date(),
  lines: z.array(tariffLineSchema).max(30),
  errors: z.array(tariffErrorSchema).max(30),
});
export type Tariffs = z.infer<typeof tariffsSchema>;
