import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { AppError } from '../../../src/shared/errors.js';
import { AUTHENTICATION_ALIAS, type Keystore, type KeystoreEntry } from './keys.js';
import { useNativePbkdf2 } from './native-pbkdf2.js';

useNativePbkdf2();

/**
 * The clinician's eHealth keystore (PKCS#12). Read with node-forge because real eHealth keystores
 * are often made with legacy algorithms (3DES-encrypted keys, RC2-40-encrypted certificates) that
 * OpenSSL 3 (and so Node's crypto) only reads with its legacy provider; forge reads those as well
 * as PBES2/AES. Keys leave forge at once as Node KeyObjects (forge parses RSA only; other keys are
 * handed over as PKCS#8), so that every signature is made by Node's crypto. Only the import and
 * state folders from before the custody file (custody-file.ts) need it: it loads on demand.
 */

const MAX_KEYSTORE_BYTES = 1024 * 1024;

interface Bag {
  attributes: Record<string, unknown>;
  key?: forge.pki.PrivateKey | null;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
}

function unreadable(reason: string): AppError {
  return new AppError('CERTIFICATE_UNREADABLE', `the keystore cannot be opened: ${reason}`, { reason });
}

function toDer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function keyOf(bag: Bag): KeyObject {
  if (bag.key) return createPrivateKey(forge.pki.privateKeyToPem(bag.key));
  if (bag.asn1 !== undefined) return createPrivateKey({ key: toDer(bag.asn1), format: 'der', type: 'pkcs8' });
  throw unreadable('a key entry holds no key');
}

function certificateOf(bag: Bag): X509Certificate {
  if (bag.cert) return new X509Certificate(forge.pki.certificateToPem(bag.cert));
  if (bag.asn1 !== undefined) return new X509Certificate(toDer(bag.asn1));
  throw unreadable('a certificate entry holds no certificate');
}

function aliasOf(bag: Bag): string | undefined {
  const names = bag.attributes['friendlyName'];
  return Array.isArray(names) && typeof names[0] === 'string' ? names[0] : undefined;
}

function localKeyIdOf(bag: Bag): string | undefined {
  const ids = bag.attributes['localKeyId'];
  return Array.isArray(ids) && typeof ids[0] === 'string' ? Buffer.from(ids[0], 'binary').toString('hex') : undefined;
}

export function openKeystore(bytes: Uint8Array, password: string): Keystore {
  if (bytes.length > MAX_KEYSTORE_BYTES) throw unreadable('the file is too large for a keystore');
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // forge reports a wrong password as a MAC failure; never echo anything else it says.
    throw unreadable(/mac|password|invalid/i.test(message) ? 'wrong password' : 'not a readable PKCS#12 file');
  }
  const keyBags: Bag[] = [];
  const certBags: Bag[] = [];
  for (const contents of p12.safeContents) {
    for (const bag of contents.safeBags as Bag[] & forge.pkcs12.Bag[]) {
      const type = (bag as forge.pkcs12.Bag).type;
      if (type === forge.pki.oids['pkcs8ShroudedKeyBag'] || type === forge.pki.oids['keyBag']) keyBags.push(bag);
      else if (type === forge.pki.oids['certBag']) certBags.push(bag);
    }
  }
  const certificates = certBags.map((bag) => ({ bag, certificate: certificateOf(bag) }));
  const entries = keyBags.map((bag): KeystoreEntry => {
    const alias = aliasOf(bag) ?? '';
    const privateKey = keyOf(bag);
    const localKeyId = localKeyIdOf(bag);
    // The certificate of a key: same localKeyId, else same alias, else the one whose public key matches.
    const match =
      certificates.find((c) => localKeyId !== undefined && localKeyIdOf(c.bag) === localKeyId) ??
      certificates.find((c) => aliasOf(c.bag) === alias && alias !== '') ??
      certificates.find((c) => c.certificate.checkPrivateKey(privateKey));
    if (match === undefined || !match.certificate.checkPrivateKey(privateKey)) throw unreadable(`the key "${alias}" has no matching certificate`);
    const chain = uniqueCertificates(certificates.map((c) => c.certificate)).filter((c) => c.fingerprint256 !== match.certificate.fingerprint256 && match.certificate.checkIssued(c));
    return { alias, privateKey, certificate: match.certificate, chain };
  });
  const authentication = entries.find((entry) => entry.alias === AUTHENTICATION_ALIAS);
  if (authentication === undefined) throw unreadable('no "authentication" key: this is not an eHealth keystore');
  const encryption = new Map(entries.filter((entry) => entry.alias !== AUTHENTICATION_ALIAS).map((entry) => [entry.alias, entry]));
  return { authentication, encryption };
}

function uniqueCertificates(certificates: readonly X509Certificate[]): X509Certificate[] {
  const seen = new Map<string, X509Certificate>();
  for (const certificate of certificates) seen.set(certificate.fingerprint256, certificate);
  return [...seen.values()];
}
