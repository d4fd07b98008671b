import { createHash } from 'node:crypto';
import { MAX_EVIDENCE_BYTES, type InsurerSignatureEvidence } from '../../journal/entry.js';
import type { XadesContent } from '../../ehealth/xades/xades-verify.js';
import type { InsurerSignature } from './insurer-signature.js';

/**
 * The journal's evidence of a signed answer (journal/entry.ts): the signature and the content it
 * names, each kept whole up to MAX_EVIDENCE_BYTES (real answers hold a few kilobytes) and by its
 * SHA-256 always, with what the verification found and who signed.
 */

export interface SignedAnswer {
  signature: InsurerSignature;
  signatureXml: string;
  content: XadesContent;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function bounded(bytes: Uint8Array): string | undefined {
  return bytes.byteLength <= MAX_EVIDENCE_BYTES ? Buffer.from(bytes).toString('base64') : undefined;
}

/** One line per attribute in Node's form; the journal keeps it on one line, bounded. */
function oneLine(name: string): string {
  return name.split('\n').join(', ').slice(0, 500);
}

export function signatureEvidence(answer: SignedAnswer): InsurerSignatureEvidence {
  const { signature, content } = answer;
  const signatureBytes = Buffer.from(answer.signatureXml, 'utf8');
  const signatureText = bounded(signatureBytes);
  const contentText = bounded(content.content);
  return {
    check: signature.check,
    signer: { subject: oneLine(signature.signer.subject), issuer: oneLine(signature.signer.issuer), sha256: signature.signer.fingerprint256.replace(/:/g, '').toLowerCase() },
    ...(signature.timeStampedAt !== undefined ? { timeStampedAt: signature.timeStampedAt.toISOString() } : {}),
    ...(signatureText !== undefined ? { signature: signatureText } : {}),
    signatureSha256: sha256Hex(signatureBytes),
    contentId: content.id.slice(0, 128),
    ...(contentText !== undefined ? { content: contentText } : {}),
    contentSha256: sha256Hex(content.content),
  };
}
