import { AppError } from '../../../../src/shared/errors.js';
import { childElements, declareNamespace, newDocument, serialize, textOf } from '../../ehealth/xml/dom.js';
import { parseXml, XmlRejected } from '../../ehealth/xml/parse.js';
import { decodeBase64, MAX_BLOB_BYTES } from './blob.js';
import { MCN_NS } from './namespaces.js';

/**
 * EncryptedKnownContent (PROTOCOL §2.6, ns urn:be:cin:encrypted): what is sealed for MyCareNet.
 * Reply-to-Etk tells the insurer whom to seal the answer for; BusinessContent carries the business
 * XML (base64) under the blob's id; Xades, when present, signs that business content.
 */
export interface KnownContent {
  replyToEtk?: Uint8Array;
  businessContent: Uint8Array;
  /** The blob's id, repeated on BusinessContent (XAdES references it). */
  id: string;
  /** The XAdES ds:Signature as XML text. */
  xades?: string;
}

export function encryptedKnownContent(content: KnownContent): Uint8Array {
  const el = (name: string, text: string, attrs?: Record<string, string>) => ({ ns: MCN_NS.encrypted, name: `enc:${name}`, children: [text], ...(attrs !== undefined ? { attrs } : {}) });
  const document = newDocument({
    ns: MCN_NS.encrypted,
    name: 'enc:EncryptedKnownContent',
    children: [
      ...(content.replyToEtk !== undefined ? [el('Reply-to-Etk', Buffer.from(content.replyToEtk).toString('base64'))] : []),
      el('BusinessContent', Buffer.from(content.businessContent).toString('base64'), { id: content.id, ContentType: 'text/xml', ContentEncoding: 'none' }),
      ...(content.xades !== undefined ? [el('Xades', Buffer.from(content.xades, 'utf8').toString('base64'))] : []),
    ],
  });
  declareNamespace(document.documentElement, 'enc', MCN_NS.encrypted);
  return Buffer.from(serialize(document), 'utf8');
}

/** Reads an unsealed EncryptedKnownContent strictly: one BusinessContent, nothing unknown. */
export function readEncryptedKnownContent(bytes: Uint8Array, what: string): KnownContent {
  let document: Document;
  try {
    document = parseXml(Buffer.from(bytes).toString('utf8'), MAX_BLOB_BYTES * 2);
  } catch (error) {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the decrypted content is not XML`, { reason: error instanceof XmlRejected ? error.message : 'unreadable' });
  }
  const root = document.documentElement;
  if (root.namespaceURI !== MCN_NS.encrypted || root.localName !== 'EncryptedKnownContent') {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the decrypted content is not an EncryptedKnownContent`);
  }
  const children = childElements(root);
  const names = children.map((child) => (child.namespaceURI === MCN_NS.encrypted ? child.localName : `?${child.localName}`));
  const known = ['Reply-to-Etk', 'BusinessContent', 'Xades'];
  if (names.some((name) => !known.includes(name)) || names.filter((name) => name === 'BusinessContent').length !== 1 || new Set(names).size !== names.length) {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the EncryptedKnownContent has an unexpected shape`);
  }
  const child = (name: string) => children.find((element) => element.localName === name);
  const business = child('BusinessContent') as Element;
  const encoding = business.getAttribute('ContentEncoding');
  if (encoding !== null && encoding !== '' && encoding !== 'none') throw new AppError('MYCARENET_BAD_ANSWER', `${what}: the business content is encoded (${encoding.slice(0, 20)})`);
  const replyToEtk = child('Reply-to-Etk');
  const xades = child('Xades');
  return {
    businessContent: decodeBase64(textOf(business) ?? '', `${what} business content`),
    id: business.getAttribute('id') ?? '',
    ...(replyToEtk !== undefined ? { replyToEtk: decodeBase64(textOf(replyToEtk) ?? '', `${what} Reply-to-Etk`) } : {}),
    ...(xades !== undefined ? { xades: decodeBase64(textOf(xades) ?? '', `${what} XAdES`).toString('utf8') } : {}),
  };
}
