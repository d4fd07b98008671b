import * as z from 'zod/mini';
import { cancelReasonSchema, consultationKeySchema, recordedAttestationSchema } from './attestation.js';
import { errorCodeSchema } from '../errors.js';
import { LANGUAGES } from '../languages.js';
import { isoDateSchema, nihii11Schema, ssinSchema } from './identifiers.js';
import { centsSchema } from './money.js';
import { nomenclatureCodeSchema } from './tariff.js';

/**
 * What comes back from an eAttest: the insurer's acknowledgement number (the receipt the patient's
 * supporting document carries) or its refusals, and what the host's journal says about today's sends.
 */

/** Observed form `<insurer>-1-<YYMMDD>-<7 digits>-<2 digits>`, e.g. 500-1-260212-5960827-60; kept looser, as the insurers own it. */
export const acknowledgementNumberSchema = z.string().check(z.regex(/^[0-9A-Za-z][0-9A-Za-z-]{4,39}$/, 'an acknowledgement number is 5–40 letters, digits or dashes'));

/** The client reference echoed by MyCareNet (CommonInput/InputReference). */
export const inputReferenceSchema = z.string().check(z.regex(/^[0-9A-Za-z._-]{1,40}$/));

/** One refusal of the insurer: the kmehr error code, the XPath it points at in our request, its text. */
export const refusalSchema = z.strictObject({
  code: z.string().check(z.maxLength(20)),
  location: z.optional(z.string().check(z.maxLength(500))),
  description: z.optional(z.string().check(z.maxLength(1000))),
});
export type Refusal = z.infer<typeof refusalSchema>;

/**
 * How far the insurer's signature on an answer could be verified. An answer that is not intact or
 * not signed by an answer signer is refused outright and never reaches this point; `unverified`
 * means intact and signed, but not provable to a third party with the environment's trust store
 * (an unknown CA, a time-stamp that cannot be judged). The acknowledgement stands either way.
 */
export const unverifiedReasonSchema = z.enum([
  /** The signer does not chain to a CA of the environment's trust store. */
  'signer-untrusted',
  /** It chains, but a certificate on the path was not valid when the answer was signed. */
  'signer-expired',
  /** No SignatureTimeStamp (a XAdES-BES where a XAdES-T is expected). */
  'timestamp-missing',
  /** The time-stamp token cannot be read or its own signature does not verify. */
  'timestamp-unreadable',
  /** The token's imprint is not the hash of this signature value. */
  'timestamp-not-over-signature',
  /** The token is not signed by a time-stamping authority of the trust store. */
  'timestamp-authority-untrusted',
  /** The time-stamp is in the future, or before the signing time. */
  'timestamp-time-implausible',
]);
export type UnverifiedReason = z.infer<typeof unverifiedReasonSchema>;

export const signatureCheckSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('verified') }),
  z.strictObject({ status: z.literal('unverified'), reasons: z.array(unverifiedReasonSchema).check(z.minLength(1), z.maxLength(7)) }),
]);
export type SignatureCheck = z.infer<typeof signatureCheckSchema>;

export const providerOfRecordSchema = z.strictObject({
  nihii11: nihii11Schema,
  /** Absent for a guard post, which has its name instead. */
  ssin: z.optional(ssinSchema),
  name: z.optional(z.string().check(z.maxLength(200))),
  givenName: z.optional(z.string().check(z.maxLength(200))),
  surname: z.optional(z.string().check(z.maxLength(200))),
  /** The practice's name from the host's configuration, when the eAttest names that practice as collecting the fees. */
  practice: z.optional(z.string().check(z.minLength(1), z.maxLength(120))),
});

/**
 * Set when the host retried an earlier send of this provider, patient and day whose outcome was
 * unknown: it re-sent that stored request, and the draft it was given (edited since) did not go out.
 */
const draftNotSentSchema = z.literal(true);

export const attestOutcomeSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('acknowledged'),
    acknowledgementNumber: acknowledgementNumberSchema,
    /** The insurer (federation code, or "rcam") that acknowledged. */
    insurer: z.optional(z.string().check(z.maxLength(10))),
    acknowledgedAt: z.iso.datetime({ offset: true }),
    inputReference: inputReferenceSchema,
    attemptNbr: z.int().check(z.gte(1), z.lte(99)),
    consultationKey: consultationKeySchema,
    provider: providerOfRecordSchema,
    /** Exactly what was sent, for the supporting document. */
    attestation: recordedAttestationSchema,
    /** How far the insurer's signature on the acknowledgement could be verified. */
    signatureCheck: z.optional(signatureCheckSchema),
    draftNotSent: z.optional(draftNotSentSchema),
  }),
  z.strictObject({
    outcome: z.literal('refused'),
    inputReference: inputReferenceSchema,
    attemptNbr: z.int().check(z.gte(1), z.lte(99)),
    consultationKey: consultationKeySchema,
    refusals: z.array(refusalSchema).check(z.minLength(1), z.maxLength(50)),
    draftNotSent: z.optional(draftNotSentSchema),
  }),
]);
export type AttestOutcome = z.infer<typeof attestOutcomeSchema>;

export const cancelOutcomeSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('cancelled'),
    acknowledgementNumber: acknowledgementNumberSchema,
    reason: cancelReasonSchema,
    cancelledAt: z.iso.datetime({ offset: true }),
    signatureCheck: z.optional(signatureCheckSchema),
  }),
  z.strictObject({ outcome: z.literal('refused'), acknowledgementNumber: acknowledgementNumberSchema, refusals: z.array(refusalSchema).check(z.minLength(1), z.maxLength(50)) }),
]);
export type CancelOutcome = z.infer<typeof cancelOutcomeSchema>;

/** A send as the journal knows it: what the extension's history and its reconciliation read. */
export const journalSendSchema = z.strictObject({
  consultationKey: consultationKeySchema,
  inputReference: inputReferenceSchema,
  attemptNbr: z.int().check(z.gte(1), z.lte(99)),
  patientSsin: ssinSchema,
  careDate: isoDateSchema,
  status: z.enum(['pending', 'unknown', 'acknowledged', 'refused', 'cancelled', 'abandoned']),
  acknowledgementNumber: z.optional(acknowledgementNumberSchema),
  refusals: z.optional(z.array(refusalSchema).check(z.maxLength(50))),
  /** When the last entry about this send was written. */
  at: z.iso.datetime({ offset: true }),
  attestation: recordedAttestationSchema,
});
export type JournalSend = z.infer<typeof journalSendSchema>;

/**
 * The extension's record of one consultation's eAttest: written before the host is asked, settled
 * from the host's answer or, after a restart, from its journal. `notSent`: the journal never saw it.
 * `abandoned`: its outcome stayed unknown and the clinician gave it up after checking with the insurer.
 */
/** At most one entry per act of an attestation. */
export const patientSharesSchema = z.record(nomenclatureCodeSchema, centsSchema).check(z.refine((shares) => Object.keys(shares).length <= 30, 'at most 30 acts'));
export type PatientShares = z.infer<typeof patientSharesSchema>;

export const attestationRecordSchema = z.strictObject({
  consultationKey: consultationKeySchema,
  careDate: isoDateSchema,
  attestation: recordedAttestationSchema,
  status: z.enum(['pending', 'unknown', 'acknowledged', 'refused', 'cancelled', 'abandoned', 'notSent']),
  startedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  acknowledgementNumber: z.optional(acknowledgementNumberSchema),
  acknowledgedAt: z.optional(z.iso.datetime({ offset: true })),
  /** The host's reference of the send, once known (an unknown outcome names it: the abandon path needs it). */
  inputReference: z.optional(inputReferenceSchema),
  outcome: z.optional(attestOutcomeSchema),
  cancellation: z.optional(cancelOutcomeSchema),
  lastError: z.optional(errorCodeSchema),
  /** The patient's language as the EHR page gave it: their supporting document is printed in it. */
  patientLanguage: z.optional(z.enum(LANGUAGES)),
  /**
   * The patient's share of each act's official fee (ticket modérateur, remgeld), by nomenclature code,
   * when the clinician checked this contact's tariffs before sending: their supporting document shows it.
   */
  patientShares: z.optional(patientSharesSchema),
});
export type AttestationRecord = z.infer<typeof attestationRecordSchema>;
export type RecordStatus = AttestationRecord['status'];
