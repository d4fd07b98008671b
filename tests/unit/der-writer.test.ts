import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { issuerAndSerialNumberDer } from '../../native-host/src/ehealth/seal/certificate-der.js';
import { algorithmIdentifier, cmsTime, NULL, objectIdentifier, octetString, sequence, setOf, smallInteger } from '../../native-host/src/ehealth/seal/der-writer.js';
import { OID } from '../../native-host/src/ehealth/seal/oids.js';
import { testPki, type TestPki } from '../support/openssl-keys.js';

/**
 * The seal's DER writer against asn1js, an independent encoder: lengths at every boundary of the
 * length form, OIDs, times on both sides of the UTCTime/GeneralizedTime switch, SET OF order, and
 * the issuer and serial number taken from certificates as pkijs reads them.
 */

const hex = (bytes: Uint8Array | ArrayBuffer): string => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('hex');

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

describe('DER writer', () => {
  it.each([0, 1, 127, 128, 255, 256, 65535, 65536, 70000])('writes an OCTET STRING of %i bytes as asn1js does', (size) => {
    const value = new Uint8Array(size).map((_, index) => index % 251);
    expect(hex(octetString(value))).toBe(hex(new asn1js.OctetString({ valueHex: value }).toBER()));
  });

  it('writes every OID of the seal as asn1js does, and refuses malformed ones', () => {
    for (const oid of [...Object.values(OID), '2.999.1', '1.2.840.113549.1.9.16.2.47', '0.39']) {
      expect(hex(objectIdentifier(oid))).toBe(hex(new asn1js.ObjectIdentifier({ value: oid }).toBER()));
    }
    for (const bad of ['', '1', '1.40', '3.1', '1.2.', '1..2', '1.02', '1.2.a']) expect(() => objectIdentifier(bad)).toThrow();
  });

  it('writes sequences, algorithm identifiers, NULL and small integers as asn1js does', () => {
    const expected = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.sha256WithRsa }), new asn1js.Null()] }).toBER();
    expect(hex(algorithmIdentifier(OID.sha256WithRsa, NULL))).toBe(hex(expected));
    expect(hex(algorithmIdentifier(OID.sha256))).toBe(hex(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.sha256 })] }).toBER()));
    expect(hex(smallInteger(0))).toBe('020100');
    expect(hex(smallInteger(1))).toBe('020101');
    expect(() => smallInteger(128)).toThrow();
    const long = new Uint8Array(300);
    expect(hex(sequence(octetString(long), NULL))).toBe(hex(new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: long }), new asn1js.Null()] }).toBER()));
  });

  it('orders a SET OF by the encodings of its members', () => {
    const members = [octetString(Uint8Array.of(2)), octetString(Uint8Array.of(1, 0)), octetString(Uint8Array.of(1))];
    expect(hex(setOf(members))).toBe(`310a${['040101', '040102', '04020100'].join('')}`);
  });

  it.each([
    ['2026-11-30T03:45:07Z', '170d3236313133303033343530375a'],
    ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
    ['2049-12-31T23:59:59Z', '170d3439313233313233353935395a'],
    ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
    ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
  ])('writes the CMS time %s', (iso, expected) => {
    expect(hex(cmsTime(new Date(iso)))).toBe(expected);
  });

  it('takes the issuer and serial number of certificates exactly as pkijs reads them', () => {
    for (const identity of [pki.ca, pki.rsa, pki.ec]) {
      const parsed = pkijs.Certificate.fromBER(identity.certificate.raw);
      const expected = new pkijs.IssuerAndSerialNumber({ issuer: parsed.issuer, serialNumber: parsed.serialNumber }).toSchema().toBER();
      expect(hex(issuerAndSerialNumberDer(identity.certificate))).toBe(hex(expected));
    }
  });

  it('refuses a certificate whose DER it cannot walk', () => {
    const truncated = { raw: pki.rsa.certificate.raw.subarray(0, 40) } as unknown as X509Certificate;
    expect(() => issuerAndSerialNumberDer(truncated)).toThrow();
  });
});
