import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import type { SigningCredential } from './credential.js';
import { supportedCurve } from './key-agreement.js';

/** Checks made before sealing: who may sign, who we can encrypt for. */

const MIN_RSA_BITS = 2048;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function checkSender(sender: SigningCredential): void {
  const keyType = sender.privateKey.asymmetricKeyType;
  if (sender.privateKey.type !== 'private') throw new AppError('SEAL_FAILED', 'The signing key is not a private key.');
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new AppError('KEY_TYPE_UNSUPPORTED', 'The signing key must be an RSA or EC key.', { keyType: keyType ?? 'unknown' });
  }
  if (!sender.certificate.checkPrivateKey(sender.privateKey)) {
    throw new AppError('SEAL_FAILED', 'The signing key does not belong to the signing certificate.');
  }
}

export function checkRecipients(recipients: readonly X509Certificate[], now: Date): void {
  if (recipients.length === 0) throw new AppError('SEAL_FAILED', 'There is no recipient to seal for.');
  recipients.forEach((recipient, index) => {
    const key = recipient.publicKey;
    const keyType = key.asymmetricKeyType ?? 'unknown';
    if (keyType === 'ec') {
      // Sealed by ECDH key agreement (key-agreement.ts) on the NIST curves.
      if (supportedCurve(key) === undefined) {
        throw new AppError('KEY_TYPE_UNSUPPORTED', 'The recipient certificate (ETK) has an EC key on a curve other than P-256, P-384 or P-521.', {
          recipientIndex: index,
          keyType,
          curve: key.asymmetricKeyDetails?.namedCurve ?? 'unknown',
        });
      }
    } else if (keyType !== 'rsa') {
      throw new AppError('KEY_TYPE_UNSUPPORTED', 'Only RSA and EC recipient certificates (ETK) are supported.', { recipientIndex: index, keyType });
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (keyType === 'rsa' && bits < MIN_RSA_BITS) {
      throw new AppError('SEAL_FAILED', `The recipient certificate (ETK) has an RSA key shorter than ${MIN_RSA_BITS} bits.`, {
        recipientIndex: index,
        keyBits: bits,
      });
    }
    const notBefore = Date.parse(recipient.validFrom);
    const notAfter = Date.parse(recipient.validTo);
    if (!(now.getTime() >= notBefore - CLOCK_SKEW_MS && now.getTime() <= notAfter + CLOCK_SKEW_MS)) {
      throw new AppError('SEAL_FAILED', 'The recipient certificate (ETK) is expired or not yet valid.', {
        recipientIndex: index,
        validTo: recipient.validTo,
      });
    }
  });
}
