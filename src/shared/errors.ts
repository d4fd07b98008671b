import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode, type ErrorDetails, type ErrorPayload } from './app-error.js';
import type { Assert, Same } from './type-checks.js';

// The error values and helpers live in a module without zod, that extension pages load on their own.
export * from './app-error.js';

export const errorCodeSchema = z.enum(ERROR_CODES);

const detailValue = z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()]);
export const errorDetailsSchema = z.record(z.string().check(z.maxLength(100)), detailValue);

/** The serialised form of an error, the only shape an error takes on the wire. */
export const errorPayloadSchema = z.strictObject({
  code: errorCodeSchema,
  /** For logs and support, in English; the UI shows the localised text of `code`. */
  message: z.string().check(z.maxLength(2000)),
  details: z.optional(errorDetailsSchema),
});

// Compile-time guards: the plain types of app-error.ts are what the schemas parse.
export type ErrorCodeParsed = Assert<Same<z.infer<typeof errorCodeSchema>, ErrorCode>>;
export type ErrorDetailsParsed = Assert<Same<z.infer<typeof errorDetailsSchema>, ErrorDetails>>;
export type ErrorPayloadParsed = Assert<Same<z.infer<typeof errorPayloadSchema>, ErrorPayload>>;
