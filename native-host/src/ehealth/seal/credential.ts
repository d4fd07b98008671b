import type * as crypto from 'node:crypto';

/**
 * The sender's signing credential: the eHealth `authentication` key with its certificate and the
 * chain above it (intermediates; the root may be included, it is only carried along).
 */
export interface SigningCredential {
  privateKey: crypto.KeyObject;
  certificate: crypto.X509Certificate;
  chain: crypto.X509Certificate[];
}

/**
 * One decryption key of the holder's ETK(s). Keys are looked up by the decimal serial number of
 * `certificate` (the eHealth keystore alias rule, PROTOCOL §3).
 */
export interface DecryptionKey {
  privateKey: crypto.KeyObject;
  certificate: crypto.X509Certificate;
}
