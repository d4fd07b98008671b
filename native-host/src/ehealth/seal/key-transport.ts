import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { algorithmIdentifier, NULL } from './der-writer.js';
import { OID } from './oids.js';

/**
 * RSA key transport of the content-encryption key (CEK), RFC 5652 §6.2.1.
 *
 * We encrypt with rsaEncryption (RSAES-PKCS1-v1_5), what the Java/BouncyCastle eHealth stack uses
 * by default. We decrypt rsaEncryption and id-RSAES-OAEP (SHA-1/256/384/512, MGF1 with the same
 * hash, any label).
 */

/** DER of the AlgorithmIdentifier we encrypt the CEK with: rsaEncryption, NULL parameters. */
export const KEY_TRANSPORT_ALGORITHM: Uint8Array = algorithmIdentifier(OID.rsaEncryption, NULL);

export function encryptKey(recipientKey: crypto.KeyObject, contentKey: Uint8Array): Uint8Array {
  return crypto.publicEncrypt({ key: recipientKey, padding: crypto.constants.RSA_PKCS1_PADDING }, contentKey);
}

type OaepHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
const OAEP_HASHES: Readonly<Record<string, OaepHash>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

interface OaepParameters {
  hash: OaepHash;
  label: Uint8Array;
}

/**
 * RSAES-OAEP-params (RFC 4055 §4.1), read by hand: every field is an EXPLICIT-tagged default
 * (SHA-1, MGF1-SHA-1, empty label) and absence must mean the RFC default.
 */
function oaepParameters(algorithm: pkijs.AlgorithmIdentifier): OaepParameters {
  let hash: OaepHash = 'sha1';
  let mgfHash: OaepHash = 'sha1';
  let label: Uint8Array = new Uint8Array(0);
  const params: unknown = algorithm.algorithmParams;
  const fields = params instanceof asn1js.Sequence ? params.valueBlock.value : [];
  for (const field of fields) {
    const inner: unknown = field instanceof asn1js.Constructed ? field.valueBlock.value[0] : undefined;
    if (field.idBlock.tagClass !== 3 || !(inner instanceof asn1js.Sequence)) throw new Error('malformed OAEP parameters');
    const value = new pkijs.AlgorithmIdentifier({ schema: inner });
    if (field.idBlock.tagNumber === 0) {
      hash = OAEP_HASHES[value.algorithmId] ?? fail();
    } else if (field.idBlock.tagNumber === 1) {
      const mgfParams: unknown = value.algorithmParams;
      if (value.algorithmId !== OID.mgf1 || !(mgfParams instanceof asn1js.Sequence)) fail();
      mgfHash = OAEP_HASHES[new pkijs.AlgorithmIdentifier({ schema: mgfParams }).algorithmId] ?? fail();
    } else if (field.idBlock.tagNumber === 2) {
      const labelValue: unknown = value.algorithmParams;
      if (value.algorithmId !== OID.pSpecified || !(labelValue instanceof asn1js.OctetString)) fail();
      label = labelValue.valueBlock.valueHexView;
    } else {
      fail();
    }
  }
  // Node's OAEP uses the OAEP hash for MGF1 too.
  if (mgfHash !== hash) fail();
  return { hash, label };
}

function fail(): never {
  throw new Error('unsupported key transport parameters');
}

/**
 * RSAES-PKCS1-v1_5 decryption as a raw RSA operation (RSA_NO_PADDING) and our own unpadding,
 * because Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt since the CVE-2023-46809 fix. (It
 * used node-forge before: about four times slower, and the heavy library in the send path.)
 *
 * Why this is acceptable here: the Bleichenbacher attack behind that CVE needs an oracle that
 * tells an attacker, for ciphertexts of its choosing, whether the padding was valid. The host only
 * decrypts answers to its own requests, addressed to its own key, and reveals nothing about padding
 * failures: a bad padding or a wrong key length silently yields a random key (implicit rejection,
 * RFC 3218 §2.3.2), so the failure surfaces later as the very same MYCARENET_BAD_ANSWER as any other
 * malformed answer. The unpadding below has no early exit either, and OpenSSL blinds the RSA operation.
 */
function decryptPkcs1v15(privateKey: crypto.KeyObject, encryptedKey: Uint8Array, keyLength: number): Uint8Array {
  const fallback = crypto.randomBytes(keyLength);
  let encoded: Buffer;
  try {
    encoded = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    return fallback;
  }
  try {
    return pkcs1v15Message(encoded, keyLength, fallback);
  } finally {
    encoded.fill(0);
  }
}

/**
 * EM = 0x00 ‖ 0x02 ‖ PS (at least 8 non-zero bytes) ‖ 0x00 ‖ M, with M of exactly `keyLength`
 * bytes: returns M when EM has that shape, else `fallback`. Every byte is looked at whatever the
 * outcome, and the choice between M and the fallback is made with a mask, byte by byte.
 */
export function pkcs1v15Message(encoded: Uint8Array, keyLength: number, fallback: Uint8Array): Uint8Array {
  const separator = encoded.length - keyLength - 1;
  // 0 when all is well, anything else when not.
  let bad = separator < 10 || fallback.length !== keyLength ? 1 : 0;
  bad |= encoded[0] ?? 1;
  bad |= (encoded[1] ?? 0) ^ 0x02;
  for (let index = 2; index < encoded.length; index += 1) {
    const byte = encoded[index] ?? 0;
    // isZero is 1 for a zero byte, 0 otherwise.
    const isZero = ((byte - 1) >>> 8) & 1;
    const atSeparator = index === separator ? 1 : 0;
    const inPadding = index < separator ? 1 : 0;
    bad |= (atSeparator & (isZero ^ 1)) | (inPadding & isZero);
  }
  const keep = ((bad | -bad) >> 31) ^ -1; // all ones when good, 0 when bad
  const message = new Uint8Array(keyLength);
  const offset = Math.max(0, encoded.length - keyLength);
  for (let index = 0; index < keyLength; index += 1) {
    message[index] = ((encoded[offset + index] ?? 0) & keep) | ((fallback[index] ?? 0) & ~keep);
  }
  return message;
}

/**
 * The CEK from a KeyTransRecipientInfo. For PKCS#1 v1.5 a failure gives a random key of
 * `keyLength` bytes (see above); for OAEP it throws (OAEP decoding is not an oracle in OpenSSL).
 */
export function decryptKey(
  algorithm: pkijs.AlgorithmIdentifier,
  encryptedKey: Uint8Array,
  privateKey: crypto.KeyObject,
  keyLength: number,
): Uint8Array {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA decryption key');
  if (algorithm.algorithmId === OID.rsaEncryption) return decryptPkcs1v15(privateKey, encryptedKey, keyLength);
  if (algorithm.algorithmId !== OID.rsaesOaep) fail();
  const { hash, label } = oaepParameters(algorithm);
  const key = crypto.privateDecrypt(
    { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, ...(label.byteLength > 0 ? { oaepLabel: label } : {}) },
    encryptedKey,
  );
  if (key.byteLength !== keyLength) fail();
  return key;
}
