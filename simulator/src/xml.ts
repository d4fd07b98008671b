import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';

/**
 * The simulator's own XML helpers. It deliberately shares no code with the native host, so that
 * a mistake on one side is caught by the other instead of being mirrored.
 */

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const SAML_NS = 'urn:oasis:names:tc:SAML:1.0:assertion';
export const SAMLP_NS = 'urn:oasis:names:tc:SAML:1.0:protocol';

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export function readXml(text: string): Document {
  if (text.length > MAX_REQUEST_BYTES) throw new BadRequest('request too large');
  if (/<!DOCTYPE/i.test(text)) throw new BadRequest('DTDs are not allowed');
  let document: Document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        throw new BadRequest(`malformed XML (${level}): ${message.slice(0, 100)}`);
      },
    }).parseFromString(text, 'text/xml') as unknown as Document;
  } catch (error) {
    // xmldom wraps what onError throws in its own ParseError.
    throw error instanceof BadRequest ? error : new BadRequest(`malformed XML: ${error instanceof Error ? error.message.slice(0, 100) : ''}`);
  }
  if ((document.documentElement as Element | null) === null) throw new BadRequest('no root element');
  return document;
}

export function writeXml(node: Node): string {
  return new XMLSerializer().serializeToString(node as never);
}

export function elementsNS(root: Document | Element, ns: string, local: string): Element[] {
  const list = root.getElementsByTagNameNS(ns, local);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list.item(i);
    if (item !== null) out.push(item);
  }
  return out;
}

export function childrenNS(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === local) out.push(node as Element);
  }
  return out;
}

export function onlyChild(parent: Element, ns: string, local: string): Element {
  const found = childrenNS(parent, ns, local);
  if (found.length !== 1 || found[0] === undefined) throw new BadRequest(`expected one ${local} in ${parent.localName}`);
  return found[0];
}

export function text(element: Element | undefined): string {
  return (element?.textContent ?? '').trim();
}

/** A small builder: tag(doc, ns, 'p:Name', attrs, ...children). */
export function tag(document: Document, ns: string, qname: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): Element {
  const element = document.createElementNS(ns, qname);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  for (const child of children) element.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

export function newDocument(ns: string, qname: string): Document {
  return new DOMImplementation().createDocument(ns, qname, null) as unknown as Document;
}

export function soapEnvelope(build: (document: Document) => Element): string {
  const document = newDocument(SOAP_NS, 'soapenv:Envelope');
  const root = document.documentElement as Element;
  root.appendChild(tag(document, SOAP_NS, 'soapenv:Header'));
  root.appendChild(tag(document, SOAP_NS, 'soapenv:Body', {}, build(document)));
  return `<?xml version="1.0" encoding="UTF-8"?>${writeXml(document)}`;
}
