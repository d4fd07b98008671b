import * as z from 'zod/mini';
import type { Assert, Same } from './type-checks.js';
import { isoDateSchema, ssinSchema } from './domain/identifiers.js';
import { professionSchema } from './domain/profession.js';
import { contactTypeSchema, dmgHolderSchema, insurabilitySchema } from './domain/insurability.js';
import { nomenclatureCodeSchema, tariffsSchema } from './domain/tariff.js';
import { attestationSchema, cancelReasonSchema, toothSchema } from './domain/attestation.js';
import { acknowledgementNumberSchema, attestOutcomeSchema, cancelOutcomeSchema, inputReferenceSchema, journalSendSchema } from './domain/receipt.js';
import { errorPayloadSchema } from './errors.js';

/**
 * background ↔ native host: every command the host accepts, its parameters and its result.
 * Requests and replies travel as native-messaging frames (see native-host/src/framing.ts).
 */

export const requestIdSchema = z.string().check(z.minLength(1), z.maxLength(64));

export const environmentSchema = z.enum(['simulator', 'acceptance', 'production']);
export type Environment = z.infer<typeof environmentSchema>;

export const certificateSummarySchema = z.strictObject({
  subject: z.string().check(z.maxLength(500)),
  /** A personal certificate's holder; an organisation's certificate (a guard post) has its number instead. */
  ssin: z.optional(z.string().check(z.regex(/^\d{11}$/))),
  organisation: z.optional(z.strictObject({ type: z.string().check(z.regex(/^[A-Z_-]{1,40}$/)), id: z.string().check(z.regex(/^\d{8,11}$/)) })),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  daysToExpiry: z.int(),
});
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

const versionString = z.string().check(z.minLength(1), z.maxLength(32));

/** Whether the journal reaches the head anchored beside it (native-host/src/journal/head.ts). */
export const journalAnchorStatusSchema = z.enum(['matches', 'absent', 'unreadable', 'truncated', 'diverged']);
export type JournalAnchorStatus = z.infer<typeof journalAnchorStatusSchema>;

/**
 * The journal's last entry (seq 0 and 64 zeros when empty) and the host's own anchor check. The
 * extension keeps the highest it has seen, a second anchor: a journal cut together with its head
 * file reports a lower seq (or another hash at a seq it saw), and the extension refuses to send.
 */
export const journalHeadReportSchema = z.strictObject({
  seq: z.int().check(z.gte(0)),
  hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  anchor: journalAnchorStatusSchema,
});
export type JournalHeadReport = z.infer<typeof journalHeadReportSchema>;

/** The protocol versions one side speaks (src/shared/protocol-handshake.ts), both ends included. */
export const protocolRangeSchema = z.strictObject({ min: z.int().check(z.positive()), max: z.int().check(z.positive()) }).check(z.refine((range) => range.min <= range.max, 'min must not exceed max'));

/**
 * The handshake. `protocolVersion` is the highest version the extension speaks (all a version-1
 * extension says); `protocolRange`, all it speaks. The host answers with the version the pair will
 * speak and its own range, or HOST_VERSION_MISMATCH naming the side to update.
 */
export const helloParamsSchema = z.strictObject({
  protocolVersion: z.int().check(z.positive()),
  extensionVersion: versionString,
  protocolRange: z.optional(protocolRangeSchema),
});
export const helloResultSchema = z.strictObject({
  hostVersion: versionString,
  protocolVersion: z.int().check(z.positive()),
  protocolRange: z.optional(protocolRangeSchema),
  /** Absent when the host could not read its journal folder. */
  journalHead: z.optional(journalHeadReportSchema),
});

export const statusParamsSchema = z.strictObject({});
export const statusResultSchema = z.strictObject({
  hostVersion: versionString,
  protocolVersion: z.int().check(z.positive()),
  environment: environmentSchema,
  certificate: z.nullable(certificateSummarySchema),
  uptimeMs: z.int().check(z.nonnegative()),
  /** The profession the host signs in as (its configuration; the STS certifies it): the popup checks a draft against its rules. */
  profession: z.optional(professionSchema),
  /** Absent when the host could not read its journal folder. */
  journalHead: z.optional(journalHeadReportSchema),
});
export type HostStatus = z.infer<typeof statusResultSchema>;

/**
 * Prewarming (the background sends it when an EHR page shows a consultation): the host opens the
 * keystore, signs in to the STS and fetches the ETKs a send needs, so that the first click of the day
 * is a warm one. Never a business call (no MemberData, no Tarification). `warmed` is false when
 * there is nothing to warm yet (no certificate imported).
 */
export const warmParamsSchema = z.strictObject({});
export const warmResultSchema = z.strictObject({ warmed: z.boolean(), elapsedMs: z.int().check(z.nonnegative()) });

export const providerParamsSchema = z.strictObject({});
/** The clinician as the eHealth platform confirms them (the STS token's attributes). */
export const providerResultSchema = z.strictObject({
  /** Absent for an organisation (a guard post), which has a name instead. */
  ssin: z.optional(z.string().check(z.regex(/^\d{11}$/))),
  name: z.optional(z.string().check(z.maxLength(200))),
  nihii11: z.string().check(z.regex(/^\d{11}$/)),
  profession: professionSchema,
  givenName: z.optional(z.string().check(z.maxLength(200))),
  surname: z.optional(z.string().check(z.maxLength(200))),
  sessionValidUntil: z.iso.datetime(),
});
export type ProviderIdentity = z.infer<typeof providerResultSchema>;

export const insurabilityParamsSchema = z.strictObject({
  ssin: ssinSchema,
  /** The day of care (today for a consultation). */
  date: isoDateSchema,
  contactType: contactTypeSchema,
});

/** The DMG holder alone (MemberData facet globalMedicalFile): only on the clinician's explicit request. */
export const dmgHolderParamsSchema = z.strictObject({
  ssin: ssinSchema,
  date: isoDateSchema,
});
export const dmgHolderResultSchema = z.strictObject({
  holder: z.nullable(dmgHolderSchema),
  consultedAt: z.iso.datetime(),
});

export const tariffsParamsSchema = z.strictObject({
  ssin: ssinSchema,
  date: isoDateSchema,
  codes: z.array(nomenclatureCodeSchema).check(z.minLength(1), z.maxLength(20)),
  /** Dentists: the tooth of a code, sent with its claim as CD-ISO-3950. */
  teeth: z.optional(z.record(nomenclatureCodeSchema, toothSchema)),
});

/** Send one attestation (the journal makes it idempotent: see native-host/src/journal). */
export const attestParamsSchema = z.strictObject({
  attestation: attestationSchema,
  /** The insurability of the day says the patient is insured by JSIS (insurer "rcam"): the send is routed there (PROTOCOL §2.4, §11). */
  jsis: z.optional(z.boolean()),
  /**
   * The highest head of the host's journal the extension has seen (its second anchor): the host
   * refuses the send, JOURNAL_TAMPERED, when its journal no longer reaches it.
   */
  journalAnchor: z.optional(z.strictObject({ seq: z.int().check(z.gte(0)), hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)) })),
});
/** Cancel a whole acknowledged attestation (PROTOCOL §8.4). */
export const cancelParamsSchema = z.strictObject({
  acknowledgementNumber: acknowledgementNumberSchema,
  patientSsin: ssinSchema,
  reason: cancelReasonSchema,
});
/**
 * Give up a send whose outcome stayed unknown, after checking with the insurer that it holds no
 * attestation of it (native-host/src/transmission/abandon.ts): the clinician's reason is journaled.
 */
export const abandonParamsSchema = z.strictObject({
  inputReference: inputReferenceSchema,
  reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(500)),
});
export const abandonResultSchema = z.strictObject({ inputReference: inputReferenceSchema, abandonedAt: z.iso.datetime() });
/** The journal's view of the sends of one Belgian day: history and reconciliation of pending records. */
export const journalDayParamsSchema = z.strictObject({ date: isoDateSchema });
export const journalDayResultSchema = z.strictObject({ sends: z.array(journalSendSchema).check(z.maxLength(2000)) });

/** The command table: adding a command means adding its schemas here and its handler file in native-host/src/commands/. */
export const hostCommands = {
  hello: { params: helloParamsSchema, result: helloResultSchema },
  status: { params: statusParamsSchema, result: statusResultSchema },
  warm: { params: warmParamsSchema, result: warmResultSchema },
  provider: { params: providerParamsSchema, result: providerResultSchema },
  insurability: { params: insurabilityParamsSchema, result: insurabilitySchema },
  dmgHolder: { params: dmgHolderParamsSchema, result: dmgHolderResultSchema },
  tariffs: { params: tariffsParamsSchema, result: tariffsSchema },
  attest: { params: attestParamsSchema, result: attestOutcomeSchema },
  cancel: { params: cancelParamsSchema, result: cancelOutcomeSchema },
  abandon: { params: abandonParamsSchema, result: abandonResultSchema },
  journalDay: { params: journalDayParamsSchema, result: journalDayResultSchema },
} as const;

export type HostCommandName = keyof typeof hostCommands;
export type HostParams<C extends HostCommandName> = z.infer<(typeof hostCommands)[C]['params']>;
export type HostResult<C extends HostCommandName> = z.infer<(typeof hostCommands)[C]['result']>;
export const HOST_COMMAND_NAMES = Object.keys(hostCommands) as HostCommandName[];

export function isHostCommandName(name: string): name is HostCommandName {
  return Object.hasOwn(hostCommands, name);
}

function requestOf<C extends HostCommandName>(command: C) {
  return z.strictObject({
    id: requestIdSchema,
    command: z.literal(command),
    params: hostCommands[command].params,
  });
}

/** A request as the host receives it. */
export const hostRequestSchema = z.discriminatedUnion('command', [
  requestOf('hello'),
  requestOf('status'),
  requestOf('warm'),
  requestOf('provider'),
  requestOf('insurability'),
  requestOf('dmgHolder'),
  requestOf('tariffs'),
  requestOf('attest'),
  requestOf('cancel'),
  requestOf('abandon'),
  requestOf('journalDay'),
]);
export type HostRequest = z.infer<typeof hostRequestSchema>;

/** The outer shape of a request, read first so that a bad command or parameter gets a precise error. */
export const hostRequestEnvelopeSchema = z.strictObject({
  id: requestIdSchema,
  command: z.string().check(z.minLength(1), z.maxLength(64)),
  params: z.unknown(),
});

/** A reply as the background receives it; `id` is null when the request could not be read at all. */
export const hostReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ id: z.nullable(requestIdSchema), ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ id: z.nullable(requestIdSchema), ok: z.literal(false), error: errorPayloadSchema }),
]);
export type HostReply = z.infer<typeof hostReplySchema>;

/**
 * The host's notice (an uncorrelated success) that it is leaving on its idle timeout. The browser
 * then sends new requests to a new host, and repeats on it any request the leaving one did not answer.
 */
export const idleExitNoticeSchema = z.strictObject({ notice: z.literal('idle-exit') });
export const IDLE_EXIT_NOTICE: z.infer<typeof idleExitNoticeSchema> = { notice: 'idle-exit' };

/**
 * Protocol 3: while a command runs, the host says which stage it is in, for the clinician to see
 * (host → background only, never answered: no round trip is added). `signingIn`: the command needs
 * an eHealth session and the host has none valid, so it signs in to the STS first; `signInDone`: the sign-in is over (its outcome is the command's reply).
 */
export const PROGRESS_PROTOCOL_VERSION = 3;
export const hostProgressStageSchema = z.enum(['signingIn', 'signInDone']);
export type HostProgressStage = z.infer<typeof hostProgressStageSchema>;
export const hostProgressSchema = z.strictObject({ type: z.literal('progress'), id: requestIdSchema, stage: hostProgressStageSchema });
export type HostProgress = z.infer<typeof hostProgressSchema>;

// Compile-time guard: the union and the table name the same entries.
export type HostCommandsCovered = Assert<Same<HostRequest['command'], HostCommandName>>;
