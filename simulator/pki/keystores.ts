import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keytool, openssl } from './openssl.js';

/**
 * eHealth keystores: PKCS#12 files with several private-key entries (`authentication` and one per
 * encryption key, aliased by the decimal serial of its certificate), each with its chain
 * (PROTOCOL.md §3). `openssl pkcs12 -export` holds one key only, so each key becomes a one-entry
 * PKCS#12 first, and keytool merges them, choosing the protection algorithms of the result.
 */

/** Java's names for the protection of a PKCS#12 written by keytool. */
export interface Protection {
  key: string;
  cert: string;
  mac: string;
}

/** As older eHealth keystores: 3DES keys, RC2-40 certificates, SHA-1 MAC (OpenSSL 3 needs -legacy). */
export const legacyProtection: Protection = { key: 'PBEWithSHA1AndDESede', cert: 'PBEWithSHA1AndRC2_40', mac: 'HmacPBESHA1' };

/** Current defaults: AES-256-CBC with PBKDF2 (HMAC-SHA256) for keys and certificates, SHA-256 MAC. */
export const modernProtection: Protection = {
  key: 'PBEWithHmacSHA256AndAES_256',
  cert: 'PBEWithHmacSHA256AndAES_256',
  mac: 'HmacPBESHA256',
};

export interface KeyEntry {
  alias: string;
  /** PEM paths of the certificate and its private key. */
  cert: string;
  key: string;
}

export interface KeystoreRequest {
  /** A folder for temporary files (a sub-folder is created and removed). */
  scratch: string;
  entries: readonly KeyEntry[];
  /** PEM paths of the CA certificates completing every entry's chain. */
  chain: readonly string[];
  /** A file holding the keystore password only. */
  passwordFile: string;
  /** Where to write the modern keystore. */
  modern: string;
  /** Where to write the legacy keystore, if wanted. */
  legacy?: string;
}

function protectionFlags(protection: Protection): string[] {
  return [
    `-J-Dkeystore.pkcs12.keyProtectionAlgorithm=${protection.key}`,
    `-J-Dkeystore.pkcs12.certProtectionAlgorithm=${protection.cert}`,
    `-J-Dkeystore.pkcs12.macAlgorithm=${protection.mac}`,
  ];
}

/** Copies every entry of `source` into `destination` (created when missing), re-protected. */
async function importKeystore(source: string, destination: string, passwordFile: string, protection: Protection): Promise<void> {
  await keytool([
    '-importkeystore', '-noprompt',
    '-srckeystore', source, '-srcstoretype', 'PKCS12', '-srcstorepass:file', passwordFile,
    '-destkeystore', destination, '-deststoretype', 'PKCS12', '-deststorepass:file', passwordFile,
    ...protectionFlags(protection),
  ]);
}

/** Writes the modern keystore and, if asked, the legacy one, with the same entries and password. */
export async function buildKeystores(request: KeystoreRequest): Promise<void> {
  const work = await mkdtemp(join(request.scratch, 'p12-'));
  try {
    const chain = join(work, 'chain.pem');
    const pems = await Promise.all(request.chain.map((path) => readFile(path, 'utf8')));
    await writeFile(chain, pems.join(''));
    const singles = await Promise.all(
      request.entries.map(async (entry, index) => {
        const single = join(work, `entry-${index}.p12`);
        await openssl([
          'pkcs12', '-export', '-name', entry.alias, '-in', entry.cert, '-inkey', entry.key, '-certfile', chain,
          '-passout', `file:${request.passwordFile}`, '-out', single,
        ]);
        return single;
      }),
    );
    // keytool rewrites the whole file on each import, so the imports into one keystore are sequential.
    const first = request.legacy ?? request.modern;
    const firstProtection = request.legacy === undefined ? modernProtection : legacyProtection;
    for (const single of singles) await importKeystore(single, first, request.passwordFile, firstProtection);
    // One more run copies both entries at once, re-encrypting the keys with the modern algorithms.
    if (request.legacy !== undefined) await importKeystore(request.legacy, request.modern, request.passwordFile, modernProtection);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What `openssl pkcs12 -info` says about a keystore's protection (no secret is printed). */
export interface KeystoreReport {
  mac: string;
  keyBags: string[];
  certBags: string[];
}

export async function describeKeystore(keystore: string, passwordFile: string): Promise<KeystoreReport> {
  const { stdout, stderr } = await openssl(['pkcs12', '-info', '-noout', '-legacy', '-in', keystore, '-passin', `file:${passwordFile}`]);
  const lines = `${stdout}\n${stderr}`.split('\n');
  const after = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length).trim());
  return {
    mac: after('MAC:').join('; '),
    keyBags: after('Shrouded Keybag:'),
    certBags: after('PKCS7 Encrypted data:'),
  };
}
