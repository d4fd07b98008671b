import * as z from 'zod/mini';
import { MAX_FIELD_TEXT } from '../adapters/transforms.js';
import { isoDateSchema, nihii11Schema, ssinSchema } from './identifiers.js';
import { centsSchema } from './money.js';
import { nomenclatureCodeSchema } from './tariff.js';
import { toothSchema } from './attestation.js';
import { LANGUAGES } from '../languages.js';
import { HOSPITAL_SERVICE_CODE, ID_DOC_INPUT_TYPE, ID_DOC_MEDIA_TYPES, ID_DOC_SERIAL, PLACE_TYPES } from './attestation-rules.js';

/**
 * The consultation proposal read from an EHR page. The content script sends a *reading*: strings
 * only, as the adapter found them (after its transforms). The background turns it into a *proposal*:
 * each field keeps its raw text, the value parsed from it and, when it cannot be trusted, a problem
 * the clinician sees and may correct in the popup. The page is hostile, so nothing it says is taken
 * as parsed. A proposal is never changed in place: a new reading, or a correction, makes a new value.
 */

export const MAX_ACTS = 30;

export const FIELD_PROBLEMS = [
  'missing',
  'ssinInvalid',
  'nameInvalid',
  'dateInvalid',
  'dateNotToday',
  'dateInFuture',
  'codeInvalid',
  'quantityInvalid',
  'amountInvalid',
  'toothInvalid',
  'nihiiInvalid',
  'sideInvalid',
  'textInvalid',
  'choiceInvalid',
  'timeInvalid',
] as const;
export const fieldProblemSchema = z.enum(FIELD_PROBLEMS);
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

const readingTextSchema = z.nullable(z.string().check(z.maxLength(MAX_FIELD_TEXT)));

export const actReadingSchema = z.strictObject({
  code: readingTextSchema,
  quantity: readingTextSchema,
  amountPaid: readingTextSchema,
  supplement: readingTextSchema,
  tooth: readingTextSchema,
  side: readingTextSchema,
  place: readingTextSchema,
  prescriber: readingTextSchema,
  // Optional, so that readers written before them still parse: the scraper always sends them.
  /** The kind of place (hospital, laboratory…) and a hospital's service code (NIHDI-SERVICE-CD). */
  placeType: z.optional(readingTextSchema),
  placeService: z.optional(readingTextSchema),
  prescriptionDate: z.optional(readingTextSchema),
});
export type ActReading = z.infer<typeof actReadingSchema>;
export type ActFieldKey = keyof ActReading;

/** content script → background: what the adapter read, nothing parsed. */
export const consultationReadingSchema = z.strictObject({
  adapterId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/)),
  patient: z.strictObject({ ssin: readingTextSchema, familyName: readingTextSchema, firstName: readingTextSchema, birthDate: readingTextSchema }),
  consultation: z.strictObject({
    date: readingTextSchema,
    providerHint: readingTextSchema,
    /** The reading of the patient's eID (kmehr documentidentity): time, how it was read, what, its number. */
    eidReadAt: z.optional(readingTextSchema),
    eidInputType: z.optional(readingTextSchema),
    eidMediaType: z.optional(readingTextSchema),
    eidCardNumber: z.optional(readingTextSchema),
    /** At a guard post, the physician on duty who gave the care (the attestation's author). */
    performerNihii: z.optional(readingTextSchema),
    performerSsin: z.optional(readingTextSchema),
    performerFirstName: z.optional(readingTextSchema),
    performerLastName: z.optional(readingTextSchema),
  }),
  acts: z.array(actReadingSchema).check(z.maxLength(MAX_ACTS)),
  /** The patient's language as the page gives it; only when the adapter says where (see languageOf). */
  patientLanguage: z.optional(readingTextSchema),
});
export type ConsultationReading = z.infer<typeof consultationReadingSchema>;

function fieldSchema<T extends z.ZodMiniType>(value: T) {
  return z.strictObject({
    raw: readingTextSchema,
    value: z.nullable(value),
    problem: z.nullable(fieldProblemSchema),
    /** True once the clinician typed this value in the popup. */
    corrected: z.boolean(),
  });
}
export interface Field<T> {
  raw: string | null;
  value: T | null;
  problem: FieldProblem | null;
  corrected: boolean;
}

const textValueSchema = z.string().check(z.minLength(1), z.maxLength(MAX_FIELD_TEXT));
const sideSchema = z.enum(['left', 'right']);
const placeSchema = z.string().check(z.regex(/^\d{8}(\d{3})?$/, 'a NIHII number of 8 or 11 digits'));
const quantitySchema = z.int().check(z.gte(1), z.lte(99));

export const actProposalSchema = z.strictObject({
  code: fieldSchema(nomenclatureCodeSchema),
  quantity: fieldSchema(quantitySchema),
  amountPaid: fieldSchema(centsSchema),
  supplement: fieldSchema(centsSchema),
  tooth: fieldSchema(toothSchema),
  side: fieldSchema(sideSchema),
  place: fieldSchema(placeSchema),
  prescriber: fieldSchema(nihii11Schema),
  placeType: fieldSchema(z.enum(PLACE_TYPES)),
  placeService: fieldSchema(z.string().check(z.regex(HOSPITAL_SERVICE_CODE))),
  prescriptionDate: fieldSchema(isoDateSchema),
});
export type ActProposal = z.infer<typeof actProposalSchema>;

export const consultationProposalSchema = z.strictObject({
  /** A new id for every reading: what the clinician saw is named by it, and never changes under it. */
  id: z.uuid(),
  tabId: z.int().check(z.nonnegative()),
  frameId: z.int().check(z.nonnegative()),
  origin: z.string().check(z.maxLength(300)),
  adapterId: z.string().check(z.maxLength(63)),
  readAt: z.iso.datetime(),
  /** The Belgian calendar day the proposal was judged against. */
  today: isoDateSchema,
  patient: z.strictObject({
    ssin: fieldSchema(ssinSchema),
    familyName: fieldSchema(textValueSchema),
    firstName: fieldSchema(textValueSchema),
    birthDate: fieldSchema(isoDateSchema),
  }),
  consultation: z.strictObject({
    date: fieldSchema(isoDateSchema),
    providerHint: fieldSchema(textValueSchema),
    eidReadAt: fieldSchema(z.string().check(z.regex(/^\d{2}:\d{2}:\d{2}$/))),
    eidInputType: fieldSchema(z.string().check(z.regex(ID_DOC_INPUT_TYPE))),
    eidMediaType: fieldSchema(z.enum(ID_DOC_MEDIA_TYPES)),
    eidCardNumber: fieldSchema(z.string().check(z.regex(ID_DOC_SERIAL))),
    performerNihii: fieldSchema(nihii11Schema),
    performerSsin: fieldSchema(ssinSchema),
    performerFirstName: fieldSchema(textValueSchema),
    performerLastName: fieldSchema(textValueSchema),
  }),
  acts: z.array(actProposalSchema).check(z.maxLength(MAX_ACTS)),
  /** The patient's language, when the page gave one we speak: their supporting document is in it. */
  patientLanguage: z.optional(z.enum(LANGUAGES)),
});
export type ConsultationProposal = z.infer<typeof consultationProposalSchema>;

// The judging of fields lives beside the schemas, in a module without zod that the popup loads on its own.
export * from './consultation-fields.js';
