import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SUMMARY_FILE, readStoredCertificate, storedCertificateSummary, type StoredCertificate } from '../../native-host/src/certificate/stored.js';
import { hostConfigSchema } from '../../native-host/src/config.js';

/** The certificate's public summary file, which `status` reads without the keystore or its password. */

const stored: StoredCertificate = {
  summary: {
    subject: 'CN=SSIN=78031412448, OU=eHealth-platform Belgium, OU=ANNA PEETERS, OU=SSIN=78031412448, O=Federal Government, C=BE',
    ssin: '78031412448',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    daysToExpiry: 999,
  },
  encryptionAliases: ['123456789'],
  keyType: 'rsa',
};
const withKeystore = hostConfigSchema.parse({ keystore: { file: '/somewhere/keystore.p12', passwordStore: 'file' } });

const directories: string[] = [];
function stateDirWith(summaryText?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-stored-'));
  directories.push(dir);
  if (summaryText !== undefined) writeFileSync(join(dir, SUMMARY_FILE), summaryText);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the stored certificate summary', () => {
  it('reads the summary and recomputes the days to expiry', () => {
    const dir = stateDirWith(JSON.stringify(stored));
    expect(readStoredCertificate(dir)).toEqual(stored);
    const summary = storedCertificateSummary(withKeystore, dir, new Date('2026-12-01T00:00:00.000Z'));
    expect(summary).toEqual({ ...stored.summary, daysToExpiry: 31 });
  });

  it('is null while no keystore is configured, even with a summary file present', () => {
    expect(storedCertificateSummary(hostConfigSchema.parse({}), stateDirWith(JSON.stringify(stored)), new Date())).toBeNull();
  });

  it('is null when the file is missing, not JSON, of another shape, or oversized', () => {
    const now = new Date();
    expect(storedCertificateSummary(withKeystore, stateDirWith(), now)).toBeNull();
    expect(storedCertificateSummary(withKeystore, stateDirWith('{not json'), now)).toBeNull();
    expect(storedCertificateSummary(withKeystore, stateDirWith(JSON.stringify({ ...stored, password: 'secret' })), now)).toBeNull();
    expect(storedCertificateSummary(withKeystore, stateDirWith(JSON.stringify({ ...stored, summary: { ...stored.summary, ssin: 'x' } })), now)).toBeNull();
    expect(storedCertificateSummary(withKeystore, stateDirWith(`${JSON.stringify(stored)}${' '.repeat(70 * 1024)}`), now)).toBeNull();
  });
});
