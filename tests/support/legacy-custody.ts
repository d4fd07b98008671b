import type { Keystore, KeystoreEntry } from '../../native-host/src/certificate/keys.js';

/**
 * A custody file as version 1 wrote it (before issue 13): each key an encrypted PKCS#8 PEM from
 * Node's defaults, i.e. OpenSSL's PBES2 with PBKDF2-SHA256 at 2,048 iterations. The host no longer
 * writes these; tests make them to prove they still open and are sealed again.
 */
export function legacyCustodyText(keystore: Keystore, password: string): string {
  const entry = (value: KeystoreEntry) => ({
    alias: value.alias,
    key: value.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: Buffer.from(password, 'utf8') }).toString(),
    certificate: value.certificate.toString(),
    chain: value.chain.map((certificate) => certificate.toString()),
  });
  const custody = { format: 'eattest-keystore', version: 1, authentication: entry(keystore.authentication), encryption: [...keystore.encryption.values()].map(entry) };
  return `${JSON.stringify(custody, null, 2)}\n`;
}
