import { isOrganisation, type Profession } from '../../../src/shared/domain/profession.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import { updateConfig, type Supervisor } from '../config.js';
import { replaceFileDurably } from '../durable-file.js';
import { PASSWORD_FILE, unlockKeyStoreFor } from './custody.js';
import { CUSTODY_FILE, sealCustody } from './custody-file.js';
import { summarize } from './identity.js';
import { openKeystore } from './keystore.js';
import { SUMMARY_FILE, type StoredCertificate } from './stored.js';
import { FilePasswordStore, osPasswordStore } from './password-store.js';

export interface ImportRequest {
  file: string;
  password: string;
  passwordStore: 'os' | 'file';
  profession: Profession;
  /** A physician in training's supervisor; absent, the configuration keeps what it had. */
  supervisor?: Supervisor;
  stateDir: string;
  now: Date;
}

/**
 * `eattest-host certificate import`: proves the keystore opens with the password, refuses an
 * expired certificate, writes its keys into the host's custody file in the state directory (0600),
 * stores the password in the chosen store, and records the public summary and the configuration.
 */
export async function importCertificate(request: ImportRequest): Promise<StoredCertificate> {
  const keystore = openKeystore(readFileSync(request.file), request.password);
  const certificate = keystore.authentication.certificate;
  let stored: StoredCertificate;
  try {
    stored = {
      summary: summarize(certificate, request.now),
      encryptionAliases: [...keystore.encryption.keys()],
      keyType: keystore.authentication.privateKey.asymmetricKeyType ?? 'unknown',
    };
  } catch (error) {
    throw new AppError('CERTIFICATE_UNREADABLE', error instanceof Error ? error.message : 'not an eHealth certificate');
  }
  // A guard post signs in with its organisation certificate, a person with their own: the STS would refuse the other pairing.
  if ((stored.summary.organisation !== undefined) !== isOrganisation(request.profession)) {
    throw new AppError(
      'CERTIFICATE_UNREADABLE',
      stored.summary.organisation !== undefined ? `an organisation certificate (${stored.summary.organisation.type}) is imported with --profession guardPost` : 'a personal certificate cannot sign in as a guard post',
    );
  }
  if (stored.summary.daysToExpiry < 0 || request.now.getTime() < Date.parse(stored.summary.notBefore)) {
    throw new AppError('CERTIFICATE_EXPIRED', 'the certificate is not valid today', { notAfter: stored.summary.notAfter });
  }
  mkdirSync(request.stateDir, { recursive: true, mode: 0o700 });
  // Not a copy of the given file: the host's own custody file, which opens natively (certificate/custody-file.ts).
  const keystoreFile = join(request.stateDir, CUSTODY_FILE);
  const sealed = await sealCustody(keystore, request.password);
  replaceFileDurably(keystoreFile, sealed.text, 0o600);
  const store = request.passwordStore === 'file' ? new FilePasswordStore(join(request.stateDir, PASSWORD_FILE)) : osPasswordStore();
  await store.set(request.password);
  // The first start then opens the keys without the KDF (custody.ts).
  await unlockKeyStoreFor(request.passwordStore, request.stateDir).set(sealed.unlockKey);
  writeFileSync(join(request.stateDir, SUMMARY_FILE), `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  updateConfig(request.stateDir, (raw) => {
    raw['keystore'] = { file: keystoreFile, passwordStore: request.passwordStore };
    raw['profession'] = request.profession;
    if (request.supervisor !== undefined) raw['supervisor'] = request.supervisor;
  });
  return stored;
}
