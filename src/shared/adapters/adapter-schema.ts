import * as z from 'zod/mini';

/**
 * The declarative EHR adapter: data, never code. It says which pages it reads (URL patterns), where
 * each consultation field is (CSS selectors, read from the text, the form value or an attribute, with
 * a few fixed transforms), where the in-page button goes and, optionally, where the acknowledgement
 * number is written back. Built-in adapters ship with the content script; custom ones are made with
 * the field picker, kept in IndexedDB and validated with this schema on every import and read.
 */

export const ADAPTER_FORMAT = 1;

/** A CSS selector; syntax is checked where a DOM exists (the content script skips one that throws). */
export const selectorSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(500),
    z.refine((value) => !/[\n\r\0]/.test(value), 'a selector is one line'),
  );

/** `https://ehr.example.be/consult/*`: `*` matches any run of characters, everything else is literal. */
export const urlPatternSchema = z
  .string()
  .check(
    z.maxLength(300),
    z.regex(/^(https:\/\/[^/\s]+|http:\/\/(localhost|127\.0\.0\.1)(:(\d{1,5}|\*))?)\/\S*$/, 'an https:// pattern, or http:// on this computer'),
  );

export const DATE_ORDERS = ['dmy', 'ymd', 'mdy'] as const;

/**
 * Fixed transforms applied in order to the text read: `ssin` keeps the digits of "85.07.30-033.28",
 * `decimalComma` turns "1.234,50 €" or "12.50" into "1234.50", `date` reads a day, month and year
 * in the given order with any of / . - or space between them and yields YYYY-MM-DD, `digits` keeps
 * digits only, `firstToken` keeps the text before the first space, `map` replaces whole values.
 */
export const transformSchema = z.union([
  z.enum(['ssin', 'decimalComma', 'digits', 'firstToken', 'upperCase']),
  z.strictObject({ date: z.enum(DATE_ORDERS) }),
  z.strictObject({ map: z.record(z.string().check(z.maxLength(60)), z.string().check(z.maxLength(60))).check(z.refine((map) => Object.keys(map).length <= 30, 'at most 30 entries')) }),
]);
export type Transform = z.infer<typeof transformSchema>;

/** Where a value is read: the element's visible text (default), its form value, or one attribute. */
export const readSourceSchema = z.union([
  z.enum(['text', 'value']),
  z.strictObject({ attribute: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9_:.-]{0,60}$/, 'an attribute name')) }),
]);
export type ReadSource = z.infer<typeof readSourceSchema>;

export const fieldRuleSchema = z.strictObject({
  /** Inside an act row, relative to the row; `:scope` is the row itself. */
  selector: selectorSchema,
  read: z.optional(readSourceSchema),
  transforms: z.optional(z.array(transformSchema).check(z.maxLength(5))),
});
export type FieldRule = z.infer<typeof fieldRuleSchema>;

export const actFieldsSchema = z.strictObject({
  code: fieldRuleSchema,
  /** Absent: one of each act. */
  quantity: z.optional(fieldRuleSchema),
  amountPaid: fieldRuleSchema,
  supplement: z.optional(fieldRuleSchema),
  tooth: z.optional(fieldRuleSchema),
  side: z.optional(fieldRuleSchema),
  place: z.optional(fieldRuleSchema),
  prescriber: z.optional(fieldRuleSchema),
  /** Read as hospital, laboratory, practice… (a `map` transform turns the EHR's words into these). */
  placeType: z.optional(fieldRuleSchema),
  placeService: z.optional(fieldRuleSchema),
  prescriptionDate: z.optional(fieldRuleSchema),
});
export type ActFieldName = keyof z.infer<typeof actFieldsSchema>;

export const BUTTON_PLACES = ['before', 'after', 'start', 'end'] as const;

export const adapterSchema = z.strictObject({
  format: z.literal(ADAPTER_FORMAT),
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes')),
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  match: z.strictObject({
    urls: z.array(urlPatternSchema).check(z.minLength(1), z.maxLength(10)),
    /** The page is a consultation only while this element exists (single-page EHRs change views). */
    present: z.optional(selectorSchema),
  }),
  patient: z.strictObject({
    ssin: fieldRuleSchema,
    familyName: fieldRuleSchema,
    firstName: fieldRuleSchema,
    birthDate: z.optional(fieldRuleSchema),
    /** The patient's language, for their supporting document: read as fr, nl, de or en (a `map` transform turns the EHR's words into these). */
    language: z.optional(fieldRuleSchema),
  }),
  consultation: z.strictObject({
    date: fieldRuleSchema,
    providerHint: z.optional(fieldRuleSchema),
    /** Where the EHR shows how the patient's eID was read: time, input type, media type, card number. */
    eidReadAt: z.optional(fieldRuleSchema),
    eidInputType: z.optional(fieldRuleSchema),
    eidMediaType: z.optional(fieldRuleSchema),
    eidCardNumber: z.optional(fieldRuleSchema),
    /** At a guard post: where the EHR shows the physician on duty (NIHII, SSIN, names). */
    performerNihii: z.optional(fieldRuleSchema),
    performerSsin: z.optional(fieldRuleSchema),
    performerFirstName: z.optional(fieldRuleSchema),
    performerLastName: z.optional(fieldRuleSchema),
  }),
  acts: z.strictObject({
    /** Each element matched is one act (a table row, a list item…). */
    row: selectorSchema,
    fields: actFieldsSchema,
  }),
  button: z.strictObject({ anchor: selectorSchema, place: z.enum(BUTTON_PLACES) }),
  writeBack: z.optional(z.strictObject({ selector: selectorSchema })),
  /** Saved pages this adapter is tested on, beside the adapter; each `<page>.html` has `<page>.expected.json`. */
  fixtures: z.optional(z.array(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,60}$/))).check(z.maxLength(20))),
});
export type Adapter = z.infer<typeof adapterSchema>;

/** What an import may hold: one adapter or a list of them. */
export const adapterFileSchema = z.union([adapterSchema, z.array(adapterSchema).check(z.maxLength(100))]);

/** A custom adapter file larger than this is refused unread. */
export const MAX_ADAPTER_FILE_BYTES = 256 * 1024;
