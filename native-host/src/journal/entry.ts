import { hostname, userInfo } from 'node:os';
import * as z from 'zod/mini';
import { cancelReasonSchema, consultationKeySchema } from '../../../src/shared/domain/attestation.js';
import { isoDateSchema, nihii11Schema, ssinSchema } from '../../../src/shared/domain/identifiers.js';
import { acknowledgementNumberSchema, inputReferenceSchema, signatureCheckSchema } from '../../../src/shared/domain/receipt.js';
import { nomenclatureCodeSchema } from '../../../src/shared/domain/tariff.js';
import { environmentSchema } from '../../../src/shared/host-protocol.js';
import { JOURNAL_TIMESTAMP_PATTERN } from './timestamp.js';

/**
 * The records of the transmission journal (PROTOCOL rule 1, art. 3 of the protocol): who was
 * responsible, who executed, complete time information, and every disturbance seen. The
 * journal is the host's own file, but it is re-read after crashes and by other processes, so
 * every line is parsed with these schemas, with size caps.
 */

/** One journal line may not exceed this (a sealed eAttest request is tens of kilobytes). */
export const MAX_ENTRY_BYTES = 6 * 1024 * 1024;
const MAX_BLOB_BASE64_CHARS = 2 * 1024 * 1024;
const MAX_DISTURBANCES = 50;

export const timestampSchema = z.string().check(z.regex(JOURNAL_TIMESTAMP_PATTERN, 'an ISO 8601 time with milliseconds and offset'));
export const hashSchema = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex'));
const base64Schema = z.string().check(z.maxLength(MAX_BLOB_BASE64_CHARS), z.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'));
const shortText = z.string().check(z.maxLength(500));

// InputReference and acknowledgement number: the shapes the extension and the journal share.
export { acknowledgementNumberSchema, inputReferenceSchema };
export const attemptNbrSchema = z.int().check(z.gte(1), z.lte(99));

/** The provider the transmission is made for, as the STS token names them. */
/** A guard post (an organisation) has no SSIN: its NIHII and name. */
export const responsibleSchema = z.strictObject({ nihii11: nihii11Schema, ssin: z.optional(ssinSchema), name: z.string().check(z.maxLength(200)) });

/** Who actually ran it: the certificate holder (a mandatary may differ from the provider) and the OS account. */
export const executorSchema = z.strictObject({
  /** A personal certificate's holder; an organisation's certificate is named by its identifier instead (`NIHII-GUARDPOST=…`). */
  certificateHolderSsin: z.optional(ssinSchema),
  certificateHolderOrganisation: z.optional(z.string().check(z.regex(/^[A-Z_-]{1,40}=\d{8,11}$/))),
  osUser: z.string().check(z.maxLength(200)),
  hostName: z.string().check(z.maxLength(255)),
  via: z.enum(['browser', 'cli']),
});
export type Executor = z.infer<typeof executorSchema>;

export const disturbanceSchema = z.strictObject({
  at: timestampSchema,
  kind: z.enum(['latency', 'fault', 'retry', 'timeout', 'connection-dropped', 'bad-answer', 'token-renewed']),
  detail: shortText,
  durationMs: z.optional(z.int().check(z.gte(0), z.lte(3_600_000))),
});
export type Disturbance = z.infer<typeof disturbanceSchema>;

export const refusalErrorSchema = z.strictObject({
  /** The kmehr CD-ERROR code (187, 191…). */
  code: z.string().check(z.maxLength(20)),
  /** XPath into the request that the error points at. */
  xpath: z.optional(z.string().check(z.maxLength(500))),
  meaning: z.optional(shortText),
});

const unknownOutcomeSchema = z.strictObject({
  status: z.literal('unknown'),
  cause: z.enum(['timeout', 'connection-dropped', 'bad-answer', 'interrupted']),
  detail: z.optional(shortText),
});
const refusedOutcomeSchema = z.strictObject({ status: z.literal('refused'), errors: z.array(refusalErrorSchema).check(z.minLength(1), z.maxLength(50)) });

const actSummarySchema = z.strictObject({ code: nomenclatureCodeSchema, quantity: z.int().check(z.gte(1), z.lte(99)) });

const transmissionFields = {
  inputReference: inputReferenceSchema,
  attemptNbr: attemptNbrSchema,
  environment: environmentSchema,
  responsible: responsibleSchema,
  executor: executorSchema,
  patientSsin: ssinSchema,
  /** The request exactly as sent (sealed or signed), base64. */
  request: base64Schema,
};

/** The evidence kept of one signed answer; larger parts are kept by their hash only. */
export const MAX_EVIDENCE_BYTES = 256 * 1024;
const evidenceBase64Schema = z.string().check(z.maxLength(Math.ceil(MAX_EVIDENCE_BYTES / 3) * 4), z.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'));

/**
 * The insurer's signed answer as evidence, with what its verification found (PROTOCOL §5.3): the
 * XAdES-T exactly as received and the answer content it signs, so that an auditor can verify it
 * again later with the platform's CAs, even where the host could not (an unknown CA, a time-stamp
 * it could not judge). Written with every answer whose signature was intact.
 */
export const insurerSignatureEvidenceSchema = z.strictObject({
  check: signatureCheckSchema,
  signer: z.strictObject({ subject: shortText, issuer: shortText, sha256: hashSchema }),
  /** The time-stamp's time, when it verified. */
  timeStampedAt: z.optional(z.iso.datetime({ offset: true })),
  /** The XAdES-T (ds:Signature XML text), base64, when at most MAX_EVIDENCE_BYTES. */
  signature: z.optional(evidenceBase64Schema),
  signatureSha256: hashSchema,
  /** The Id the signature references, and the answer content (kmehr) it names, base64. */
  contentId: z.string().check(z.maxLength(128)),
  content: z.optional(evidenceBase64Schema),
  contentSha256: hashSchema,
});
export type InsurerSignatureEvidence = z.infer<typeof insurerSignatureEvidenceSchema>;

const outcomeFields = {
  /** The sequence number of the intent this answers. */
  intentSeq: z.int().check(z.gte(1)),
  inputReference: inputReferenceSchema,
  attemptNbr: attemptNbrSchema,
  /** The answer exactly as received (still sealed), base64, when there was one. */
  response: z.optional(base64Schema),
  latencyMs: z.optional(z.int().check(z.gte(0), z.lte(3_600_000))),
  disturbances: z.array(disturbanceSchema).check(z.maxLength(MAX_DISTURBANCES)),
  /** Absent in entries written before the signature was journaled, and when no intact signed answer came. */
  insurerSignature: z.optional(insurerSignatureEvidenceSchema),
};

export const sendIntentSchema = z.strictObject({
  kind: z.literal('send-intent'),
  consultationKey: consultationKeySchema,
  careDate: isoDateSchema,
  acts: z.array(actSummarySchema).check(z.minLength(1), z.maxLength(30)),
  ...transmissionFields,
});

export const sendOutcomeSchema = z.strictObject({
  kind: z.literal('send-outcome'),
  result: z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('acknowledged'), acknowledgementNumber: acknowledgementNumberSchema }),
    refusedOutcomeSchema,
    unknownOutcomeSchema,
  ]),
  ...outcomeFields,
});

export const cancelIntentSchema = z.strictObject({
  kind: z.literal('cancel-intent'),
  consultationKey: z.optional(consultationKeySchema),
  acknowledgementNumber: acknowledgementNumberSchema,
  reason: cancelReasonSchema,
  ...transmissionFields,
});

export const cancelOutcomeSchema = z.strictObject({
  kind: z.literal('cancel-outcome'),
  acknowledgementNumber: acknowledgementNumberSchema,
  result: z.discriminatedUnion('status', [z.strictObject({ status: z.literal('cancelled') }), refusedOutcomeSchema, unknownOutcomeSchema]),
  ...outcomeFields,
});

/**
 * A send whose outcome stayed unknown, given up by the clinician after checking with the insurer
 * (transmission/send-rules.ts): it no longer holds back a new eAttest for the same provider,
 * patient and day. Who gave it up is the executor, when is the entry's time, why is their own text.
 */
export const sendAbandonedSchema = z.strictObject({
  kind: z.literal('send-abandoned'),
  inputReference: inputReferenceSchema,
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
  executor: executorSchema,
});

/**
 * A consultation (insurability, DMG holder, tariffs) is a transmission too: art. 3 wants it on
 * record with who was responsible and who executed it. No request body is kept: nothing needs
 * decrypting later, and the journal need not hold more patient data than the fact of asking.
 */
export const consultationRecordSchema = z.strictObject({
  kind: z.literal('consultation'),
  subject: z.enum(['insurability', 'dmg-holder', 'tariffs']),
  environment: environmentSchema,
  responsible: responsibleSchema,
  executor: executorSchema,
  /** Who was asked about: by SSIN, or (MemberData only) by registration number at a mutuality. */
  patientSsin: z.optional(ssinSchema),
  patientMember: z.optional(z.strictObject({ registrationNumber: z.string().check(z.maxLength(13)), mutuality: z.string().check(z.maxLength(3)) })),
  careDate: isoDateSchema,
  codes: z.optional(z.array(nomenclatureCodeSchema).check(z.maxLength(20))),
  outcome: z.enum(['answered', 'failed']),
  /** The typed error when it failed (PATIENT_UNKNOWN, MYCARENET_TIMEOUT…). */
  errorCode: z.optional(z.string().check(z.maxLength(60))),
  latencyMs: z.int().check(z.gte(0), z.lte(3_600_000)),
  disturbances: z.array(disturbanceSchema).check(z.maxLength(MAX_DISTURBANCES)),
}).check(z.refine((record) => (record.patientSsin === undefined) !== (record.patientMember === undefined), 'a consultation names its patient once, by SSIN or by registration number'));

/**
 * Entries cut from the journal's end and not restorable, accepted by a person (`journal
 * --accept-loss`): the record that says so takes the sequence number after the last lost one
 * and links to the last entry still present, so that sequence numbers never go back.
 */
export const lostEntriesSchema = z.strictObject({
  /** The last entry still present (0: none). */
  afterSeq: z.int().check(z.gte(0)),
  /** The last entry lost: the head anchor's. */
  throughSeq: z.int().check(z.gte(1)),
  headHash: hashSchema,
  headAt: timestampSchema,
});

/** Something that happened to the journal itself (a crash mid-write, a lock left by a dead process, its head anchor missing, entries lost). */
export const journalDisturbanceSchema = z
  .strictObject({
    kind: z.literal('journal-disturbance'),
    disturbance: z.enum(['torn-tail-quarantined', 'missing-newline-repaired', 'stale-lock-broken', 'head-anchor-created', 'loss-accepted']),
    detail: shortText,
    quarantineFile: z.optional(z.string().check(z.maxLength(500))),
    bytes: z.optional(z.int().check(z.gte(0))),
    sha256: z.optional(hashSchema),
    lost: z.optional(lostEntriesSchema),
  })
  .check(z.refine((record) => (record.disturbance === 'loss-accepted') === (record.lost !== undefined && record.lost.throughSeq > record.lost.afterSeq), 'an accepted loss, and only it, names the entries lost'));

export const journalRecordSchema = z.discriminatedUnion('kind', [
  sendIntentSchema,
  sendOutcomeSchema,
  cancelIntentSchema,
  cancelOutcomeSchema,
  consultationRecordSchema,
  journalDisturbanceSchema,
  sendAbandonedSchema,
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RecordOfKind<K extends JournalRecord['kind']> = Extract<JournalRecord, { kind: K }>;

/** One line of the journal: the record, its place in the chain and its hash. */
export const journalEntrySchema = z.strictObject({
  seq: z.int().check(z.gte(1)),
  at: timestampSchema,
  prev: hashSchema,
  record: journalRecordSchema,
  hash: hashSchema,
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;
export type EntryOfKind<K extends JournalRecord['kind']> = Omit<JournalEntry, 'record'> & { record: RecordOfKind<K> };

export function isEntryOfKind<K extends JournalRecord['kind']>(entry: JournalEntry, kind: K): entry is EntryOfKind<K> {
  return entry.record.kind === kind;
}

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The OS account running this process, as the journal names it. */
export function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; keep the journal writable.
    return process.env['USER'] ?? process.env['USERNAME'] ?? `uid:${String(process.getuid?.() ?? '?')}`;
  }
}

/** The executor for this process: the certificate holder and the OS account running the host. */
export function currentExecutor(certificateHolder: { type: string; value: string }, via: Executor['via']): Executor {
  const osUser = currentOsUser();
  const holder = certificateHolder.type === 'SSIN' ? { certificateHolderSsin: certificateHolder.value } : { certificateHolderOrganisation: `${certificateHolder.type}=${certificateHolder.value}` };
  return { ...holder, osUser: osUser.slice(0, 200), hostName: hostname().slice(0, 255), via };
}
