import type { AppError } from '../../../../src/shared/errors.js';
import { parseXml, XmlRejected } from '../../ehealth/xml/parse.js';

/** A decrypted business answer is at most this large; anything bigger is refused unread. */
export const MAX_BUSINESS_CONTENT_BYTES = 2 * 1024 * 1024;

/**
 * The root element of a decrypted business answer (a kmehr response, a SAML response), parsed with
 * DTDs refused and a size cap, and checked to be the element expected. Anything else is the
 * service's error `bad` makes (MYCARENET_BAD_ANSWER with the service named).
 */
export function businessContentRoot(businessContent: Uint8Array, expected: { namespace: string; localName: string; name?: string }, bad: (message: string) => AppError): Element {
  let document: Document;
  try {
    document = parseXml(Buffer.from(businessContent).toString('utf8'), MAX_BUSINESS_CONTENT_BYTES);
  } catch (error) {
    throw bad(error instanceof XmlRejected ? error.message : 'unreadable XML');
  }
  const root = document.documentElement;
  if (root.namespaceURI !== expected.namespace || root.localName !== expected.localName) throw bad(`not a ${expected.name ?? expected.localName}`);
  return root;
}
