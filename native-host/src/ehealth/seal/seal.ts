import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import type { SigningCredential } from './credential.js';
import { buildEnvelopedData } from './enveloped-data.js';
import { checkRecipients, checkSender } from './recipients.js';
import { buildSignedData } from './signed-data-builder.js';

/**
 * The eHealth ETEE "seal" (PROTOCOL §5.2): SignedData(sender) over EnvelopedData(recipients) over
 * SignedData(sender) over the content, all CMS, all content embedded. Returns the DER of the outer
 * ContentInfo. Throws SEAL_FAILED or KEY_TYPE_UNSUPPORTED; messages never carry content or keys.
 */
export function seal(content: Uint8Array, sender: SigningCredential, recipients: readonly X509Certificate[]): Promise<Uint8Array> {
  return new Promise((resolve) => {
    resolve(sealNow(content, sender, recipients));
  });
}

function sealNow(content: Uint8Array, sender: SigningCredential, recipients: readonly X509Certificate[]): Uint8Array {
  if (content.byteLength === 0) throw new AppError('SEAL_FAILED', 'There is nothing to seal: the content is empty.');
  const now = new Date();
  checkSender(sender);
  checkRecipients(recipients, now);
  try {
    const inner = buildSignedData(content, sender, now);
    const envelope = buildEnvelopedData(inner, recipients);
    return buildSignedData(envelope, sender, now);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('SEAL_FAILED', 'The message could not be sealed (a certificate or key could not be used).');
  }
}
