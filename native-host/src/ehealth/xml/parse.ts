import { DOMParser } from '@xmldom/xmldom';

export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
}

/** Every XML text the host reads comes from the network or a file: it is capped and may carry no DTD. */
export const DEFAULT_MAX_XML_BYTES = 4 * 1024 * 1024;

/**
 * Parses untrusted XML. Documents with a DOCTYPE (and so any entity declaration, internal or
 * external) are refused before parsing; xmldom never fetches anything, and this keeps entity
 * expansion out entirely. Any parser warning or error is fatal: a half-read message is not read.
 */
export function parseXml(text: string, maxBytes = DEFAULT_MAX_XML_BYTES): Document {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new XmlRejected(`XML larger than ${maxBytes} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRejected('XML with a document type declaration is refused');
  const parser = new DOMParser({
    onError: (level, message) => {
      throw new XmlRejected(`malformed XML (${level}): ${message.split('\n')[0] ?? ''}`.slice(0, 200));
    },
  });
  let document: Document;
  try {
    document = parser.parseFromString(text, 'text/xml') as unknown as Document;
  } catch (error) {
    // xmldom wraps what onError throws in its own ParseError.
    if (error instanceof XmlRejected) throw error;
    const cause = error instanceof Error ? error.cause : undefined;
    throw cause instanceof XmlRejected ? cause : new XmlRejected('malformed XML');
  }
  // The DOM types promise a root element; a parser given an empty document may still return none.
  if ((document.documentElement as Element | null) === null) throw new XmlRejected('XML without a root element');
  return document;
}
