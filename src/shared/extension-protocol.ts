import * as z from 'zod/mini';
import type { Assert, Same } from './type-checks.js';
import { errorPayloadSchema, type ErrorPayload } from './errors.js';
import { attestationSchema, cancelReasonSchema, consultationKeySchema, toothSchema } from './domain/attestation.js';
import { isoDateSchema, ssinSchema } from './domain/identifiers.js';
import { acknowledgementNumberSchema, attestationRecordSchema, attestOutcomeSchema, cancelOutcomeSchema } from './domain/receipt.js';
import { contactTypeSchema, insurabilitySchema } from './domain/insurability.js';
import { nomenclatureCodeSchema, tariffsSchema } from './domain/tariff.js';
import { abandonParamsSchema, dmgHolderResultSchema, hostProgressStageSchema, statusResultSchema } from './host-protocol.js';
import { MAX_URL_LENGTH } from './limits.js';
import { adapterSchema } from './adapters/adapter-schema.js';
import { consultationProposalSchema, consultationReadingSchema } from './domain/consultation.js';

// Extension pages and the worker forbid eval (MV3's CSP): zod's compiled fast path would only
// trip a CSP violation report in the console, so it is switched off where these schemas run.
z.config({ jitless: true });

/**
 * Messages to the background service worker, from content scripts and from extension pages, and
 * their replies. Which sender may send which message is the background router's policy.
 */

const pageUrlSchema = z
  .string()
  .check(
    z.maxLength(MAX_URL_LENGTH),
    z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL'),
  );

/** content script → background: the adapter runner is on an EHR page (lets the background prewarm the host). */
export const contentReadySchema = z.strictObject({ type: z.literal('content.ready'), href: pageUrlSchema });
export const contentReadyResultSchema = z.strictObject({
  prewarming: z.boolean(),
  /** The clinician's custom adapters whose URL patterns match the sender's page (the background chooses, from the stamped URL). */
  adapters: z.optional(z.array(adapterSchema).check(z.maxLength(20))),
});

/**
 * content script → background: what the adapter reads on the page now, or null when the page shows
 * no consultation (a single-page EHR left the patient). Each reading replaces the tab's proposal whole.
 */
export const consultationProposedSchema = z.strictObject({ type: z.literal('consultation.proposed'), href: pageUrlSchema, reading: z.nullable(consultationReadingSchema) });
export const consultationProposedResultSchema = z.strictObject({ proposalId: z.nullable(z.uuid()) });

/** content script → background, after a trusted click on the in-page button: open the popup on this tab. */
export const popupOpenSchema = z.strictObject({ type: z.literal('popup.open') });
export const popupOpenResultSchema = z.strictObject({ opened: z.enum(['popup', 'window']) });

/**
 * extension page → background, once as the popup opens: whether the in-page button opened it (a
 * click the page may have forged), in which case it consults nothing before the clinician confirms.
 */
export const popupOpenedSchema = z.strictObject({ type: z.literal('popup.opened'), tabId: z.int().check(z.nonnegative()) });
export const popupOpenedResultSchema = z.strictObject({ byInPageButton: z.boolean() });

/** extension page → background: the latest proposal of a tab (the popup passes the tab it is about). */
export const consultationCurrentSchema = z.strictObject({ type: z.literal('consultation.current'), tabId: z.int().check(z.nonnegative()) });
export const consultationCurrentResultSchema = z.strictObject({ proposal: z.nullable(consultationProposalSchema) });

/** The insurer's acknowledgement number, defined with the receipt (src/shared/domain/receipt.ts). */
export { acknowledgementNumberSchema };

/**
 * background → content script (tabs.sendMessage): write the acknowledgement number of this proposal
 * into the adapter's target field. The content script refuses when the page no longer shows that proposal's patient.
 */
export const writeBackCommandSchema = z.strictObject({
  type: z.literal('content.writeBack'),
  proposalId: z.uuid(),
  /** The patient the number belongs to: the page must still show this patient. */
  ssin: ssinSchema,
  acknowledgement: acknowledgementNumberSchema,
});
export type WriteBackCommand = z.infer<typeof writeBackCommandSchema>;
export const WRITE_BACK_REFUSALS = ['noTarget', 'patientChanged', 'invalid'] as const;
export const writeBackResultSchema = z.discriminatedUnion('written', [
  z.strictObject({ written: z.literal(true) }),
  z.strictObject({ written: z.literal(false), reason: z.enum(WRITE_BACK_REFUSALS) }),
]);
export type WriteBackResult = z.infer<typeof writeBackResultSchema>;

/** extension page → background: how the native host is doing. */
export const hostStatusRequestSchema = z.strictObject({ type: z.literal('host.status') });
export const hostConnectionSchema = z.discriminatedUnion('connected', [
  /** `journalAlarm`: the host's journal is behind an anchor (JOURNAL_TAMPERED); the popup says so and nothing is sent. */
  z.strictObject({ connected: z.literal(true), status: statusResultSchema, journalAlarm: z.optional(errorPayloadSchema) }),
  z.strictObject({ connected: z.literal(false), error: errorPayloadSchema }),
]);
export type HostConnection = z.infer<typeof hostConnectionSchema>;

/**
 * extension page → background: the patient's insurability for today's contact. The background asks
 * MyCareNet at most once per contact (provider + patient + day) and otherwise answers from its cache.
 */
export const insurabilityRequestSchema = z.strictObject({ type: z.literal('insurability.get'), ssin: ssinSchema, contactType: contactTypeSchema });
/** extension page → background: the clinician explicitly asks MyCareNet again (logged). */
export const insurabilityRefreshSchema = z.strictObject({ type: z.literal('insurability.refresh'), ssin: ssinSchema, contactType: contactTypeSchema });
export const insurabilityAnswerSchema = z.strictObject({
  insurability: insurabilitySchema,
  /** True when the answer is the one already obtained for this contact. */
  fromCache: z.boolean(),
});
export type InsurabilityAnswer = z.infer<typeof insurabilityAnswerSchema>;
/** extension page → background: this contact's answer if it was already obtained today; never asks MyCareNet. */
export const insurabilityCachedSchema = z.strictObject({ type: z.literal('insurability.cached'), ssin: ssinSchema });
export const insurabilityCachedResultSchema = z.strictObject({ answer: z.nullable(insurabilityAnswerSchema) });

/** extension page → background, on the clinician's click only: tariffs of today for these codes. */
export const tariffsRequestSchema = z.strictObject({
  type: z.literal('tariffs.get'),
  ssin: ssinSchema,
  codes: z.array(nomenclatureCodeSchema).check(z.minLength(1), z.maxLength(20)),
  /** Dentists: the tooth of a code (CD-ISO-3950 in the tariff request). */
  teeth: z.optional(z.record(nomenclatureCodeSchema, toothSchema)),
});
/** extension page → background, on the clinician's click only: the DMG holder. */
export const dmgHolderRequestSchema = z.strictObject({ type: z.literal('dmg.get'), ssin: ssinSchema });

/** extension page → background, after the clinician confirmed exactly this: send the eAttest. */
export const attestationSendSchema = z.strictObject({
  type: z.literal('attestation.send'),
  attestation: attestationSchema,
  /** The EHR tab the attestation came from: the acknowledgement number is written back there when its adapter says where. */
  tabId: z.optional(z.int().check(z.nonnegative())),
});
/** extension page → background: cancel a whole acknowledged eAttest, with its reason. */
export const attestationCancelSchema = z.strictObject({
  type: z.literal('attestation.cancel'),
  acknowledgementNumber: acknowledgementNumberSchema,
  patientSsin: ssinSchema,
  reason: cancelReasonSchema,
});
/**
 * extension page → background: give up a send whose outcome stayed unknown, after the clinician
 * checked with the insurer; their reason goes to the host's journal (host command `abandon`).
 */
export const attestationAbandonSchema = z.strictObject({
  type: z.literal('attestation.abandon'),
  consultationKey: consultationKeySchema,
  reason: abandonParamsSchema.shape.reason,
});
export const attestationAbandonResultSchema = z.strictObject({ record: attestationRecordSchema });
/** extension page → background: today's eAttests, settled against the host's journal. */
export const attestationTodaySchema = z.strictObject({ type: z.literal('attestation.today') });
export const attestationTodayResultSchema = z.strictObject({ records: z.array(attestationRecordSchema).check(z.maxLength(2000)) });
/** extension page (the supporting document) → background: one send's record. */
export const attestationRecordRequestSchema = z.strictObject({ type: z.literal('attestation.record'), consultationKey: consultationKeySchema });
export const attestationRecordResultSchema = z.strictObject({ record: z.nullable(attestationRecordSchema) });

/*
 * The ledger's export (issue 15, "Today"): the eAttests of a day or a month as CSV for the
 * practice's bookkeeping, read from the extension's records (src/background/ledger.ts).
 */
/** Rows in one export: a month of a busy practice is about a thousand. */
export const MAX_LEDGER_EXPORT_ROWS = 10_000;
/** Each row stays under 800 characters (names of 100, at most 30 acts). */
export const MAX_LEDGER_CSV_CHARS = 8_000_000;
export const calendarMonthSchema = z.string().check(z.regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, 'a month is YYYY-MM'));
export const ledgerPeriodSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('day'), date: isoDateSchema }),
  z.strictObject({ kind: z.literal('month'), month: calendarMonthSchema }),
]);
export type LedgerPeriod = z.infer<typeof ledgerPeriodSchema>;
/** extension page → background: the CSV of a day or a month; nothing is asked of the host. */
export const ledgerExportSchema = z.strictObject({ type: z.literal('ledger.export'), period: ledgerPeriodSchema });
export const ledgerExportResultSchema = z.strictObject({
  fileName: z.string().check(z.regex(/^eattest-\d{4}-\d{2}(?:-\d{2})?\.csv$/)),
  csv: z.string().check(z.maxLength(MAX_LEDGER_CSV_CHARS)),
  rows: z.int().check(z.gte(0), z.lte(MAX_LEDGER_EXPORT_ROWS)),
});
export type LedgerExport = z.infer<typeof ledgerExportResultSchema>;

/** Every message the background accepts, with the schema of its reply's result. */
export const backgroundMessages = {
  'content.ready': { message: contentReadySchema, result: contentReadyResultSchema },
  'host.status': { message: hostStatusRequestSchema, result: hostConnectionSchema },
  'consultation.proposed': { message: consultationProposedSchema, result: consultationProposedResultSchema },
  'popup.open': { message: popupOpenSchema, result: popupOpenResultSchema },
  'consultation.current': { message: consultationCurrentSchema, result: consultationCurrentResultSchema },
  'popup.opened': { message: popupOpenedSchema, result: popupOpenedResultSchema },
  'insurability.cached': { message: insurabilityCachedSchema, result: insurabilityCachedResultSchema },
  'insurability.get': { message: insurabilityRequestSchema, result: insurabilityAnswerSchema },
  'insurability.refresh': { message: insurabilityRefreshSchema, result: insurabilityAnswerSchema },
  'tariffs.get': { message: tariffsRequestSchema, result: tariffsSchema },
  'dmg.get': { message: dmgHolderRequestSchema, result: dmgHolderResultSchema },
  'attestation.send': { message: attestationSendSchema, result: attestOutcomeSchema },
  'attestation.cancel': { message: attestationCancelSchema, result: cancelOutcomeSchema },
  'attestation.abandon': { message: attestationAbandonSchema, result: attestationAbandonResultSchema },
  'attestation.today': { message: attestationTodaySchema, result: attestationTodayResultSchema },
  'attestation.record': { message: attestationRecordRequestSchema, result: attestationRecordResultSchema },
  'ledger.export': { message: ledgerExportSchema, result: ledgerExportResultSchema },
} as const;

export type BackgroundMessageType = keyof typeof backgroundMessages;
export const backgroundMessageSchema = z.discriminatedUnion('type', [
  contentReadySchema,
  hostStatusRequestSchema,
  consultationProposedSchema,
  popupOpenSchema,
  consultationCurrentSchema,
  popupOpenedSchema,
  insurabilityCachedSchema,
  insurabilityRequestSchema,
  insurabilityRefreshSchema,
  tariffsRequestSchema,
  dmgHolderRequestSchema,
  attestationSendSchema,
  attestationCancelSchema,
  attestationAbandonSchema,
  attestationTodaySchema,
  attestationRecordRequestSchema,
  ledgerExportSchema,
]);
export type BackgroundMessage = z.infer<typeof backgroundMessageSchema>;
export type BackgroundMessageOf<T extends BackgroundMessageType> = z.infer<(typeof backgroundMessages)[T]['message']>;
export type BackgroundResult<T extends BackgroundMessageType> = z.infer<(typeof backgroundMessages)[T]['result']>;

export const backgroundReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: errorPayloadSchema }),
]);
export type BackgroundReply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

// Compile-time guard: the union and the table name the same entries.
export type BackgroundMessagesCovered = Assert<Same<BackgroundMessage['type'], BackgroundMessageType>>;

/**
 * background → extension pages (not a request: nothing answers it): the host's progress for a request
 * in flight (protocol 3), relayed for the clinician — "signing in" while the host gets an eHealth session.
 */
export const hostProgressNoticeSchema = z.strictObject({ type: z.literal('host.progress'), stage: hostProgressStageSchema });
export type HostProgressNotice = z.infer<typeof hostProgressNoticeSchema>;
