import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { childElements, pathFrom, textOf } from './dom.js';
import { EXC_C14N, NS, RSA_SHA256, SHA256_DIGEST } from './namespaces.js';

export class SignatureRejected extends Error {
  override readonly name = 'SignatureRejected';
}

const ACCEPTED_SIGNATURE_METHODS = new Set([RSA_SHA256, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512']);
const ACCEPTED_DIGESTS = new Set([SHA256_DIGEST, 'http://www.w3.org/2001/04/xmlenc#sha512']);

/**
 * Verifies the enveloped signature of a standalone element (an STS assertion, an ETK depot
 * answer): exactly one ds:Signature, a direct child, with one reference to the element itself, so
 * that what was verified is exactly what is used afterwards (no signature wrapping). Returns the
 * signer's certificate from KeyInfo; the caller decides whether to trust it.
 */
export function verifyEnvelopedSignature(xml: string, root: Element, idAttribute: string): X509Certificate {
  const signatures = childElements(root, NS.ds, 'Signature');
  const signature = signatures[0];
  if (signatures.length !== 1 || signature === undefined) throw new SignatureRejected('expected exactly one enveloped signature');
  const method = pathFrom(signature, [[NS.ds, 'SignedInfo'], [NS.ds, 'SignatureMethod']])?.getAttribute('Algorithm') ?? '';
  if (!ACCEPTED_SIGNATURE_METHODS.has(method)) throw new SignatureRejected(`signature method not accepted: ${method.slice(0, 100)}`);
  const certificateText = textOf(pathFrom(signature, [[NS.ds, 'KeyInfo'], [NS.ds, 'X509Data'], [NS.ds, 'X509Certificate']]));
  if (certificateText === undefined) throw new SignatureRejected('the signature carries no certificate');
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(Buffer.from(certificateText.replace(/\s+/g, ''), 'base64'));
  } catch {
    throw new SignatureRejected('the signature certificate cannot be read');
  }
  const verifier = new SignedXml({ publicCert: signer.toString(), idAttribute });
  verifier.loadSignature(signature);
  let valid = false;
  try {
    valid = verifier.checkSignature(xml);
  } catch (error) {
    throw new SignatureRejected(`signature check failed: ${error instanceof Error ? error.message.slice(0, 120) : 'unknown'}`);
  }
  if (!valid) throw new SignatureRejected('the signature does not verify');
  const references = verifier.getReferences();
  const id = root.getAttribute(idAttribute);
  if (references.length !== 1 || id === null || id === '' || references[0]?.uri !== `#${id}`) {
    throw new SignatureRejected('the signature does not cover exactly the signed element');
  }
  const reference = references[0];
  if (!ACCEPTED_DIGESTS.has(reference.digestAlgorithm) || !reference.transforms.every((t) => t === EXC_C14N || t === 'http://www.w3.org/2000/09/xmldsig#enveloped-signature')) {
    throw new SignatureRejected('the signature uses a transform or digest that is not accepted');
  }
  return signer;
}

/** True when `certificate` was issued by one of `anchors` (directly) and is valid at `now`. */
export function issuedByAnchor(certificate: X509Certificate, anchors: readonly X509Certificate[], now: Date): boolean {
  const time = now.getTime();
  if (time < Date.parse(certificate.validFrom) || time > Date.parse(certificate.validTo)) return false;
  return anchors.some((anchor) => certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey));
}

