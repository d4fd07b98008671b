import { z } from 'zod';

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
  .min(1)
  .max(500)
  .refine((value) => !/[\n\r\0]/.test(value), 'a selector is one line');

/** `https://ehr.example.be/consult/*`: `*` matches any run of characters, everything else is literal. */
export const urlPatternSchema = z
  .string()
  .max(300)
  .regex(/^(https:\/\/[^/\s]+|http:\/\/(localhost|127\.0\.0\.1)(:(\d{1,5}|\*))?)\/\S*$/, 'an https:// pattern, or http:// on this computer');

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
  z.strictObject({ map: z.record(z.string().max(60), z.string().max(60)).refine((map) => Object.keys(map).length <= 30, 'at most 30 entries') }),
]);
export type Transform = z.infer<typeof transformSchema>;

/** Where a value is read: the element's visible text (default), its form value, or one attribute. */
export const readSourceSchema = z.union([
  z.enum(['text', 'value']),
  z.strictObject({ attribute: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_:.-]{0,60}$/, 'an attribute name') }),
]);
export type ReadSource = z.infer<typeof readSourceSchema>;

export const fieldRuleSchema = z.strictObject({
  /** Inside an act row, relative to the row; `:scope` is the row itself. */
  selector: selectorSchema,
  read: readSourceSchema.optional(),
  transforms: z.array(transformSchema).max(5).optional(),
});
export type FieldRule = z.infer<typeof fieldRuleSchema>;

export const actFieldsSchema = z.strictObject({
  code: fieldRuleSchema,
  /** Absent: one of each act. */
  quantity: fieldRuleSchema.optional(),
  amountPaid: fieldRuleSchema,
  supplement: fieldRuleSchema.optional(),
  tooth: fieldRuleSchema.optional(),
  side: fieldRuleSchema.optional(),
  place: fieldRuleSchema.optional(),
  prescriber: fieldRuleSchema.optional(),
});
export type ActFieldName = keyof z.infer<typeof actFieldsSchema>;

export const BUTTON_PLACES = ['before', 'after', 'start', 'end'] as const;

export const adapterSchema = z.strictObject({
  format: z.literal(ADAPTER_FORMAT),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(100),
  match: z.strictObject({
    urls: z.array(urlPatternSchema).min(1).max(10),
    /** The page is a consultation only while this element exists (single-page EHRs change views). */
    present: selectorSchema.optional(),
  }),
  patient: z.strictObject({
    ssin: fieldRuleSchema,
    familyName: fieldRuleSchema,
    firstName: fieldRuleSchema,
    birthDate: fieldRuleSchema.optional(),
  }),
  consultation: z.strictObject({
    date: fieldRuleSchema,
    providerHint: fieldRuleSchema.optional(),
  }),
  acts: z.strictObject({
    /** Each element matched is one act (a table row, a list item…). */
    row: selectorSchema,
    fields: actFieldsSchema,
  }),
  button: z.strictObject({ anchor: selectorSchema, place: z.enum(BUTTON_PLACES) }),
  writeBack: z.strictObject({ selector: selectorSchema }).optional(),
  /** Saved pages this adapter is tested on, beside the adapter; each `<page>.html` has `<page>.expected.json`. */
  fixtures: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/)).max(20).optional(),
});
export type Adapter = z.infer<typeof adapterSchema>;

/** What an import may hold: one adapter or a list of them. */
export const adapterFileSchema = z.union([adapterSchema, z.array(adapterSchema).max(100)]);

/** A custom adapter file larger than this is refused unread. */
export const MAX_ADAPTER_FILE_BYTES = 256 * 1024;
