import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, scrypt, X509Certificate, type KeyObject } from 'node:crypto';
import * as z from 'zod/mini';
import { AppError } from '../../../src/shared/errors.js';
import { AUTHENTICATION_ALIAS, type Keystore, type KeystoreEntry } from './keys.js';

/**
 * The host's own copy of the clinician's keys (`<stateDir>/keystore.json`, 0600), written at
 * import from the keystore the clinician gave. eHealth keystores are PKCS#12 files with 3DES
 * keys and RC2-40 certificates that only node-forge reads, in JavaScript: ~180 ms to open, most of
 * a cold send's own work. Here the certificates are public and kept as PEM, and each key is a
 * PKCS#8 sealed with AES-256-GCM (its alias as associated data) under one key that scrypt derives
 * from the keystore's password (which stays in the OS secret store) and the file's salt: opened by
 * Node's crypto in a few milliseconds plus the KDF. Weaker ciphers are not kept at rest.
 *
 * Version 1 sealed each key as an encrypted PKCS#8 PEM from OpenSSL's defaults: PBKDF2-SHA256 at
 * only 2,048 iterations. Such a file still opens, and is reported outdated so that custody
 * rewrites it under the current KDF on that unlock (certificate/custody.ts).
 */

export const CUSTODY_FILE = 'keystore.json';
const MAX_CUSTODY_BYTES = 1024 * 1024;
const MAX_PEM_CHARS = 64 * 1024;

/**
 * scrypt at N = 2^15, r = 8, p = 1: 32 MiB and ~85 ms on a 2-core machine of 2026 (2^16 doubles
 * both, 2^17 doubles again; PBKDF2-SHA256 at 600,000 iterations costs ~115 ms with no memory
 * hardness). Paid once per host process, on the cold send's path: see the README's bench figures.
 * The parameters are stored in each file, so raising them here rewrites files on their next unlock.
 */
export const CUSTODY_KDF: KdfParameters = { name: 'scrypt', N: 2 ** 15, r: 8, p: 1 };
/** What a file may ask of the KDF: enough for future parameters, not a way to exhaust memory. */
const MAX_KDF_MEMORY_BYTES = 256 * 1024 * 1024;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const base64 = (maxChars: number) => z.string().check(z.maxLength(maxChars), z.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const pemSchema = (label: string) => z.string().check(z.maxLength(MAX_PEM_CHARS), z.startsWith(`-----BEGIN ${label}-----`));
const certificatesSchema = {
  certificate: pemSchema('CERTIFICATE'),
  chain: z.array(pemSchema('CERTIFICATE')).check(z.maxLength(10)),
};
const aliasSchema = z.string().check(z.maxLength(200));
const legacyEntrySchema = z.strictObject({ alias: aliasSchema, key: pemSchema('ENCRYPTED PRIVATE KEY'), ...certificatesSchema });
const legacyCustodySchema = z.strictObject({
  format: z.literal('eattest-keystore'),
  version: z.literal(1),
  authentication: legacyEntrySchema,
  encryption: z.array(legacyEntrySchema).check(z.maxLength(20)),
});
const kdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z.int().check(
    z.gte(2 ** 14),
    z.refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
  ),
  r: z.int().check(z.gte(8), z.lte(32)),
  p: z.int().check(z.gte(1), z.lte(16)),
  salt: base64(64),
});
const sealedKeySchema = z.strictObject({ iv: base64(32), data: base64(MAX_PEM_CHARS) });
const entrySchema = z.strictObject({ alias: aliasSchema, key: sealedKeySchema, ...certificatesSchema });
const custodySchema = z.strictObject({
  format: z.literal('eattest-keystore'),
  version: z.literal(2),
  kdf: kdfSchema,
  authentication: entrySchema,
  encryption: z.array(entrySchema).check(z.maxLength(20)),
});
type LegacyEntry = z.infer<typeof legacyEntrySchema>;
type CustodyEntry = z.infer<typeof entrySchema>;
type StoredKdf = z.infer<typeof kdfSchema>;
export type KdfParameters = Omit<StoredKdf, 'salt'>;

function unreadable(reason: string): AppError {
  return new AppError('CERTIFICATE_UNREADABLE', `the keystore cannot be opened: ${reason}`, { reason });
}

function deriveKey(password: string, salt: Buffer, kdf: KdfParameters): Promise<Buffer> {
  const memory = 128 * kdf.N * kdf.r * kdf.p;
  if (memory > MAX_KDF_MEMORY_BYTES) return Promise.reject(unreadable('the custody file asks too much of the KDF'));
  // Asynchronous: it runs on libuv's pool, so the host keeps answering (and loading) meanwhile.
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 2 * memory }, (error, key) => {
      if (error === null) resolve(key);
      else reject(unreadable('the KDF failed'));
    });
  });
}

/** Binds each sealed key to its file format and alias: a key moved to another alias does not open. */
function associatedData(alias: string): Buffer {
  return Buffer.from(`eattest-keystore/2/${alias}`, 'utf8');
}

function sealEntry(entry: KeystoreEntry, key: Buffer): CustodyEntry {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(entry.alias));
  const pkcs8 = entry.privateKey.export({ type: 'pkcs8', format: 'der' });
  const sealed = Buffer.concat([cipher.update(pkcs8), cipher.final(), cipher.getAuthTag()]);
  pkcs8.fill(0);
  return {
    alias: entry.alias,
    key: { iv: iv.toString('base64'), data: sealed.toString('base64') },
    certificate: entry.certificate.toString(),
    chain: entry.chain.map((certificate) => certificate.toString()),
  };
}

/**
 * What the KDF derived from the password for one custody file, bound to that file's salt: kept in
 * the OS secret store beside the password (custody.ts), it opens the file without the KDF. Whoever
 * can read it can read the password there too; the KDF protects the file stolen without the store.
 */
function unlockKeyText(salt: Buffer, key: Buffer): string {
  return `v2:${salt.toString('base64')}:${key.toString('base64')}`;
}

export interface SealedCustody {
  text: string;
  unlockKey: string;
}

/** The custody file's text for an opened keystore, under the current KDF and a fresh salt, and its unlock key. */
export async function sealCustody(keystore: Keystore, password: string, kdf: KdfParameters = CUSTODY_KDF): Promise<SealedCustody> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, kdf);
  const custody = {
    format: 'eattest-keystore',
    version: 2,
    kdf: { ...kdf, salt: salt.toString('base64') },
    authentication: sealEntry(keystore.authentication, key),
    encryption: [...keystore.encryption.values()].map((entry) => sealEntry(entry, key)),
  } satisfies z.infer<typeof custodySchema>;
  const unlockKey = unlockKeyText(salt, key);
  key.fill(0);
  return { text: `${JSON.stringify(custody, null, 2)}\n`, unlockKey };
}

/** Whether these bytes are a custody file (rather than a PKCS#12 keystore, which is DER). */
export function isCustodyFile(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7b; // '{'
}

function certificatesOf(entry: LegacyEntry | CustodyEntry): { certificate: X509Certificate; chain: X509Certificate[] } {
  try {
    return { certificate: new X509Certificate(entry.certificate), chain: entry.chain.map((pem) => new X509Certificate(pem)) };
  } catch {
    throw unreadable('a certificate is damaged');
  }
}

function checkedEntry(alias: string, privateKey: KeyObject, entry: LegacyEntry | CustodyEntry): KeystoreEntry {
  const { certificate, chain } = certificatesOf(entry);
  if (!certificate.checkPrivateKey(privateKey)) throw unreadable(`the key "${alias}" does not match its certificate`);
  return { alias, privateKey, certificate, chain };
}

function openLegacyEntry(entry: LegacyEntry, password: Buffer): KeystoreEntry {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: entry.key, format: 'pem', passphrase: password });
  } catch {
    // OpenSSL says "bad decrypt" for a wrong password; never echo anything else it says.
    throw unreadable('wrong password');
  }
  return checkedEntry(entry.alias, privateKey, entry);
}

function openEntry(entry: CustodyEntry, key: Buffer): KeystoreEntry {
  const iv = Buffer.from(entry.key.iv, 'base64');
  const sealed = Buffer.from(entry.key.data, 'base64');
  if (iv.length !== IV_BYTES || sealed.length <= TAG_BYTES) throw unreadable(`the key "${entry.alias}" is damaged`);
  let pkcs8: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(entry.alias));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    pkcs8 = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // One key for the whole file: a tag that fails on it is a wrong password (or a tampered file).
    throw unreadable('wrong password');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw unreadable(`the key "${entry.alias}" is damaged`);
  } finally {
    pkcs8.fill(0);
  }
  return checkedEntry(entry.alias, privateKey, entry);
}

function keystoreOf(authentication: KeystoreEntry, encryption: KeystoreEntry[]): Keystore {
  if (authentication.alias !== AUTHENTICATION_ALIAS) throw unreadable('no "authentication" key');
  return { authentication, encryption: new Map(encryption.map((entry) => [entry.alias, entry])) };
}

export interface OpenedCustody {
  keystore: Keystore;
  /** Sealed under an older or weaker KDF than CUSTODY_KDF: custody rewrites it. */
  outdated: boolean;
  /** What opens this file without the KDF next time (a file of the current format only). */
  unlockKey?: string;
}

function custodyJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength > MAX_CUSTODY_BYTES) throw unreadable('the custody file is too large');
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw unreadable('the custody file is not JSON');
  }
}

/**
 * Opens a custody file with the unlock key kept from an earlier opening, without the KDF; undefined
 * when the key is not this file's (sealed again since, another import) or does not open it: the
 * caller then asks for the password.
 */
export function openCustodyFileWithUnlockKey(bytes: Uint8Array, unlockKey: string): OpenedCustody | undefined {
  const parsed = custodySchema.safeParse(custodyJson(bytes));
  const [version, salt, keyText] = unlockKey.split(':');
  if (!parsed.success || version !== 'v2' || salt !== parsed.data.kdf.salt || keyText === undefined) return undefined;
  const key = Buffer.from(keyText, 'base64');
  if (key.length !== 32) return undefined;
  try {
    const authentication = openEntry(parsed.data.authentication, key);
    const keystore = keystoreOf(authentication, parsed.data.encryption.map((entry) => openEntry(entry, key)));
    return { keystore, outdated: weakerThan(parsed.data.kdf, CUSTODY_KDF) };
  } catch {
    return undefined;
  } finally {
    key.fill(0);
  }
}

export async function openCustodyFile(bytes: Uint8Array, password: string): Promise<OpenedCustody> {
  const raw = custodyJson(bytes);
  const legacy = legacyCustodySchema.safeParse(raw);
  if (legacy.success) {
    const secret = Buffer.from(password, 'utf8');
    const authentication = openLegacyEntry(legacy.data.authentication, secret);
    return { keystore: keystoreOf(authentication, legacy.data.encryption.map((entry) => openLegacyEntry(entry, secret))), outdated: true };
  }
  const parsed = custodySchema.safeParse(raw);
  if (!parsed.success) throw unreadable('the custody file is not in the expected shape');
  const { kdf } = parsed.data;
  const key = await deriveKey(password, Buffer.from(kdf.salt, 'base64'), kdf);
  try {
    const authentication = openEntry(parsed.data.authentication, key);
    const keystore = keystoreOf(authentication, parsed.data.encryption.map((entry) => openEntry(entry, key)));
    return { keystore, outdated: weakerThan(kdf, CUSTODY_KDF), unlockKey: unlockKeyText(Buffer.from(kdf.salt, 'base64'), key) };
  } finally {
    key.fill(0);
  }
}

function weakerThan(kdf: KdfParameters, current: KdfParameters): boolean {
  return kdf.N * kdf.r * kdf.p < current.N * current.r * current.p || kdf.N < current.N;
}
