import type { KeyObject, X509Certificate } from 'node:crypto';

/** The clinician's keys as the host holds them once opened, whatever file they came from. */

/** The alias eHealth gives the authentication key; the encryption keys carry their certificate's decimal serial. */
export const AUTHENTICATION_ALIAS = 'authentication';

export interface KeystoreEntry {
  alias: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
}

export interface Keystore {
  authentication: KeystoreEntry;
  /** Encryption keys by alias, which eHealth sets to the decimal serial number of their certificate. */
  encryption: ReadonlyMap<string, KeystoreEntry>;
}
