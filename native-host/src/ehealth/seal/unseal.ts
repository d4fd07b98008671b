import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../../../src/shared/errors.js';
import type { DecryptionKey } from './credential.js';
import { openEnvelopedData } from './enveloped-data.js';
import { OID } from './oids.js';
import { verifySignedData } from './signed-data-verifier.js';

export interface UnsealedContent {
  content: Uint8Array;
  signer: X509Certificate;
  signingTime?: Date;
}

export const DEFAULT_MAX_SEALED_BYTES = 10 * 1024 * 1024;

/**
 * Opens a sealed answer (PROTOCOL §5.2): checks the size, verifies the outer signature, decrypts
 * with the key whose decimal certificate serial the EnvelopedData names (`keys` is indexed by it),
 * verifies the inner signature and requires the same signer certificate on both layers.
 *
 * Every failure is MYCARENET_BAD_ANSWER with a data-free message. The signer's certificate is
 * returned unjudged: whether it is trusted (chain, validity, revocation) is for the caller.
 */
export function unseal(
  sealed: Uint8Array,
  keys: ReadonlyMap<string, DecryptionKey>,
  options: { maxBytes?: number } = {},
): Promise<UnsealedContent> {
  return new Promise((resolve) => {
    resolve(unsealNow(sealed, keys, options.maxBytes ?? DEFAULT_MAX_SEALED_BYTES));
  });
}

function unsealNow(sealed: Uint8Array, keys: ReadonlyMap<string, DecryptionKey>, maxBytes: number): UnsealedContent {
  if (sealed.byteLength > maxBytes) {
    throw new AppError('MYCARENET_BAD_ANSWER', 'The sealed answer is larger than allowed.', { size: sealed.byteLength, maxBytes });
  }
  try {
    const outer = verifySignedData('Sealed answer, outer signature', sealed, maxBytes);
    if (outer.contentType !== OID.data && outer.contentType !== OID.envelopedData) {
      throw new AppError('MYCARENET_BAD_ANSWER', 'Sealed answer, outer signature: unexpected content type.');
    }
    const innerDer = openEnvelopedData(outer.content, keys, maxBytes);
    const inner = verifySignedData('Sealed answer, inner signature', innerDer, maxBytes);
    if (!inner.signer.raw.equals(outer.signer.raw)) {
      throw new AppError('MYCARENET_BAD_ANSWER', 'Sealed answer: the inner and outer signers differ.');
    }
    const unsealed: UnsealedContent = { content: inner.content.slice(), signer: inner.signer };
    if (inner.signingTime !== undefined) unsealed.signingTime = inner.signingTime;
    return unsealed;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('MYCARENET_BAD_ANSWER', 'The sealed answer is malformed.');
  }
}
