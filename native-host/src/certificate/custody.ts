import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../src/shared/errors.js';
import type { CertificateSummary } from '../../../src/shared/host-protocol.js';
import type { HostConfig } from '../config.js';
import { replaceFileDurably } from '../durable-file.js';
import type { Logger } from '../log.js';
import { storedCertificateSummary } from './stored.js';
import { isCustodyFile, openCustodyFile, openCustodyFileWithUnlockKey, sealCustody } from './custody-file.js';
import type { Keystore, KeystoreEntry } from './keys.js';
import { FilePasswordStore, osPasswordStore, UNLOCK_KEY_ACCOUNT, type PasswordStore } from './password-store.js';

/**
 * The custody of the clinician's keystore inside the host process. The keystore is opened on
 * first use (its password fetched from the store at that moment) and kept in memory only; no
 * method returns the password, and keys leave only as Node KeyObjects to sign and decrypt here.
 */

export const PASSWORD_FILE = 'keystore.password';
export const UNLOCK_KEY_FILE = 'keystore.unlock-key';

export function passwordStoreFor(config: HostConfig, stateDir: string): PasswordStore | undefined {
  if (config.keystore === undefined) return undefined;
  return config.keystore.passwordStore === 'file' ? new FilePasswordStore(join(stateDir, PASSWORD_FILE)) : osPasswordStore();
}

/** Where the custody file's unlock key is kept: beside the password, in the same kind of store. */
export function unlockKeyStoreFor(kind: 'os' | 'file', stateDir: string): PasswordStore {
  return kind === 'file' ? new FilePasswordStore(join(stateDir, UNLOCK_KEY_FILE)) : osPasswordStore(process.platform, UNLOCK_KEY_ACCOUNT);
}

export class CertificateCustody {
  private opened: Promise<Keystore> | undefined;

  private readonly clock: () => Date;
  private readonly log: Logger | undefined;

  constructor(
    private readonly config: HostConfig,
    private readonly stateDir: string,
    options: { clock?: () => Date; log?: Logger } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log;
  }

  /** Read from the public summary file (certificate/stored.ts): needs neither the password nor the keystore. */
  summary(): CertificateSummary | null {
    return storedCertificateSummary(this.config, this.stateDir, this.clock());
  }

  /** The authentication key and certificate: WS-Security, XAdES and seal signatures. */
  async authentication(): Promise<KeystoreEntry> {
    const keystore = await this.keystore();
    const now = this.clock().getTime();
    const certificate = keystore.authentication.certificate;
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
      throw new AppError('CERTIFICATE_EXPIRED', 'the eHealth certificate is not valid today', { notAfter: new Date(certificate.validTo).toISOString() });
    }
    return keystore.authentication;
  }

  /** The decryption keys, by the decimal serial of their certificate. */
  async encryptionKeys(): Promise<ReadonlyMap<string, KeystoreEntry>> {
    return (await this.keystore()).encryption;
  }

  /**
   * Starts opening the keystore ahead of its first use and returns once its KDF is under way (on
   * libuv's pool): the caller can then load the command modules on the main thread meanwhile, so
   * that the cold send pays for the longer of the two rather than both. A failure is left for the
   * first use to meet (and report) again.
   */
  async openAhead(): Promise<void> {
    if (this.opened !== undefined) return;
    let kdfStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (kdfStarted = resolve));
    const opened = this.keystore(kdfStarted);
    await Promise.race([started, opened.then(
      () => undefined,
      () => undefined,
    )]);
  }

  private keystore(onKdfStarted?: () => void): Promise<Keystore> {
    this.opened ??= this.open(onKdfStarted).catch((error: unknown) => {
      // A failure (say, the keyring was locked) must not stick: the next call tries again.
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  private async open(onKdfStarted: () => void = () => undefined): Promise<Keystore> {
    const settings = this.config.keystore;
    const store = passwordStoreFor(this.config, this.stateDir);
    if (settings === undefined || store === undefined) throw new AppError('CERTIFICATE_MISSING', 'no eHealth keystore has been imported');
    let bytes: Buffer;
    try {
      bytes = await readFile(settings.file);
    } catch {
      throw new AppError('CERTIFICATE_MISSING', 'the imported keystore file is missing');
    }
    const unlockKeys = unlockKeyStoreFor(settings.passwordStore, this.stateDir);
    if (isCustodyFile(bytes)) {
      // The unlock key kept at the last opening opens the file without the KDF (~85 ms of a cold send).
      const unlockKey = await unlockKeys.get().catch(() => undefined);
      const unlocked = unlockKey === undefined ? undefined : openCustodyFileWithUnlockKey(bytes, unlockKey);
      if (unlocked !== undefined && !unlocked.outdated) {
        onKdfStarted();
        this.log?.info('custody file opened with its unlock key');
        return unlocked.keystore;
      }
    }
    const password = await store.get();
    if (password === undefined) throw new AppError('CERTIFICATE_PASSWORD_MISSING', `no keystore password in ${store.describe()}`);
    // Installations imported before the custody file existed still hold the PKCS#12 copy.
    if (isCustodyFile(bytes)) {
      const started = performance.now();
      // The call starts the KDF before it first waits.
      const opening = openCustodyFile(bytes, password);
      onKdfStarted();
      const { keystore, outdated, unlockKey } = await opening;
      // The KDF is most of this: the log shows what it costs here.
      this.log?.info('custody file opened', { elapsedMs: Math.round(performance.now() - started), outdated });
      const kept = outdated ? await this.reseal(settings.file, keystore, password) : unlockKey;
      if (kept !== undefined) await this.keepUnlockKey(unlockKeys, kept);
      return keystore;
    }
    // node-forge (and its ~100 ms of loading) only for such a state folder.
    const { openKeystore } = await import('./keystore.js');
    return openKeystore(bytes, password);
  }

  /**
   * A custody file sealed under an older KDF (version 1: PBKDF2 at 2,048 iterations) is sealed
   * again under the current one, now that the password is at hand. The old text stays until the
   * new one is durably in place; if that fails the keys still serve, and the next unlock retries.
   */
  private async reseal(file: string, keystore: Keystore, password: string): Promise<string | undefined> {
    try {
      const sealed = await sealCustody(keystore, password);
      replaceFileDurably(file, sealed.text, 0o600);
      this.log?.info('custody file sealed again under the current KDF');
      return sealed.unlockKey;
    } catch (error) {
      this.log?.warn('custody file not sealed again', { error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    }
  }

  /** A store that refuses it costs the next start the KDF again, nothing more. */
  private async keepUnlockKey(unlockKeys: PasswordStore, unlockKey: string): Promise<void> {
    try {
      await unlockKeys.set(unlockKey);
    } catch (error) {
      this.log?.warn('custody unlock key not kept', { store: unlockKeys.describe(), error: error instanceof Error ? error.name : 'unknown' });
    }
  }
}
