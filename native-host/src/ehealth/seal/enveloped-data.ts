import * as crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../../../src/shared/errors.js';
import type { DecryptionKey } from './credential.js';
import { octetStringValue, parseAsn1 } from './der.js';
import { algorithmIdentifier, objectIdentifier, octetString, sequence, setOf, smallInteger, tlv, TAG } from './der-writer.js';
import { issuerAndSerialNumberDer } from './certificate-der.js';
import { decimalSerial, matchesIssuerAndSerial, pkiCertificate } from './cert-id.js';
import { decryptKey, encryptKey, KEY_TRANSPORT_ALGORITHM } from './key-transport.js';
import { OID } from './oids.js';

/**
 * CMS EnvelopedData (RFC 5652 §6): AES-CBC content encryption, one KeyTransRecipientInfo
 * (issuerAndSerialNumber) per recipient. Recipients are checked by the caller (recipients.ts).
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

  // KeyTransRecipientInfo ::= SEQUENCE { version 0, rid IssuerAndSerialNumber, keyEncryptionAlgorithm, encryptedKey }
  const recipientInfos = recipients.map((recipient) =>
    sequence(smallInteger(0), issuerAndSerialNumberDer(recipient), KEY_TRANSPORT_ALGORITHM, octetString(encryptKey(recipient.publicKey, contentKey))),
  );
  contentKey.fill(0);

  const envelopedData = sequence(
    smallInteger(0),
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
  recipient: pkijs.KeyTransRecipientInfo;
  key: DecryptionKey;
}

/** The first KeyTransRecipientInfo addressed to one of `keys` (decimal serial, then issuer). */
function findRecipient(envelopedData: pkijs.EnvelopedData, keys: ReadonlyMap<string, DecryptionKey>): Match {
  const serials: string[] = [];
  for (const info of envelopedData.recipientInfos) {
    const recipient = info.value;
    if (!(recipient instanceof pkijs.KeyTransRecipientInfo) || !(recipient.rid instanceof pkijs.IssuerAndSerialNumber)) continue;
    const serial = decimalSerial(recipient.rid.serialNumber);
    serials.push(serial);
    const key = keys.get(serial);
    if (key !== undefined && matchesIssuerAndSerial(pkiCertificate(key.certificate), recipient.rid)) return { recipient, key };
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
  const { recipient, key } = findRecipient(envelopedData, keys);
  const encryptedContentInfo = envelopedData.encryptedContentInfo;
  const algorithm = AES_CBC[encryptedContentInfo.contentEncryptionAlgorithm.algorithmId];
  if (algorithm === undefined) throw refuse('unsupported content encryption', { algorithm: encryptedContentInfo.contentEncryptionAlgorithm.algorithmId });
  try {
    const iv = octetStringValue(encryptedContentInfo.contentEncryptionAlgorithm.algorithmParams);
    if (iv.byteLength !== 16) throw new Error('bad IV');
    const encrypted = new Uint8Array(encryptedContentInfo.getEncryptedContent());
    const contentKey = decryptKey(recipient.keyEncryptionAlgorithm, octetStringValue(recipient.encryptedKey), key.privateKey, algorithm.keyLength);
    const decipher = crypto.createDecipheriv(algorithm.cipher, contentKey, iv);
    const content = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    contentKey.fill(0);
    return content;
  } catch {
    throw refuse('cannot be decrypted');
  }
}
