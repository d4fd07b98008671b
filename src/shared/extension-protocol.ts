import { z } from 'zod';
import type { Assert, Same } from './type-checks.js';
import { errorPayloadSchema, type ErrorPayload } from './errors.js';
import { statusResultSchema } from './host-protocol.js';
import { MAX_URL_LENGTH } from './limits.js';

/**
 * Messages to the background service worker, from content scripts and from extension pages, and
 * their replies. Which sender may send which message is the background router's policy.
 */

const pageUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');

/** content script → background: the adapter runner is on an EHR page (lets the background prewarm the host). */
export const contentReadySchema = z.strictObject({ type: z.literal('content.ready'), href: pageUrlSchema });
export const contentReadyResultSchema = z.strictObject({ prewarming: z.boolean() });

/** extension page → background: how the native host is doing. */
export const hostStatusRequestSchema = z.strictObject({ type: z.literal('host.status') });
export const hostConnectionSchema = z.discriminatedUnion('connected', [
  z.strictObject({ connected: z.literal(true), status: statusResultSchema }),
  z.strictObject({ connected: z.literal(false), error: errorPayloadSchema }),
]);
export type HostConnection = z.infer<typeof hostConnectionSchema>;

/** Every message the background accepts, with the schema of its reply's result. */
export const backgroundMessages = {
  'content.ready': { message: contentReadySchema, result: contentReadyResultSchema },
  'host.status': { message: hostStatusRequestSchema, result: hostConnectionSchema },
} as const;

export type BackgroundMessageType = keyof typeof backgroundMessages;
export const backgroundMessageSchema = z.discriminatedUnion('type', [contentReadySchema, hostStatusRequestSchema]);
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
