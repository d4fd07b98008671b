import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DecryptionKey } from './credential.js';
import { algorithmIdentifier, NULL, octetString, sequence, smallInteger, tlv, TAG } from './der-writer.js';
import { issuerAndSerialNumberDer } from './certificate-der.js';
import { OID } from './oids.js';

/**
 * ECDH key agreement of the content-encryption key (CEK) for EC recipients: CMS
 * KeyAgreeRecipientInfo, ephemeral-static ECDH, ANSI X9.63 KDF, AES key wrap (RFC 5753, RFC 3394).
 *
 * Why: the 2025 eHealth certificates are ECDSA P-384, and an answer sealed for a holder whose
 * encryption certificate (ETK) has an EC key cannot use RSA key transport. Whether and how the
 * platform seals for EC recipients is not established from public sources (README, "EC
 * certificates"); this is the standard CMS way, what OpenSSL and BouncyCastle both do.
 *
 * We write dhSinglePass-stdDH-sha256kdf-scheme with id-aes128-wrap (with AES-128-CBC content, the
 * combination RFC 5753's recommended algorithms ask every implementation to support; SHA-1, the
 * older default of OpenSSL and BouncyCastle, only may be). We read the standard and
 * cofactor schemes with SHA-1/224/256/384/512 KDFs and AES-128/192/256 wrap, on P-256/384/521.
 */

type KdfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** On the NIST prime curves the cofactor is 1, so cofactor ECDH is plain ECDH. */
const SCHEME_KDF_HASH: Readonly<Record<string, KdfHash>> = {
  [OID.dhSinglePassStdDhSha1Kdf]: 'sha1',
  [OID.dhSinglePassStdDhSha224Kdf]: 'sha224',
  [OID.dhSinglePassStdDhSha256Kdf]: 'sha256',
  [OID.dhSinglePassStdDhSha384Kdf]: 'sha384',
  [OID.dhSinglePassStdDhSha512Kdf]: 'sha512',
  [OID.dhSinglePassCofactorDhSha1Kdf]: 'sha1',
  [OID.dhSinglePassCofactorDhSha224Kdf]: 'sha224',
  [OID.dhSinglePassCofactorDhSha256Kdf]: 'sha256',
  [OID.dhSinglePassCofactorDhSha384Kdf]: 'sha384',
  [OID.dhSinglePassCofactorDhSha512Kdf]: 'sha512',
};

const KEY_WRAP: Readonly<Record<string, { cipher: string; kekLength: number }>> = {
  [OID.aes128Wrap]: { cipher: 'id-aes128-wrap', kekLength: 16 },
  [OID.aes192Wrap]: { cipher: 'id-aes192-wrap', kekLength: 24 },
  [OID.aes256Wrap]: { cipher: 'id-aes256-wrap', kekLength: 32 },
};

/** Node's curve names (asymmetricKeyDetails.namedCurve) → JWK name, curve OID and field size in bytes. */
const CURVES: Readonly<Record<string, { jwk: string; oid: string; fieldBytes: number }>> = {
  prime256v1: { jwk: 'P-256', oid: OID.secp256r1, fieldBytes: 32 },
  secp384r1: { jwk: 'P-384', oid: OID.secp384r1, fieldBytes: 48 },
  secp521r1: { jwk: 'P-521', oid: OID.secp521r1, fieldBytes: 66 },
};

/** RFC 3394 default initial value. */
const KEY_WRAP_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

function fail(): never {
  throw new Error('unsupported or malformed key agreement');
}

/** The curve of an EC key, if it is one we support. */
export function supportedCurve(key: crypto.KeyObject): string | undefined {
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  return curve !== undefined && curve in CURVES ? curve : undefined;
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z ‖ counter ‖ SharedInfo), counter from 1, big-endian 32 bits. */
export function x963Kdf(hash: KdfHash, sharedSecret: Uint8Array, sharedInfo: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  let produced = 0;
  for (let counter = 1; produced < length; counter += 1) {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const block = crypto.createHash(hash).update(sharedSecret).update(counterBytes).update(sharedInfo).digest();
    blocks.push(block);
    produced += block.byteLength;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/**
 * ECC-CMS-SharedInfo (RFC 5753 §7.2): the wrap algorithm, the optional user keying material and
 * the KEK length in bits. `wrapParameters` is how keyInfo's parameters are written: RFC 5753 says
 * absent for AES wrap; older BouncyCastle wrote NULL (it still retries so itself).
 */
function sharedInfo(wrapOid: string, kekLength: number, ukm: Uint8Array | undefined, wrapParameters: 'absent' | 'null'): Uint8Array {
  const bits = Buffer.alloc(4);
  bits.writeUInt32BE(kekLength * 8);
  return sequence(
    wrapParameters === 'absent' ? algorithmIdentifier(wrapOid) : algorithmIdentifier(wrapOid, NULL),
    ...(ukm === undefined ? [] : [tlv(TAG.context0Constructed, octetString(ukm))]),
    tlv(0xa2, octetString(bits)),
  );
}

/** An EC public key on `curve` from an X9.62 point (uncompressed or compressed); OpenSSL checks it lies on the curve. */
function publicKeyFromPoint(curve: string, point: Uint8Array): crypto.KeyObject {
  const details = CURVES[curve] ?? fail();
  const size = details.fieldBytes;
  if (point.byteLength !== 1 + 2 * size && point.byteLength !== 1 + size) fail();
  const uncompressed = point[0] === 0x04 ? Buffer.from(point) : (crypto.ECDH.convertKey(point, curve, undefined, undefined, 'uncompressed') as Buffer);
  if (uncompressed.byteLength !== 1 + 2 * size || uncompressed[0] !== 0x04) fail();
  const x = uncompressed.subarray(1, 1 + size).toString('base64url');
  const y = uncompressed.subarray(1 + size).toString('base64url');
  return crypto.createPublicKey({ key: { kty: 'EC', crv: details.jwk, x, y }, format: 'jwk' });
}

/** The uncompressed X9.62 point of an EC public key. */
function uncompressedPoint(publicKey: crypto.KeyObject, curve: string): Buffer {
  const size = CURVES[curve]?.fieldBytes ?? fail();
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.x === undefined || jwk.y === undefined) fail();
  const coordinate = (value: string) => {
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.byteLength > size) fail();
    return Buffer.concat([Buffer.alloc(size - bytes.byteLength), bytes]);
  };
  return Buffer.concat([Uint8Array.of(0x04), coordinate(jwk.x), coordinate(jwk.y)]);
}

function wrapKey(cipherName: string, kek: Uint8Array, contentKey: Uint8Array): Buffer {
  const cipher = crypto.createCipheriv(cipherName, kek, KEY_WRAP_IV);
  return Buffer.concat([cipher.update(contentKey), cipher.final()]);
}

function unwrapKey(cipherName: string, kek: Uint8Array, wrapped: Uint8Array): Buffer {
  const decipher = crypto.createDecipheriv(cipherName, kek, KEY_WRAP_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

const WRITTEN_SCHEME = OID.dhSinglePassStdDhSha256Kdf;
const WRITTEN_WRAP = OID.aes128Wrap;

/**
 * DER of a RecipientInfo `kari` ([1] IMPLICIT KeyAgreeRecipientInfo) that carries `contentKey`
 * (16 bytes) for the EC `recipient`, with a fresh ephemeral key of the recipient's curve.
 */
export function keyAgreeRecipientInfo(recipient: crypto.X509Certificate, contentKey: Uint8Array): Uint8Array {
  const curve = supportedCurve(recipient.publicKey) ?? fail();
  const wrap = KEY_WRAP[WRITTEN_WRAP] ?? fail();
  if (contentKey.byteLength !== 16) fail();
  const ephemeral = crypto.generateKeyPairSync('ec', { namedCurve: curve });
  const shared = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient.publicKey });
  const kek = x963Kdf('sha256', shared, sharedInfo(WRITTEN_WRAP, wrap.kekLength, undefined, 'absent'), wrap.kekLength);
  shared.fill(0);
  const encryptedKey = wrapKey(wrap.cipher, kek, contentKey);
  kek.fill(0);
  // OriginatorPublicKey: id-ecPublicKey with parameters absent (the curve is the recipient's, RFC 5753 §7.1.1).
  const originatorKey = tlv(0xa1, algorithmIdentifier(OID.ecPublicKey), tlv(0x03, Uint8Array.of(0), uncompressedPoint(ephemeral.publicKey, curve)));
  return tlv(
    0xa1,
    smallInteger(3),
    tlv(TAG.context0Constructed, originatorKey),
    algorithmIdentifier(WRITTEN_SCHEME, algorithmIdentifier(WRITTEN_WRAP)),
    sequence(sequence(issuerAndSerialNumberDer(recipient), octetString(encryptedKey))),
  );
}

/** The wrap algorithm named in the key agreement algorithm's parameters (a KeyWrapAlgorithm). */
function wrapAlgorithm(info: pkijs.KeyAgreeRecipientInfo): string {
  const parameters: unknown = info.keyEncryptionAlgorithm.algorithmParams;
  if (!(parameters instanceof asn1js.Sequence)) fail();
  return new pkijs.AlgorithmIdentifier({ schema: parameters }).algorithmId;
}

/** The originator's ephemeral public key (originatorKey); the static forms are not used by ECDH ephemeral-static. */
function originatorPoint(info: pkijs.KeyAgreeRecipientInfo, curve: string): Uint8Array {
  const originator = info.originator;
  if (originator.variant !== 3 || !(originator.value instanceof pkijs.OriginatorPublicKey)) fail();
  const algorithm = originator.value.algorithm;
  if (algorithm.algorithmId !== OID.ecPublicKey) fail();
  // Parameters absent or NULL, or the recipient's own curve.
  const parameters: unknown = algorithm.algorithmParams;
  if (parameters instanceof asn1js.ObjectIdentifier && parameters.valueBlock.toString() !== CURVES[curve]?.oid) fail();
  return originator.value.publicKey.valueBlock.valueHexView;
}

/**
 * The CEK from a KeyAgreeRecipientInfo's RecipientEncryptedKey addressed to `key`. Throws when the
 * scheme is not one we read or the unwrap fails (AES key wrap checks its own integrity).
 */
export function agreedContentKey(info: pkijs.KeyAgreeRecipientInfo, encryptedKey: Uint8Array, key: DecryptionKey, keyLength: number): Uint8Array {
  const hash = SCHEME_KDF_HASH[info.keyEncryptionAlgorithm.algorithmId] ?? fail();
  const wrapOid = wrapAlgorithm(info);
  const wrap = KEY_WRAP[wrapOid] ?? fail();
  const curve = supportedCurve(key.privateKey) ?? fail();
  const originator = publicKeyFromPoint(curve, originatorPoint(info, curve));
  const shared = crypto.diffieHellman({ privateKey: key.privateKey, publicKey: originator });
  const ukm = info.ukm === undefined ? undefined : info.ukm.valueBlock.valueHexView;
  try {
    for (const wrapParameters of ['absent', 'null'] as const) {
      const kek = x963Kdf(hash, shared, sharedInfo(wrapOid, wrap.kekLength, ukm, wrapParameters), wrap.kekLength);
      try {
        const contentKey = unwrapKey(wrap.cipher, kek, encryptedKey);
        if (contentKey.byteLength !== keyLength) fail();
        return contentKey;
      } catch {
        // The other spelling of keyInfo, then give up.
      } finally {
        kek.fill(0);
      }
    }
    return fail();
  } finally {
    shared.fill(0);
  }
}
