import { DOMParser } from '@xmldom/xmldom';

export class XmlRejected extends Error {
  override readonly name = 'XmlRejected';
}

/** Every XML text the host reads comes from the network or a file: it is capped and may carry no DTD. */
export const DEFAULT_MAX_XML_BYTES = 4 * 1024 * 1024;

/**
 * Deepest element nesting accepted. eHealth answers nest about 15 deep (SOAP, SAML, kmehr); a
 * deeper one is refused before any DOM is built: a few MB of nested elements otherwise cost
 * seconds and a gigabyte in the parser, and deep trees overflow the stack of recursive readers.
 */
export const MAX_XML_DEPTH = 100;

/**
 * Parses untrusted XML. Documents with a DOCTYPE (and so any entity declaration, internal or
 * external) are refused before parsing; xmldom never fetches anything, and this keeps entity
 * expansion out entirely. Any parser warning or error is fatal: a half-read message is not read.
 */
export function parseXml(text: string, maxBytes = DEFAULT_MAX_XML_BYTES): Document {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new XmlRejected(`XML larger than ${maxBytes} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlRejected('XML with a document type declaration is refused');
  if (nestingExceeds(text, MAX_XML_DEPTH)) throw new XmlRejected(`XML nested deeper than ${MAX_XML_DEPTH} elements`);
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

/**
 * Whether elements nest deeper than `limit`, by one linear pass over the markup: start tags (not
 * self-closing) open a level, end tags close one; comments, CDATA sections and processing
 * instructions are skipped, and quoted attribute values may hold '>'. Exact for well-formed XML;
 * for malformed text it only has to be cheap, since the parser refuses that afterwards.
 */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let at = text.indexOf('<');
  while (at !== -1) {
    const next = text.charCodeAt(at + 1);
    let end: number;
    if (text.startsWith('<!--', at)) end = after(text, '-->', at + 4);
    else if (text.startsWith('<![CDATA[', at)) end = after(text, ']]>', at + 9);
    else if (next === 0x3f /* ? */) end = after(text, '?>', at + 2);
    else if (next === 0x21 /* ! */) end = after(text, '>', at + 2);
    else if (next === 0x2f /* / */) {
      depth -= 1;
      end = after(text, '>', at + 2);
    } else {
      end = tagEnd(text, at + 1);
      if (end === -1) return false;
      if (text.charCodeAt(end - 2) !== 0x2f /* / */) {
        depth += 1;
        if (depth > limit) return true;
      }
    }
    if (end === -1) return false;
    at = text.indexOf('<', end);
  }
  return false;
}

/** The index just past `marker` at or after `from`, or -1. */
function after(text: string, marker: string, from: number): number {
  const found = text.indexOf(marker, from);
  return found === -1 ? -1 : found + marker.length;
}

/** The index just past the '>' that ends a start tag, skipping quoted attribute values; -1 if none. */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 0x22 || code === 0x27) quote = code;
    else if (code === 0x3e) return i + 1;
  }
  return -1;
}
