import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { certificateSummarySchema, type CertificateSummary } from '../../../src/shared/host-protocol.js';
import type { HostConfig } from '../config.js';
import { withDaysToExpiry } from './identity.js';

/**
 * The public facts about the imported certificate (subject, SSIN, validity), written beside the
 * keystore by `certificate import` and rewritten by every import, so that `status` answers from a
 * small JSON file without the password and without loading the keystore's libraries (node-forge):
 * the native host serves it on its handshake path. Never holds the password or a key.
 */

export const SUMMARY_FILE = 'certificate.json';
/** The file is a few hundred bytes; anything far larger is not ours. */
const MAX_SUMMARY_BYTES = 64 * 1024;

export const storedCertificateSchema = z.strictObject({
  summary: certificateSummarySchema,
  encryptionAliases: z.array(z.string().check(z.regex(/^\d{1,60}$/))).check(z.maxLength(20)),
  keyType: z.string().check(z.maxLength(20)),
});
export type StoredCertificate = z.infer<typeof storedCertificateSchema>;

export function readStoredCertificate(stateDir: string): StoredCertificate | undefined {
  try {
    const text = readFileSync(join(stateDir, SUMMARY_FILE), 'utf8');
    if (text.length > MAX_SUMMARY_BYTES) return undefined;
    const parsed = storedCertificateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The summary `status` reports: null while no keystore is configured or its summary is unreadable. */
export function storedCertificateSummary(config: HostConfig, stateDir: string, now: Date): CertificateSummary | null {
  if (config.keystore === undefined) return null;
  const stored = readStoredCertificate(stateDir);
  return stored === undefined ? null : withDaysToExpiry(stored.summary, now);
}
