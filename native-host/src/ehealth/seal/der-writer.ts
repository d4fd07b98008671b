/**
 * A minimal DER writer for the fixed-shape structures the seal builds (SignedData, EnvelopedData):
 * definite lengths in their shortest form, primitive strings, SET OF sorted by encoding. It is
 * about ten times faster than building pkijs/asn1js objects and encoding them (which was most of
 * the sealing time). Reading stays with asn1js (der.ts): input from the network is parsed there.
 */

/** The encoding of a definite length, shortest form (X.690 §10.1). */
function lengthOctets(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new Error('DER length out of range');
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** One element: `tag` (a single identifier octet) around the concatenated `contents`. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of contents) length += part.byteLength;
  return Buffer.concat([Uint8Array.of(tag), lengthOctets(length), ...contents]);
}

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** [0] constructed (EXPLICIT, or IMPLICIT over a constructed type). */
  context0Constructed: 0xa0,
  /** [0] primitive (IMPLICIT over a primitive type). */
  context0Primitive: 0x80,
} as const;

export function sequence(...members: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.sequence, ...members);
}

/** SET OF: members in ascending order of their encodings (X.690 §11.6). */
export function setOf(members: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.set, ...[...members].sort((a, b) => Buffer.compare(a, b)));
}

export function octetString(value: Uint8Array): Uint8Array {
  return tlv(TAG.octetString, value);
}

/** A non-negative INTEGER small enough for a version field. */
export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new Error('small INTEGER out of range');
  return Uint8Array.of(TAG.integer, 1, value);
}

export const NULL: Uint8Array = Uint8Array.of(TAG.null, 0);

/** OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(arc)) throw new Error('malformed OID');
    return Number(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2 || (first < 2 && second > 39)) throw new Error('malformed OID');
  const octets: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    if (!Number.isSafeInteger(arc)) throw new Error('malformed OID');
    const base128: number[] = [];
    for (let rest128 = arc; ; rest128 = Math.floor(rest128 / 128)) {
      base128.unshift((rest128 % 128) | (base128.length > 0 ? 0x80 : 0));
      if (rest128 < 128) break;
    }
    octets.push(...base128);
  }
  return tlv(TAG.oid, Uint8Array.of(...octets));
}

/** AlgorithmIdentifier with absent parameters, or with the given encoded parameters. */
export function algorithmIdentifier(oid: string, parameters?: Uint8Array): Uint8Array {
  return parameters === undefined ? sequence(objectIdentifier(oid)) : sequence(objectIdentifier(oid), parameters);
}

const twoDigits = (value: number): string => value.toString().padStart(2, '0');

/**
 * A CMS Time (RFC 5652 §11.3): UTCTime for 1950–2049, GeneralizedTime otherwise, whole seconds,
 * in UTC ('Z'), which is what DER requires of both.
 */
export function cmsTime(time: Date): Uint8Array {
  const year = time.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new Error('time out of range');
  const rest = [time.getUTCMonth() + 1, time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds()].map(twoDigits).join('');
  const utc = year >= 1950 && year < 2050;
  const text = utc ? `${twoDigits(year % 100)}${rest}Z` : `${year.toString().padStart(4, '0')}${rest}Z`;
  return tlv(utc ? TAG.utcTime : TAG.generalizedTime, Buffer.from(text, 'ascii'));
}
