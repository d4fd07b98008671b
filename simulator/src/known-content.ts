import { BadRequest, childrenNS, newDocument, readXml, tag, text, writeXml } from './xml.js';

/** EncryptedKnownContent (ns urn:be:cin:encrypted, PROTOCOL §2.6) as the platform reads and writes it. */

export const ENCRYPTED_NS = 'urn:be:cin:encrypted';

export interface KnownContent {
  replyToEtk?: Buffer;
  businessContent: Buffer;
  id: string;
  xades?: Buffer;
}

function base64(element: Element, what: string): Buffer {
  const value = text(element).replace(/\s+/g, '');
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new BadRequest(`${what} is not base64`);
  return Buffer.from(value, 'base64');
}

export function readKnownContent(bytes: Buffer): KnownContent {
  const root = readXml(bytes.toString('utf8')).documentElement as Element;
  if (root.namespaceURI !== ENCRYPTED_NS || root.localName !== 'EncryptedKnownContent') throw new BadRequest('the sealed content is not an EncryptedKnownContent');
  const names: string[] = [];
  for (let node = root.firstChild; node !== null; node = node.nextSibling) if (node.nodeType === 1) names.push((node as Element).localName);
  if (!/^(Reply-to-Etk,)?BusinessContent(,Xades)?$/.test(names.join(','))) throw new BadRequest('unexpected EncryptedKnownContent content');
  const business = childrenNS(root, ENCRYPTED_NS, 'BusinessContent')[0] as Element;
  const reply = childrenNS(root, ENCRYPTED_NS, 'Reply-to-Etk')[0];
  const xades = childrenNS(root, ENCRYPTED_NS, 'Xades')[0];
  return {
    businessContent: base64(business, 'BusinessContent'),
    id: business.getAttribute('id') ?? '',
    ...(reply !== undefined ? { replyToEtk: base64(reply, 'Reply-to-Etk') } : {}),
    ...(xades !== undefined ? { xades: base64(xades, 'Xades') } : {}),
  };
}

export function writeKnownContent(businessContent: Buffer, id: string): Buffer {
  const document = newDocument(ENCRYPTED_NS, 'e:EncryptedKnownContent');
  const root = document.documentElement as Element;
  root.appendChild(tag(document, ENCRYPTED_NS, 'e:BusinessContent', { id, ContentType: 'text/xml', ContentEncoding: 'none' }, businessContent.toString('base64')));
  return Buffer.from(writeXml(document), 'utf8');
}
