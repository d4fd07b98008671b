import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { exclusiveC14n } from '../../native-host/src/ehealth/xades/c14n.js';
import { signXadesBes } from '../../native-host/src/ehealth/xades/xades-bes.js';
import { verifyXades } from '../../native-host/src/ehealth/xades/xades-verify.js';
import { descendants, serialize } from '../../native-host/src/ehealth/xml/dom.js';
import { NS } from '../../native-host/src/ehealth/xml/namespaces.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

/**
 * Debian's xmlsec1 as the outside judge of our XAdES-BES: the business content (base64 in a
 * BusinessContent element, as in EncryptedKnownContent) and our detached ds:Signature are put in
 * one document, which `xmlsec1 --verify` must accept, and refuse once tampered with. xmlsec1 knows
 * nothing of XAdES, but it checks both references: the content one (base64, exc-c14n) and the one
 * to SignedProperties. And the other way round: a signature xmlsec1 computes from our template
 * verifies with verifyXades.
 */

const execFileAsync = promisify(execFile);
const XMLSEC1 = '/usr/bin/xmlsec1';
const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const CONTENT_ID = '_0d9c8b7a-6f5e-4d3c-8b2a-190817263544';
const NOW = new Date('2026-02-12T10:15:30Z');

/** A kmehr-like message with what exc-c14n must get right: namespaces, attribute order, comments, CDATA, references. */
const kmehr = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<!-- from the EHR -->\r\n' +
    '<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:unused="urn:unused">\r\n' +
    '  <header  SV="1.34"   S="CD-STANDARD" ><id S="ID-KMEHR" SV="1.0">71071514.20260212101530</id></header>\r\n' +
    '  <folder><patient><name xsi:type="xsd:string" note="a&#10;b&#9;c &quot;q&quot; &amp; &lt;">Jan &amp; Mia &gt; &#13;</name>' +
    '<![CDATA[ <cdata> & ]]><free><plain/></free></patient></folder>\r\n' +
    '</kmehrmessage>\r\n',
);
const binary = crypto.randomBytes(3000);

let pki: TestPki;
let other: TestIdentity;

beforeAll(async () => {
  pki = await testPki();
  other = await pki.issue('other', 'rsa');
}, 60_000);
afterAll(() => pki.cleanup());

function sign(id: TestIdentity, content: Uint8Array, contentIsXml: boolean): string {
  return signXadesBes({ content, contentId: CONTENT_ID, contentIsXml, signer: { key: id.privateKey, certificate: id.certificate }, now: NOW });
}

function wrapped(content: Uint8Array, signatureXml: string): string {
  return `<Wrapper><BusinessContent Id="${CONTENT_ID}">${Buffer.from(content).toString('base64')}</BusinessContent>${signatureXml}</Wrapper>`;
}

const ID_ATTRIBUTES = ['--id-attr:Id', 'BusinessContent', '--id-attr:Id', `${XADES}:SignedProperties`];

interface XmlsecResult {
  ok: boolean;
  output: string;
}

/**
 * `xmlsec1 --verify`, exit code 0 = verified, with one of two key sources:
 * - `pubkey`: the given certificate's key and nothing else (`--enabled-key-data key-name` keeps
 *   xmlsec1 from taking a key out of our KeyInfo), so the signature value must verify with it;
 * - `chain`: the key from our KeyInfo X509Certificate, which must chain to the test CA.
 */
async function xmlsecVerify(name: string, document: string, judge: { pubkey: TestIdentity } | 'chain'): Promise<XmlsecResult> {
  const file = pki.path(`${name}.xml`);
  writeFileSync(file, document);
  const keys = judge === 'chain' ? ['--trusted-pem', pki.ca.certPath] : ['--pubkey-cert-pem', judge.pubkey.certPath, '--enabled-key-data', 'key-name'];
  try {
    const { stdout, stderr } = await execFileAsync(XMLSEC1, ['--verify', ...ID_ATTRIBUTES, ...keys, file], { encoding: 'utf8' });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const output = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, output };
  }
}

/** The BusinessContent text and the ds:Signature of a wrapper document, as the host would take them out. */
function unwrap(document: string): { content: Buffer; signatureXml: string } {
  const root = parseXml(document).documentElement;
  const businessContent = root.getElementsByTagName('BusinessContent').item(0);
  const signature = descendants(root, NS.ds, 'Signature')[0];
  if (businessContent === null || signature === undefined) throw new Error('wrapper without content or signature');
  return { content: Buffer.from(businessContent.textContent, 'base64'), signatureXml: serialize(signature) };
}

function ourVerdict(document: string, contentIsXml: boolean): boolean {
  const { content, signatureXml } = unwrap(document);
  try {
    verifyXades({ signatureXml, content, contentId: CONTENT_ID, contentIsXml });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'MYCARENET_BAD_ANSWER') return false;
    throw error;
  }
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Changes one base64 character of the BusinessContent text: the one carrying the low 6 bits of the
 * content byte at or after `byteOffset` (a byte at offset ≡ 2 mod 3), with its lowest bit flipped.
 * On an ASCII digit that gives another digit, so tampered XML stays well-formed and only the
 * digest can tell.
 */
function flipContentCharacter(document: string, byteOffset: number): string {
  const start = document.indexOf('">', document.indexOf('<BusinessContent')) + 2;
  const byte = byteOffset + ((2 - (byteOffset % 3) + 3) % 3);
  const position = start + (byte - 2) / 3 * 4 + 3;
  const value = BASE64_ALPHABET.indexOf(document.charAt(position));
  if (value < 0) throw new Error('not a base64 character');
  return document.slice(0, position) + (BASE64_ALPHABET[value ^ 1] ?? '') + document.slice(position + 1);
}

const cases = [
  { name: 'rsa-xml', kind: 'rsa', content: kmehr, isXml: true },
  { name: 'ec-xml', kind: 'ec', content: kmehr, isXml: true },
  { name: 'rsa-binary', kind: 'rsa', content: binary, isXml: false },
  { name: 'ec-binary', kind: 'ec', content: binary, isXml: false },
] as const;

describe('our XAdES-BES, judged by xmlsec1', () => {
  for (const { name, kind, content, isXml } of cases) {
    it(`${name}: verifies; a flipped content character or a changed SigningTime does not`, async () => {
      const id = kind === 'rsa' ? pki.rsa : pki.ec;
      const document = wrapped(content, sign(id, content, isXml));

      for (const judge of [{ pubkey: id }, 'chain'] as const) {
        const good = await xmlsecVerify(name, document, judge);
        expect(good.output).toContain('SignedInfo References (ok/all): 2/2');
        expect(good.ok).toBe(true);
      }
      expect(ourVerdict(document, isXml)).toBe(true);

      // One base64 character of the content (in XML, inside the kmehr id's digits).
      const flipped = flipContentCharacter(document, isXml ? kmehr.indexOf('20260212101530') : 1000);
      expect(flipped).not.toBe(document);
      expect(flipped.length).toBe(document.length);
      for (const judge of [{ pubkey: id }, 'chain'] as const) {
        const tampered = await xmlsecVerify(`${name}-content`, flipped, judge);
        expect(tampered.ok).toBe(false);
        expect(tampered.output).toContain('FAIL');
        // xmlsec1 stops at the first reference that fails: here the content, the first one.
        expect(tampered.output).toContain('data and digest do not match');
        expect(tampered.output).toContain('SignedInfo References (ok/all): 0/1');
      }
      expect(ourVerdict(flipped, isXml)).toBe(false);

      const retimed = document.replace('<xades:SigningTime>2026-02-12T10:15:30Z<', '<xades:SigningTime>2026-02-12T10:15:31Z<');
      expect(retimed).not.toBe(document);
      for (const judge of [{ pubkey: id }, 'chain'] as const) {
        const late = await xmlsecVerify(`${name}-time`, retimed, judge);
        expect(late.ok).toBe(false);
        expect(late.output).toContain('FAIL');
        expect(late.output).toContain('data and digest do not match');
        expect(late.output).toContain('SignedInfo References (ok/all): 1/2');
      }
      expect(ourVerdict(retimed, isXml)).toBe(false);
    });
  }

  it('a signature checked with another certificate than the signer’s is refused', async () => {
    const document = wrapped(kmehr, sign(pki.rsa, kmehr, true));
    const result = await xmlsecVerify('wrong-key', document, { pubkey: other });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAIL');
  });

  it('X509IssuerName and X509SerialNumber are what openssl says (RFC 2253, decimal)', async () => {
    for (const id of [pki.rsa, pki.ec]) {
      const signature = parseXml(sign(id, kmehr, true)).documentElement;
      const issuer = (await pki.openssl(['x509', '-in', id.certPath, '-noout', '-issuer', '-nameopt', 'RFC2253'])).stdout.trim().replace(/^issuer=/, '');
      const serial = (await pki.openssl(['x509', '-in', id.certPath, '-noout', '-serial'])).stdout.trim().replace(/^serial=/, '');
      expect(descendants(signature, NS.ds, 'X509IssuerName')[0]?.textContent).toBe(issuer);
      expect(descendants(signature, NS.ds, 'X509SerialNumber')[0]?.textContent).toBe(BigInt(`0x${serial}`).toString(10));
    }
  });
});

describe('xmlsec1 signs our template, verifyXades checks it', () => {
  for (const kind of ['rsa', 'ec'] as const) {
    it(`${kind}: the xmlsec1 signature verifies with ours`, async () => {
      const id = kind === 'rsa' ? pki.rsa : pki.ec;
      // Our signature as a template: digests, value and certificate emptied for xmlsec1 to fill.
      const template = parseXml(sign(id, kmehr, true)).documentElement;
      for (const name of ['DigestValue', 'SignatureValue', 'X509Certificate']) {
        for (const element of descendants(template, NS.ds, name)) {
          if (element.parentNode !== null && (element.parentNode as Element).localName === 'CertDigest') continue;
          element.textContent = '';
        }
      }
      const templateFile = pki.path(`template-${kind}.xml`);
      const signedFile = pki.path(`xmlsec-signed-${kind}.xml`);
      writeFileSync(templateFile, wrapped(kmehr, serialize(template)));
      await execFileAsync(XMLSEC1, ['--sign', ...ID_ATTRIBUTES, '--privkey-pem', `${id.keyPath},${id.certPath}`, '--output', signedFile, templateFile]);
      const signedDocument = readFileSync(signedFile, 'utf8');
      expect(signedDocument).not.toContain('<ds:DigestValue/>');

      const { content, signatureXml } = unwrap(signedDocument);
      const result = verifyXades({ signatureXml, content, contentId: CONTENT_ID, contentIsXml: true });
      expect(result.signer.raw.equals(id.certificate.raw)).toBe(true);
      expect(result.signingTime?.toISOString()).toBe(NOW.toISOString());
      // And xmlsec1 computed the same digests we do.
      const ours = parseXml(sign(id, kmehr, true)).documentElement;
      const theirs = parseXml(signatureXml).documentElement;
      const contentDigest = (signature: Element): string | undefined => descendants(signature, NS.ds, 'DigestValue')[0]?.textContent;
      expect(contentDigest(theirs)).toBe(contentDigest(ours));
    });
  }
});

describe('exclusive C14N, judged by xmllint', () => {
  it('canonicalizes the test content as `xmllint --exc-c14n` does (without its comments)', async () => {
    const file = pki.path('c14n-input.xml');
    writeFileSync(file, kmehr);
    const { stdout } = await execFileAsync('xmllint', ['--exc-c14n', file], { encoding: 'utf8' });
    // xmllint keeps comments; exc-c14n without comments drops them with their line feed.
    const withoutComments = stdout.replace('<!-- from the EHR -->\n', '');
    expect(exclusiveC14n(parseXml(kmehr.toString('utf8')))).toBe(withoutComments);
  });
});
