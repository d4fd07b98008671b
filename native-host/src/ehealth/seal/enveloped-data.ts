import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../../../src/shared/errors.js';
import type { DecryptionKey } from './credential.js';
import { octetStringValue, parseAsn1 } from './der.js';
import { algorithmIdentifier, objectIdentifier, octetString, sequence, setOf, smallInteger, tlv, TAG } from './der-writer.js';
import { issuerAndSerialNumberDer } from './certificate-der.js';
import { decimalSerial, matchesIssuerAndSerial, pkiCertificate, subjectKeyIdentifier } from './cert-id.js';
import { agreedContentKey, keyAgreeRecipientInfo } from './key-agreement.js';
import { decryptKey, encryptKey, KEY_TRANSPORT_ALGORITHM } from './key-transport.js';
import { OID } from './oids.js';

/**
 * CMS EnvelopedData (RFC 5652 §6): AES-CBC content encryption, one RecipientInfo per recipient
 * (issuerAndSerialNumber): KeyTransRecipientInfo for RSA keys, KeyAgreeRecipientInfo (ECDH,
 * key-agreement.ts) for EC keys. Recipients are checked by the caller (recipients.ts).
 */

const AES_CBC: Readonly<Record<string, { cipher: string; keyLength: number }>> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32 },
};

const DATA_TYPE = objectIdentifier(OID.data);
const ENVELOPED_DATA_TYPE = objectIdentifier(OID.envelopedData);

/**
 * Encrypts `content` with a fresh AES-128 key for every recipient; DER of the ContentInfo, written
 * directly (der-writer.ts) since the shape is fixed; openssl cms opens it in the tests.
 */
export function buildEnvelopedData(content: Uint8Array, recipients: readonly crypto.X509Certificate[]): Uint8Array {
  const contentKey = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-128-cbc', contentKey, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);

  // RSA: KeyTransRecipientInfo ::= SEQUENCE { version 0, rid IssuerAndSerialNumber, keyEncryptionAlgorithm, encryptedKey };
  // EC: [1] KeyAgreeRecipientInfo, ephemeral-static ECDH (key-agreement.ts).
  const recipientInfos = recipients.map((recipient) =>
    recipient.publicKey.asymmetricKeyType === 'ec'
      ? keyAgreeRecipientInfo(recipient, contentKey)
      : sequence(smallInteger(0), issuerAndSerialNumberDer(recipient), KEY_TRANSPORT_ALGORITHM, octetString(encryptKey(recipient.publicKey, contentKey))),
  );
  contentKey.fill(0);
  // RFC 5652 §6.1: version 0 when every RecipientInfo is version 0 (key transport), else 2 (kari is version 3).
  const version = recipients.some((recipient) => recipient.publicKey.asymmetricKeyType === 'ec') ? 2 : 0;

  const envelopedData = sequence(
    smallInteger(version),
    setOf(recipientInfos),
    // EncryptedContentInfo, the ciphertext as [0] IMPLICIT OCTET STRING, primitive.
    sequence(DATA_TYPE, algorithmIdentifier(OID.aes128Cbc, octetString(iv)), tlv(TAG.context0Primitive, encrypted)),
  );
  return sequence(ENVELOPED_DATA_TYPE, tlv(TAG.context0Constructed, envelopedData));
}

function refuse(reason: string, details?: Record<string, string | number>): AppError {
  return new AppError('MYCARENET_BAD_ANSWER', `Sealed answer, encrypted layer: ${reason}.`, details);
}

function parseEnvelopedData(der: Uint8Array, maxBytes: number): pkijs.EnvelopedData {
  try {
    const contentInfo = new pkijs.ContentInfo({ schema: parseAsn1(der, maxBytes) });
    const schema: unknown = contentInfo.content;
    if (contentInfo.contentType !== OID.envelopedData || !(schema instanceof asn1js.Sequence)) throw new Error('not enveloped');
    return new pkijs.EnvelopedData({ schema });
  } catch {
    throw refuse('not a CMS EnvelopedData');
  }
}

interface Match {
  /** Unwraps the CEK for `key`; throws when it cannot. */
  contentKey(keyLength: number): Uint8Array;
}

/** Which of `keys` an IssuerAndSerialNumber names (decimal serial, then issuer); the serial is noted for support. */
function keyForIssuerAndSerial(rid: pkijs.IssuerAndSerialNumber, keys: ReadonlyMap<string, DecryptionKey>, serials: string[]): DecryptionKey | undefined {
  const serial = decimalSerial(rid.serialNumber);
  serials.push(serial);
  const key = keys.get(serial);
  return key !== undefined && matchesIssuerAndSerial(pkiCertificate(key.certificate), rid) ? key : undefined;
}

/** Which of `keys` a KeyAgreeRecipientIdentifier names: issuerAndSerialNumber, or rKeyId (subject key identifier). */
function keyForAgreeRecipient(rid: pkijs.KeyAgreeRecipientIdentifier, keys: ReadonlyMap<string, DecryptionKey>, serials: string[]): DecryptionKey | undefined {
  if (rid.value instanceof pkijs.IssuerAndSerialNumber) return keyForIssuerAndSerial(rid.value, keys, serials);
  if (!(rid.value instanceof pkijs.RecipientKeyIdentifier)) return undefined;
  const keyId = rid.value.subjectKeyIdentifier.valueBlock.valueHexView;
  for (const key of keys.values()) {
    const own = subjectKeyIdentifier(pkiCertificate(key.certificate));
    if (keyId.byteLength > 0 && Buffer.compare(own, keyId) === 0) return key;
  }
  return undefined;
}

/** The first RecipientInfo addressed to one of `keys`: key transport (RSA) or key agreement (EC). */
function findRecipient(envelopedData: pkijs.EnvelopedData, keys: ReadonlyMap<string, DecryptionKey>): Match {
  const serials: string[] = [];
  for (const info of envelopedData.recipientInfos) {
    const recipient = info.value;
    if (recipient instanceof pkijs.KeyTransRecipientInfo && recipient.rid instanceof pkijs.IssuerAndSerialNumber) {
      const key = keyForIssuerAndSerial(recipient.rid, keys, serials);
      if (key !== undefined) {
        return { contentKey: (keyLength) => decryptKey(recipient.keyEncryptionAlgorithm, octetStringValue(recipient.encryptedKey), key.privateKey, keyLength) };
      }
    } else if (recipient instanceof pkijs.KeyAgreeRecipientInfo) {
      for (const encrypted of recipient.recipientEncryptedKeys.encryptedKeys) {
        const key = keyForAgreeRecipient(encrypted.rid, keys, serials);
        if (key !== undefined) {
          return { contentKey: (keyLength) => agreedContentKey(recipient, octetStringValue(encrypted.encryptedKey), key, keyLength) };
        }
      }
    }
  }
  // Serial numbers of public certificates: not secret, and what support needs to find the missing key.
  throw refuse('not addressed to any of our encryption keys', {
    recipientCount: envelopedData.recipientInfos.length,
    recipientSerials: serials.slice(0, 10).join(',').slice(0, 1000),
  });
}

/** Decrypts the EnvelopedData in `der` with the matching key of `keys`; returns the content. */
export function openEnvelopedData(der: Uint8Array, keys: ReadonlyMap<string, DecryptionKey>, maxBytes: number): Uint8Array {
  const envelopedData = parseEnvelopedData(der, maxBytes);
  const recipient = findRecipient(envelopedData, keys);
  const encryptedContentInfo = envelopedData.encryptedContentInfo;
  const algorithm = AES_CBC[encryptedContentInfo.contentEncryptionAlgorithm.algorithmId];
  if (algorithm === undefined) throw refuse('unsupported content encryption', { algorithm: encryptedContentInfo.contentEncryptionAlgorithm.algorithmId });
  try {
    const iv = octetStringValue(encryptedContentInfo.contentEncryptionAlgorithm.algorithmParams);
    if (iv.byteLength !== 16) throw new Error('bad IV');
    const encrypted = new Uint8Array(encryptedContentInfo.getEncryptedContent());
    const contentKey = recipient.contentKey(algorithm.keyLength);
    const decipher = crypto.createDecipheriv(algorithm.cipher, contentKey, iv);
    const content = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    contentKey.fill(0);
    return content;
  } catch {
    throw refuse('cannot be decrypted');
  }
}
