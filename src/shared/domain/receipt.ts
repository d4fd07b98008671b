import { z } from 'zod';
import { attestationSchema, cancelReasonSchema, consultationKeySchema } from './attestation.js';
import { errorCodeSchema } from '../errors.js';
import { isoDateSchema, nihii11Schema, ssinSchema } from './identifiers.js';

/**
 * What comes back from an eAttest: the insurer's acknowledgement number (the receipt the patient's
 * supporting document carries) or its refusals, and what the host's journal says about today's sends.
 */

/** Observed form `<insurer>-1-<YYMMDD>-<7 digits>-<2 digits>`, e.g. 500-1-260212-5960827-60; kept looser, as the insurers own it. */
export const acknowledgementNumberSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z-]{4,39}$/, 'an acknowledgement number is 5–40 letters, digits or dashes');

/** The client reference echoed by MyCareNet (CommonInput/InputReference). */
export const inputReferenceSchema = z.string().regex(/^[0-9A-Za-z._-]{1,40}$/);

/** One refusal of the insurer: the kmehr error code, the XPath it points at in our request, its text. */
export const refusalSchema = z.strictObject({
  code: z.string().max(20),
  location: z.string().max(500).optional(),
  description: z.string().max(1000).optional(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const providerOfRecordSchema = z.strictObject({
  nihii11: nihii11Schema,
  ssin: ssinSchema,
  givenName: z.string().max(200).optional(),
  surname: z.string().max(200).optional(),
});

export const attestOutcomeSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('acknowledged'),
    acknowledgementNumber: acknowledgementNumberSchema,
    /** The insurer (federation code, or "rcam") that acknowledged. */
    insurer: z.string().max(10).optional(),
    acknowledgedAt: z.iso.datetime({ offset: true }),
    inputReference: inputReferenceSchema,
    attemptNbr: z.number().int().min(1).max(99),
    consultationKey: consultationKeySchema,
    provider: providerOfRecordSchema,
    /** Exactly what was sent, for the supporting document. */
    attestation: attestationSchema,
  }),
  z.strictObject({
    outcome: z.literal('refused'),
    inputReference: inputReferenceSchema,
    attemptNbr: z.number().int().min(1).max(99),
    consultationKey: consultationKeySchema,
    refusals: z.array(refusalSchema).min(1).max(50),
  }),
]);
export type AttestOutcome = z.infer<typeof attestOutcomeSchema>;

export const cancelOutcomeSchema = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('cancelled'), acknowledgementNumber: acknowledgementNumberSchema, reason: cancelReasonSchema, cancelledAt: z.iso.datetime({ offset: true }) }),
  z.strictObject({ outcome: z.literal('refused'), acknowledgementNumber: acknowledgementNumberSchema, refusals: z.array(refusalSchema).min(1).max(50) }),
]);
export type CancelOutcome = z.infer<typeof cancelOutcomeSchema>;

/** A send as the journal knows it: what the extension's history and its reconciliation read. */
export const journalSendSchema = z.strictObject({
  consultationKey: consultationKeySchema,
  inputReference: inputReferenceSchema,
  attemptNbr: z.number().int().min(1).max(99),
  patientSsin: ssinSchema,
  careDate: isoDateSchema,
  status: z.enum(['pending', 'unknown', 'acknowledged', 'refused', 'cancelled']),
  acknowledgementNumber: acknowledgementNumberSchema.optional(),
  refusals: z.array(refusalSchema).max(50).optional(),
  /** When the last entry about this send was written. */
  at: z.iso.datetime({ offset: true }),
  attestation: attestationSchema,
});
export type JournalSend = z.infer<typeof journalSendSchema>;

/**
 * The extension's record of one consultation's eAttest: written before the host is asked, settled
 * from the host's answer or, after a restart, from its journal. `notSent`: the journal never saw it.
 */
export const attestationRecordSchema = z.strictObject({
  consultationKey: consultationKeySchema,
  careDate: isoDateSchema,
  attestation: attestationSchema,
  status: z.enum(['pending', 'unknown', 'acknowledged', 'refused', 'cancelled', 'notSent']),
  startedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  acknowledgementNumber: acknowledgementNumberSchema.optional(),
  acknowledgedAt: z.iso.datetime({ offset: true }).optional(),
  outcome: attestOutcomeSchema.optional(),
  cancellation: cancelOutcomeSchema.optional(),
  lastError: errorCodeSchema.optional(),
});
export type AttestationRecord = z.infer<typeof attestationRecordSchema>;
export type RecordStatus = AttestationRecord['status'];
