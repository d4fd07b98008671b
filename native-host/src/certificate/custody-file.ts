import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as z from 'zod/mini';
import { AppError } from '../../../src/shared/errors.js';
import { AUTHENTICATION_ALIAS, type Keystore, type KeystoreEntry } from './keys.js';

/**
 * The host's own copy of the clinician's keys (`<stateDir>/keystore.json`, 0600), written at
 * import from the keystore the clinician gave. eHealth keystores are PKCS#12 files with 3DES
 * keys and RC2-40 certificates that only node-forge reads, in JavaScript: ~180 ms to open, most of
 * a cold send's own work. Here each key is an encrypted PKCS#8 (AES-256-CBC, PBKDF2-SHA256, under
 * the same password, which stays in the OS secret store) that Node's crypto opens natively in a
 * few milliseconds; the certificates are public and kept as PEM. Weaker ciphers are not kept at rest.
 */

export const CUSTODY_FILE = 'keystore.json';
const MAX_CUSTODY_BYTES = 1024 * 1024;
const MAX_PEM_CHARS = 64 * 1024;

const pemSchema = (label: string) => z.string().check(z.maxLength(MAX_PEM_CHARS), z.startsWith(`-----BEGIN ${label}-----`));
const entrySchema = z.strictObject({
  alias: z.string().check(z.maxLength(200)),
  key: pemSchema('ENCRYPTED PRIVATE KEY'),
  certificate: pemSchema('CERTIFICATE'),
  chain: z.array(pemSchema('CERTIFICATE')).check(z.maxLength(10)),
});
const custodySchema = z.strictObject({
  format: z.literal('eattest-keystore'),
  version: z.literal(1),
  authentication: entrySchema,
  encryption: z.array(entrySchema).check(z.maxLength(20)),
});
type CustodyEntry = z.infer<typeof entrySchema>;

function unreadable(reason: string): AppError {
  return new AppError('CERTIFICATE_UNREADABLE', `the keystore cannot be opened: ${reason}`, { reason });
}

function entryText(entry: KeystoreEntry, password: string): CustodyEntry {
  return {
    alias: entry.alias,
    key: entry.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: Buffer.from(password, 'utf8') }).toString(),
    certificate: entry.certificate.toString(),
    chain: entry.chain.map((certificate) => certificate.toString()),
  };
}

/** The custody file's text for an opened keystore. */
export function custodyText(keystore: Keystore, password: string): string {
  const custody = {
    format: 'eattest-keystore',
    version: 1,
    authentication: entryText(keystore.authentication, password),
    encryption: [...keystore.encryption.values()].map((entry) => entryText(entry, password)),
  } satisfies z.infer<typeof custodySchema>;
  return `${JSON.stringify(custody, null, 2)}\n`;
}

/** Whether these bytes are a custody file (rather than a PKCS#12 keystore, which is DER). */
export function isCustodyFile(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7b; // '{'
}

function openEntry(entry: CustodyEntry, password: Buffer): KeystoreEntry {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: entry.key, format: 'pem', passphrase: password });
  } catch {
    // OpenSSL says "bad decrypt" for a wrong password; never echo anything else it says.
    throw unreadable('wrong password');
  }
  let certificate: X509Certificate;
  let chain: X509Certificate[];
  try {
    certificate = new X509Certificate(entry.certificate);
    chain = entry.chain.map((pem) => new X509Certificate(pem));
  } catch {
    throw unreadable('a certificate is damaged');
  }
  if (!certificate.checkPrivateKey(privateKey)) throw unreadable(`the key "${entry.alias}" does not match its certificate`);
  return { alias: entry.alias, privateKey, certificate, chain };
}

export function openCustodyFile(bytes: Uint8Array, password: string): Keystore {
  if (bytes.byteLength > MAX_CUSTODY_BYTES) throw unreadable('the custody file is too large');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw unreadable('the custody file is not JSON');
  }
  const parsed = custodySchema.safeParse(raw);
  if (!parsed.success) throw unreadable('the custody file is not in the expected shape');
  const secret = Buffer.from(password, 'utf8');
  const authentication = openEntry(parsed.data.authentication, secret);
  if (authentication.alias !== AUTHENTICATION_ALIAS) throw unreadable('no "authentication" key');
  return { authentication, encryption: new Map(parsed.data.encryption.map((entry) => [entry.alias, openEntry(entry, secret)])) };
}
