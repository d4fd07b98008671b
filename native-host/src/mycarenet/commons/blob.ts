import { randomUUID } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { AppError } from '../../../../src/shared/errors.js';
import { textOf, type ElementSpec } from '../../ehealth/xml/dom.js';
import { commonsProtocolNs, type CommonsVersion } from './namespaces.js';

/**
 * The Detail blob (BlobType, PROTOCOL §2.5): base64 content with technical attributes. We always
 * send text/xml without compression; answers may be deflated, which is undone under a size cap.
 */

export const ENCRYPTED_FOR_KNOWN_BED = 'encryptedForKnownBED';
/** An answer's business content is small (a few kB); this leaves room and still bounds memory. */
export const MAX_BLOB_BYTES = 2 * 1024 * 1024;

export interface DetailFields {
  version: CommonsVersion;
  /** An NCName; the sealed variants use the same id for BusinessContent. */
  id: string;
  content: Uint8Array;
  encryptedForKnownBED: boolean;
  /** v4 only (eAttest v3 sends "3.0"). */
  messageVersion?: string;
}

export function newBlobId(): string {
  return `_${randomUUID()}`;
}

export function detailBlob(fields: DetailFields): ElementSpec {
  if (!/^[A-Za-z_][A-Za-z0-9._-]{0,127}$/.test(fields.id)) throw new AppError('INTERNAL', 'The blob id is not an NCName.');
  if (fields.encryptedForKnownBED && fields.version === 2) throw new AppError('INTERNAL', 'Commons v2 blobs cannot be encrypted.');
  if (fields.messageVersion !== undefined && fields.version !== 4) throw new AppError('INTERNAL', 'MessageVersion exists in commons v4 only.');
  return {
    ns: commonsProtocolNs(fields.version),
    name: 'mcp:Detail',
    attrs: {
      ContentType: 'text/xml',
      ContentEncoding: 'none',
      ...(fields.encryptedForKnownBED ? { ContentEncryption: ENCRYPTED_FOR_KNOWN_BED } : {}),
      Id: fields.id,
      ...(fields.messageVersion !== undefined ? { MessageVersion: fields.messageVersion } : {}),
    },
    children: [Buffer.from(fields.content).toString('base64')],
  };
}

export interface ReadBlob {
  content: Buffer;
  contentType: string;
  /** Absent when the blob is not encrypted. */
  contentEncryption?: string;
  id?: string;
}

/** Strict base64 (whitespace allowed between groups) decoded under a size cap. */
export function decodeBase64(text: string, what: string, maxBytes = MAX_BLOB_BYTES): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length > Math.ceil(maxBytes / 3) * 4) throw new AppError('MYCARENET_BAD_ANSWER', `${what} is larger than allowed`, { maxBytes });
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new AppError('MYCARENET_BAD_ANSWER', `${what} is not base64`);
  }
  return Buffer.from(compact, 'base64');
}

/** Reads a Detail blob of an answer; `deflate` (the schema's default encoding) is inflated under the cap. */
export function readBlob(element: Element, what: string, maxBytes = MAX_BLOB_BYTES): ReadBlob {
  const raw = decodeBase64(textOf(element) ?? '', what, maxBytes);
  const encoding = element.getAttribute('ContentEncoding') ?? 'deflate';
  const contentType = element.getAttribute('ContentType') ?? '';
  if (contentType === '') throw new AppError('MYCARENET_BAD_ANSWER', `${what} has no ContentType`);
  let content: Buffer;
  if (encoding === 'none' || encoding === '') content = raw;
  else if (encoding === 'deflate') content = inflate(raw, what, maxBytes);
  else throw new AppError('MYCARENET_BAD_ANSWER', `${what} has an unknown ContentEncoding`, { encoding: encoding.slice(0, 40) });
  const encryption = element.getAttribute('ContentEncryption');
  const id = element.getAttribute('Id');
  return {
    content,
    contentType,
    ...(encryption !== null && encryption !== '' ? { contentEncryption: encryption } : {}),
    ...(id !== null && id !== '' ? { id } : {}),
  };
}

function inflate(data: Buffer, what: string, maxBytes: number): Buffer {
  // Java's Deflater writes zlib-wrapped data by default; "nowrap" writers send raw deflate.
  for (const attempt of [inflateSync, inflateRawSync]) {
    try {
      return attempt(data, { maxOutputLength: maxBytes });
    } catch (error) {
      if (error instanceof RangeError) throw new AppError('MYCARENET_BAD_ANSWER', `${what} inflates beyond the allowed size`, { maxBytes });
    }
  }
  throw new AppError('MYCARENET_BAD_ANSWER', `${what} is not valid deflate data`);
}
