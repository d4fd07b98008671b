import * as z from 'zod/mini';
import { isValidCbe, isValidSsin } from './identifier-rules.js';

export { isValidCbe, isValidSsin, normaliseCbe, normaliseSsin } from './identifier-rules.js';

/**
 * Belgian identifiers. SSIN (INSZ/NISS): 11 digits, the last two a mod-97 check over the first
 * nine (prefixed with 2 for people born from 2000). NIHII (RIZIV/INAMI number): 11 digits for a
 * care provider (8 significant + 3 qualification digits).
 */

export const ssinSchema = z.string().check(z.refine(isValidSsin, 'not a valid SSIN (11 digits with a valid check number)'));
export const nihii11Schema = z.string().check(z.regex(/^\d{11}$/, 'a NIHII number has 11 digits'));
/** A calendar date, YYYY-MM-DD, in Belgian local time. */
export const isoDateSchema = z.iso.date();
/** Local mutuality code (3 digits) or an insurer (federation) code. */
export const mutualitySchema = z.string().check(z.regex(/^(750|999|[1-69]\d{2})$/, 'a mutuality code has 3 digits'));

export const cbeSchema = z.string().check(z.refine(isValidCbe, 'not a valid CBE number (10 digits with a valid check number)'));

/**
 * A physician an attestation names as its author beside the signed-in provider: a trainee's
 * supervisor, or the physician on duty whose care a guard post attests. A physician's NIHII begins with 1.
 */
const physicianNameSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
export const namedPhysicianSchema = z.strictObject({
  nihii11: nihii11Schema.check(z.regex(/^1/, 'a physician: the NIHII begins with 1')),
  ssin: ssinSchema,
  firstName: physicianNameSchema,
  lastName: physicianNameSchema,
});
export type NamedPhysician = z.infer<typeof namedPhysicianSchema>;
