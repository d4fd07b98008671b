import * as asn1js from 'asn1js';

/**
 * Small ASN.1 reading helpers over asn1js: bounded parsing of untrusted input, byte conversions and
 * OCTET STRING values (primitive or BER-constructed). Writing is der-writer.ts.
 */

/** Parses exactly one ASN.1 element filling `bytes`; throws a data-free Error otherwise. */
export function parseAsn1(bytes: Uint8Array, maxBytes: number): asn1js.AsnType {
  if (bytes.byteLength === 0 || bytes.byteLength > maxBytes) throw new Error('ASN.1 input empty or too large');
  const parsed = asn1js.fromBER(bytes, {
    maxContentLength: maxBytes,
    maxNodes: 200_000,
    maxDepth: 64,
    // Never look inside OCTET STRINGs: the content is opaque here and may be large.
    parseEmbedded: false,
  });
  if (parsed.offset !== bytes.byteLength) throw new Error('ASN.1 input malformed or followed by extra bytes');
  return parsed.result;
}

export function bytesOf(source: ArrayBuffer | Uint8Array): Uint8Array {
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

/** The value of an OCTET STRING, concatenating the segments of a constructed (BER) one. */
export function octetStringValue(value: unknown): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new Error('expected an OCTET STRING');
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView;
  const parts = value.valueBlock.value.map((part) => octetStringValue(part));
  return Buffer.concat(parts);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
