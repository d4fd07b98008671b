import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { attestationSchema, consultationKeySchema, type Attestation } from '../../../src/shared/domain/attestation.js';
import { AppError } from '../../../src/shared/errors.js';
import { inputReferenceSchema } from '../journal/entry.js';
import type { SealedAttestation } from '../mycarenet/eattest/send-attestation.js';
import { writeFileDurably } from '../durable-file.js';

/**
 * Beside the journal, one file per send (`<stateDir>/eattest/sends/<InputReference>.json`): the
 * attestation as the clinician confirmed it, how it was routed, and what was sealed. The journal's
 * intent keeps the sealed request and a summary of the acts; this keeps what a retry must send
 * again and what the supporting document and the history must show. Written (and fsynced) before
 * the intent, so every journaled send has one.
 */

const MAX_RECORD_BYTES = 4 * 1024 * 1024;
const base64 = z.string().check(z.maxLength(MAX_RECORD_BYTES), z.regex(/^[A-Za-z0-9+/]*={0,2}$/));

export const sendRecordSchema = z.strictObject({
  version: z.literal(1),
  inputReference: inputReferenceSchema,
  consultationKey: consultationKeySchema,
  attestation: attestationSchema,
  jsis: z.boolean(),
  blobId: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9._-]{0,127}$/)),
  kmehr: base64,
  sealed: base64,
});
export type SendRecord = z.infer<typeof sendRecordSchema>;

export interface StoredSend {
  inputReference: string;
  consultationKey: string;
  attestation: Attestation;
  jsis: boolean;
  sealed: SealedAttestation;
}

function directory(stateDir: string): string {
  return join(stateDir, 'eattest', 'sends');
}

function fileOf(stateDir: string, inputReference: string): string {
  // The schema keeps the reference to [A-Za-z0-9._-]; a leading dot could still name "." or "..".
  if (!inputReferenceSchema.safeParse(inputReference).success || inputReference.startsWith('.')) throw new AppError('INTERNAL', 'not an input reference');
  return join(directory(stateDir), `${inputReference}.json`);
}

/** Writes the record durably (temporary file, fsync, rename, fsync of the folder). */
export function saveSendRecord(stateDir: string, send: StoredSend): void {
  const record: SendRecord = {
    version: 1,
    inputReference: send.inputReference,
    consultationKey: send.consultationKey,
    attestation: send.attestation,
    jsis: send.jsis,
    blobId: send.sealed.blobId,
    kmehr: Buffer.from(send.sealed.kmehr).toString('base64'),
    sealed: Buffer.from(send.sealed.sealed).toString('base64'),
  };
  writeFileDurably(fileOf(stateDir, send.inputReference), JSON.stringify(sendRecordSchema.parse(record)));
}

/** The record of a send, or undefined when there is none (or it is unreadable: the caller falls back). */
export function loadSendRecord(stateDir: string, inputReference: string): StoredSend | undefined {
  let text: string;
  try {
    text = readFileSync(fileOf(stateDir, inputReference), 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_RECORD_BYTES) return undefined;
  let parsed;
  try {
    parsed = sendRecordSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.data.inputReference !== inputReference) return undefined;
  const record = parsed.data;
  return {
    inputReference: record.inputReference,
    consultationKey: record.consultationKey,
    attestation: record.attestation,
    jsis: record.jsis,
    sealed: { blobId: record.blobId, kmehr: Buffer.from(record.kmehr, 'base64'), sealed: Buffer.from(record.sealed, 'base64') },
  };
}
