import * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../src/shared/errors.js';
import { exclusiveC14n } from '../../native-host/src/ehealth/xades/c14n.js';
import { signXadesBes } from '../../native-host/src/ehealth/xades/xades-bes.js';
import { verifyXades, type XadesVerifyInput } from '../../native-host/src/ehealth/xades/xades-verify.js';
import { descendants, firstChild, pathFrom, serialize } from '../../native-host/src/ehealth/xml/dom.js';
import { EXC_C14N, NS, SHA256_DIGEST } from '../../native-host/src/ehealth/xml/namespaces.js';
import { parseXml } from '../../native-host/src/ehealth/xml/parse.js';
import { testPki, type TestIdentity, type TestPki } from '../support/openssl-keys.js';

const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const BASE64 = 'http://www.w3.org/2000/09/xmldsig#base64';
const SECRET = 'SSIN 85073012345 Jan Janssens';
const kmehr = Buffer.from(
  `<?xml version="1.0" encoding="UTF-8"?>\n<kmehrmessage xmlns="http://www.ehealth.fgov.be/standards/kmehr/schema/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<header><standard><cd S="CD-STANDARD" SV="1.34">20221205</cd></standard><id S="ID-KMEHR" SV="1.0">${SECRET}</id></header>` +
    `<folder><patient><id S="ID-PATIENT" SV="1.0">85073012345</id></patient></folder></kmehrmessage>\n`,
);
const binary = crypto.randomBytes(700);
const CONTENT_ID = '_6f1e2d3c-4b5a-4978-8877-665544332211';
const NOW = new Date('2026-02-12T10:15:30.456Z');

let pki: TestPki;
let other: TestIdentity;
const seenErrors: AppError[] = [];

beforeAll(async () => {
  pki = await testPki();
  other = await pki.issue('other', 'rsa');
}, 60_000);
afterAll(() => {
  pki.cleanup();
  // No refusal may quote the content.
  for (const error of seenErrors) expect(JSON.stringify(error.toPayload())).not.toContain(SECRET);
});

function sign(id: TestIdentity, content: Uint8Array = kmehr, contentIsXml = true): string {
  return signXadesBes({ content, contentId: CONTENT_ID, contentIsXml, signer: { key: id.privateKey, certificate: id.certificate }, now: NOW });
}

function verifyInput(signatureXml: string, overrides: Partial<XadesVerifyInput> = {}): XadesVerifyInput {
  return { signatureXml, content: kmehr, contentId: CONTENT_ID, contentIsXml: true, ...overrides };
}

function refused(run: () => unknown, code: ErrorCode = 'MYCARENET_BAD_ANSWER'): AppError {
  try {
    run();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe(code);
    seenErrors.push(error);
    return error;
  }
  throw new Error(`expected ${code}`);
}

/** Edits a signature and signs its SignedInfo again with `key` (an attacker with a key of their own). */
function edited(signatureXml: string, edit: (signature: Element) => void, key?: crypto.KeyObject): string {
  const signature = parseXml(signatureXml).documentElement;
  edit(signature);
  if (key !== undefined) {
    const signedInfo = pathFrom(signature, [[NS.ds, 'SignedInfo']]);
    const value = pathFrom(signature, [[NS.ds, 'SignatureValue']]);
    if (signedInfo === undefined || value === undefined) throw new Error('no SignedInfo');
    const data = Buffer.from(exclusiveC14n(signedInfo), 'utf8');
    const signed = key.asymmetricKeyType === 'ec' ? crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : crypto.sign('sha256', data, key);
    value.textContent = signed.toString('base64');
  }
  return serialize(signature);
}

function element(signature: Element, ns: string, localName: string, index = 0): Element {
  const found = descendants(signature, ns, localName)[index];
  if (found === undefined) throw new Error(`no ${localName}`);
  return found;
}

/** Adds a reference (transforms base64 [+ exc-c14n], sha256) to a content with `id`. */
function addContentReference(signature: Element, id: string, content: Uint8Array, isXml: boolean, transforms = isXml ? [BASE64, EXC_C14N] : [BASE64]): void {
  const document = signature.ownerDocument;
  const signedInfo = element(signature, NS.ds, 'SignedInfo');
  const reference = document.createElementNS(NS.ds, 'ds:Reference');
  reference.setAttribute('URI', `#${id}`);
  const transformsElement = document.createElementNS(NS.ds, 'ds:Transforms');
  for (const algorithm of transforms) {
    const transform = document.createElementNS(NS.ds, 'ds:Transform');
    transform.setAttribute('Algorithm', algorithm);
    transformsElement.appendChild(transform);
  }
  const digestMethod = document.createElementNS(NS.ds, 'ds:DigestMethod');
  digestMethod.setAttribute('Algorithm', SHA256_DIGEST);
  const digestValue = document.createElementNS(NS.ds, 'ds:DigestValue');
  const octets = isXml ? Buffer.from(exclusiveC14n(parseXml(Buffer.from(content).toString('utf8'))), 'utf8') : content;
  digestValue.textContent = crypto.createHash('sha256').update(octets).digest('base64');
  reference.appendChild(transformsElement);
  reference.appendChild(digestMethod);
  reference.appendChild(digestValue);
  signedInfo.appendChild(reference);
}

describe('signXadesBes → verifyXades', () => {
  for (const kind of ['rsa', 'ec'] as const) {
    for (const contentIsXml of [true, false]) {
      it(`round-trips ${kind === 'rsa' ? 'RSA-2048' : 'EC P-384'}, ${contentIsXml ? 'XML' : 'binary'} content`, () => {
        const id = kind === 'rsa' ? pki.rsa : pki.ec;
        const content = contentIsXml ? kmehr : binary;
        const signatureXml = sign(id, content, contentIsXml);
        const result = verifyXades(verifyInput(signatureXml, { content, contentIsXml }));
        expect(result.signer.raw.equals(id.certificate.raw)).toBe(true);
        expect(result.signingTime?.toISOString()).toBe('2026-02-12T10:15:30.000Z');
        expect(result.hasSignatureTimeStamp).toBe(false);
      });
    }
  }

  it('builds the ds:Signature PROTOCOL §5.3 describes', () => {
    const signatureXml = sign(pki.rsa);
    expect(signatureXml.startsWith('<ds:Signature ')).toBe(true);
    const signature = parseXml(signatureXml).documentElement;
    const id = signature.getAttribute('Id') ?? '';
    expect(id).toMatch(/^xmldsig-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(element(signature, NS.ds, 'CanonicalizationMethod').getAttribute('Algorithm')).toBe(EXC_C14N);
    expect(element(signature, NS.ds, 'SignatureMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');

    const references = descendants(element(signature, NS.ds, 'SignedInfo'), NS.ds, 'Reference');
    expect(references.map((reference) => reference.getAttribute('URI'))).toEqual([`#${CONTENT_ID}`, `#${id}-xades-signedprops`]);
    expect(references.map((reference) => reference.getAttribute('Type'))).toEqual([null, 'http://uri.etsi.org/01903#SignedProperties']);
    const algorithms = (reference: Element): (string | null)[] => descendants(reference, NS.ds, 'Transform').map((transform) => transform.getAttribute('Algorithm'));
    expect(references.map(algorithms)).toEqual([[BASE64, EXC_C14N], [EXC_C14N]]);
    for (const reference of references) expect(firstChild(reference, NS.ds, 'DigestMethod')?.getAttribute('Algorithm')).toBe(SHA256_DIGEST);

    const qualifying = element(signature, XADES, 'QualifyingProperties');
    expect(qualifying.parentNode).toBe(element(signature, NS.ds, 'Object'));
    expect(qualifying.getAttribute('Target')).toBe(`#${id}`);
    expect(element(signature, XADES, 'SignedProperties').getAttribute('Id')).toBe(`${id}-xades-signedprops`);
    expect(element(signature, XADES, 'SigningTime').textContent).toBe('2026-02-12T10:15:30Z');
    const certDigest = element(signature, XADES, 'CertDigest');
    expect(firstChild(certDigest, NS.ds, 'DigestValue')?.textContent).toBe(crypto.createHash('sha256').update(pki.rsa.certificate.raw).digest('base64'));
    expect(element(signature, NS.ds, 'X509IssuerName').textContent).toBe('CN=Test CA,O=eAttest tests,C=BE');
    expect(element(signature, NS.ds, 'X509SerialNumber').textContent).toBe(BigInt(`0x${pki.rsa.certificate.serialNumber}`).toString(10));
    expect(element(signature, NS.ds, 'X509Certificate').textContent).toBe(pki.rsa.certificate.raw.toString('base64'));

    // Binary content: only the base64 transform.
    const binarySignature = parseXml(sign(pki.ec, binary, false)).documentElement;
    expect(element(binarySignature, NS.ds, 'SignatureMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256');
    expect(descendants(element(binarySignature, NS.ds, 'Reference'), NS.ds, 'Transform').map((transform) => transform.getAttribute('Algorithm'))).toEqual([BASE64]);
    // ECDSA P-384 value is raw r||s: 2 × 48 bytes.
    expect(Buffer.from(element(binarySignature, NS.ds, 'SignatureValue').textContent, 'base64').byteLength).toBe(96);
  });

  it('makes a new signature Id every time', () => {
    const ids = new Set([sign(pki.ec), sign(pki.ec)].map((xml) => parseXml(xml).documentElement.getAttribute('Id')));
    expect(ids.size).toBe(2);
  });

  it('refuses keys other than RSA and EC with KEY_TYPE_UNSUPPORTED', () => {
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    refused(
      () => signXadesBes({ content: kmehr, contentId: CONTENT_ID, contentIsXml: true, signer: { key: privateKey, certificate: pki.rsa.certificate }, now: NOW }),
      'KEY_TYPE_UNSUPPORTED',
    );
  });

  it('refuses to sign with a certificate that is not the key’s, or XML content that is not XML', () => {
    refused(() => signXadesBes({ content: kmehr, contentId: CONTENT_ID, contentIsXml: true, signer: { key: pki.rsa.privateKey, certificate: pki.ec.certificate }, now: NOW }), 'INTERNAL');
    refused(() => sign(pki.rsa, Buffer.from(`<a>${SECRET}</b>`), true), 'INTERNAL');
    refused(() => signXadesBes({ content: kmehr, contentId: 'not an id', contentIsXml: true, signer: { key: pki.rsa.privateKey, certificate: pki.rsa.certificate }, now: NOW }), 'INTERNAL');
  });
});

describe('verifyXades refuses', () => {
  it('content changed by one byte', () => {
    for (const [id, content, isXml] of [[pki.rsa, kmehr, true], [pki.ec, binary, false]] as const) {
      const signatureXml = sign(id, content, isXml);
      const changed = Buffer.from(content);
      const offset = isXml ? content.indexOf(SECRET) + 5 : 100;
      changed[offset] = (changed[offset] ?? 0) ^ 0x01;
      expect(refused(() => verifyXades(verifyInput(signatureXml, { content: changed, contentIsXml: isXml }))).message).toContain('digest');
    }
  });

  it('a changed signing time', () => {
    for (const id of [pki.rsa, pki.ec]) {
      const signatureXml = edited(sign(id), (signature) => {
        element(signature, XADES, 'SigningTime').textContent = '2026-02-11T10:15:30Z';
      });
      expect(refused(() => verifyXades(verifyInput(signatureXml))).message).toContain('digest');
    }
  });

  it('a signature by another key under the original KeyInfo', () => {
    // Same SignedInfo, signed again by another RSA key, and by an EC key under an RSA certificate.
    const rsaSigned = edited(sign(pki.rsa), () => undefined, other.privateKey);
    expect(refused(() => verifyXades(verifyInput(rsaSigned))).message).toContain('signature value');
    const ecSigned = edited(sign(pki.ec), () => undefined, pki.ec.privateKey);
    expect(verifyXades(verifyInput(ecSigned)).signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
    const ecByOther = edited(sign(pki.ec), () => undefined, (crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })).privateKey);
    refused(() => verifyXades(verifyInput(ecByOther)));
  });

  it('another certificate in KeyInfo than the one SigningCertificate names', () => {
    const signatureXml = edited(sign(pki.rsa), (signature) => {
      element(signature, NS.ds, 'X509Certificate').textContent = other.certificate.raw.toString('base64');
    }, other.privateKey);
    expect(refused(() => verifyXades(verifyInput(signatureXml))).message).toContain('SigningCertificate');
  });

  it('an extra reference, even correctly digested and signed', () => {
    // A reference to an element of the signature itself (a ds:Object the signer did not mean to sign).
    const withObject = edited(sign(pki.rsa), (signature) => {
      const object = signature.ownerDocument.createElementNS(NS.ds, 'ds:Object');
      object.setAttribute('Id', 'extra');
      object.appendChild(signature.ownerDocument.createTextNode('extra'));
      signature.appendChild(object);
      addContentReference(signature, 'extra', Buffer.from('<ds:Object xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="extra">extra</ds:Object>'), true, [EXC_C14N]);
    }, pki.rsa.privateKey);
    expect(refused(() => verifyXades(verifyInput(withObject))).message).toContain('something other');

    // A reference to another detached content the caller did not hand over.
    const request = Buffer.from('<request>original</request>');
    const withRequest = edited(sign(pki.ec), (signature) => addContentReference(signature, '_request', request, true), pki.ec.privateKey);
    refused(() => verifyXades(verifyInput(withRequest)));
    // …which verifies once the caller supplies it (the insurer's answer also covering the request).
    const result = verifyXades(verifyInput(withRequest, { additionalContent: [{ id: '_request', content: request, isXml: true }] }));
    expect(result.signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
    refused(() => verifyXades(verifyInput(withRequest, { additionalContent: [{ id: '_request', content: Buffer.from('<request>other</request>'), isXml: true }] })));
  });

  it('a signature that does not cover the content itself', () => {
    // Signed over the request only: handing the request over as additional content is not enough.
    const request = Buffer.from('<request>original</request>');
    const overRequest = signXadesBes({ content: request, contentId: '_request', contentIsXml: true, signer: { key: pki.rsa.privateKey, certificate: pki.rsa.certificate }, now: NOW });
    expect(verifyXades(verifyInput(overRequest, { content: request, contentId: '_request' })).signer.raw.equals(pki.rsa.certificate.raw)).toBe(true);
    expect(refused(() => verifyXades(verifyInput(overRequest, { additionalContent: [{ id: '_request', content: request, isXml: true }] }))).message).toContain('cover the content');
  });

  it('content references with other transforms, or the signed properties without their Type', () => {
    const variants: ((signature: Element) => void)[] = [
      // No exc-c14n on XML content.
      (signature) => element(signature, NS.ds, 'Transform', 1).parentNode?.removeChild(element(signature, NS.ds, 'Transform', 1)),
      // An XPath transform added.
      (signature) => {
        const transform = signature.ownerDocument.createElementNS(NS.ds, 'ds:Transform');
        transform.setAttribute('Algorithm', 'http://www.w3.org/TR/1999/REC-xpath-19991116');
        element(signature, NS.ds, 'Transforms').appendChild(transform);
      },
      // Type removed from the SignedProperties reference.
      (signature) => element(signature, NS.ds, 'Reference', 1).removeAttribute('Type'),
      // A SHA-1 digest.
      (signature) => element(signature, NS.ds, 'DigestMethod').setAttribute('Algorithm', 'http://www.w3.org/2000/09/xmldsig#sha1'),
      // An RSA-SHA1 signature method.
      (signature) => element(signature, NS.ds, 'SignatureMethod').setAttribute('Algorithm', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'),
      // An external URI.
      (signature) => element(signature, NS.ds, 'Reference').setAttribute('URI', `https://example.org/#${CONTENT_ID}`),
    ];
    for (const variant of variants) refused(() => verifyXades(verifyInput(edited(sign(pki.rsa), variant, pki.rsa.privateKey))));
  });

  it('wrapped or malformed signatures', () => {
    const signatureXml = sign(pki.rsa);
    // A second Signature inside an Object.
    const nested = edited(signatureXml, (signature) => {
      const object = signature.ownerDocument.createElementNS(NS.ds, 'ds:Object');
      object.appendChild(signature.ownerDocument.importNode(parseXml(signatureXml).documentElement, true));
      signature.appendChild(object);
    });
    expect(refused(() => verifyXades(verifyInput(nested))).message).toContain('more than one');
    // A second SignedProperties with the same Id.
    const duplicate = edited(signatureXml, (signature) => {
      const object = signature.ownerDocument.createElementNS(NS.ds, 'ds:Object');
      object.appendChild(element(signature, XADES, 'SignedProperties').cloneNode(true));
      signature.appendChild(object);
    });
    refused(() => verifyXades(verifyInput(duplicate)));
    // An element of the signature claiming the content's Id.
    const claiming = edited(signatureXml, (signature) => element(signature, NS.ds, 'KeyInfo').setAttribute('Id', CONTENT_ID));
    expect(refused(() => verifyXades(verifyInput(claiming))).message).toContain('content id');
    // Target of another signature.
    const retargeted = edited(signatureXml, (signature) => element(signature, XADES, 'QualifyingProperties').setAttribute('Target', '#elsewhere'));
    refused(() => verifyXades(verifyInput(retargeted)));
    // DTD, not XML, too large, not a Signature.
    refused(() => verifyXades(verifyInput(`<!DOCTYPE x [<!ENTITY e "${SECRET}">]>${signatureXml}`)));
    refused(() => verifyXades(verifyInput(signatureXml.slice(0, -5))));
    refused(() => verifyXades(verifyInput(`${signatureXml}${' '.repeat(1024 * 1024)}`)));
    refused(() => verifyXades(verifyInput(`<Wrapper>${signatureXml}</Wrapper>`)));
    // XML content that is not XML.
    refused(() => verifyXades(verifyInput(signatureXml, { content: Buffer.from(`<a>${SECRET}`) })));
  });
});

describe('canonical form of XML content', () => {
  const compact = Buffer.from('<a xmlns="urn:x" x="1" y="2"><b c="3"/></a>');
  const spaced = Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<a  y="2"\n   x="1" xmlns="urn:x" ><b c=\'3\' ></b ></a>');

  it('attribute order and whitespace inside tags do not matter when signed as XML', () => {
    for (const id of [pki.rsa, pki.ec]) {
      const signatureXml = sign(id, compact, true);
      expect(verifyXades(verifyInput(signatureXml, { content: spaced, contentIsXml: true })).signer.raw.equals(id.certificate.raw)).toBe(true);
    }
  });

  it('but do when signed as bytes', () => {
    const signatureXml = sign(pki.rsa, compact, false);
    expect(verifyXades(verifyInput(signatureXml, { content: compact, contentIsXml: false })).signer.raw.equals(pki.rsa.certificate.raw)).toBe(true);
    refused(() => verifyXades(verifyInput(signatureXml, { content: spaced, contentIsXml: false })));
    // Nor may the verifier change the kind of content the signer chose.
    refused(() => verifyXades(verifyInput(signatureXml, { content: compact, contentIsXml: true })));
  });

  it('is exclusive C14N: namespaces where used, sorted attributes, no comments', () => {
    const document = parseXml(
      '<?xml version="1.0"?>\n<!-- c -->\n<r:root xmlns:r="urn:r" xmlns:u="urn:unused" xmlns="urn:d" z="1" r:a="2" a="3">' +
        '<c xmlns:q="urn:q" q:x="&lt;&#10;&#9;&quot;">t&gt;&#13;<![CDATA[<&>]]><!-- gone --></c><e><f/></e></r:root>',
    );
    expect(exclusiveC14n(document)).toBe(
      '<r:root xmlns:r="urn:r" a="3" z="1" r:a="2"><c xmlns="urn:d" xmlns:q="urn:q" q:x="&lt;&#xA;&#x9;&quot;">t&gt;&#xD;&lt;&amp;&gt;</c><e xmlns="urn:d"><f></f></e></r:root>',
    );
    // An element in context renders only what it uses; its ancestors' declarations stay out.
    const c = document.getElementsByTagName('c').item(0);
    if (c === null) throw new Error('no c');
    expect(exclusiveC14n(c)).toBe('<c xmlns="urn:d" xmlns:q="urn:q" q:x="&lt;&#xA;&#x9;&quot;">t&gt;&#xD;&lt;&amp;&gt;</c>');
    expect(exclusiveC14n(c, ['r'])).toBe('<c xmlns="urn:d" xmlns:q="urn:q" xmlns:r="urn:r" q:x="&lt;&#xA;&#x9;&quot;">t&gt;&#xD;&lt;&amp;&gt;</c>');
  });

  it('refuses what xml-crypto would canonicalize differently from xmlsec: processing instructions and xmlns=""', () => {
    expect(() => exclusiveC14n(parseXml('<r><?p x?></r>'))).toThrow(/processing instructions/);
    expect(() => exclusiveC14n(parseXml('<?p x?><r/>'))).toThrow(/processing instructions/);
    expect(() => exclusiveC14n(parseXml('<r xmlns="urn:d"><e xmlns=""/></r>'))).toThrow(/undeclares/);
  });
});

describe('XAdES-T', () => {
  it('reports a SignatureTimeStamp in the unsigned properties without verifying it', () => {
    const signatureXml = edited(sign(pki.ec), (signature) => {
      const document = signature.ownerDocument;
      const unsigned = document.createElementNS(XADES, 'xades:UnsignedProperties');
      const unsignedSignature = document.createElementNS(XADES, 'xades:UnsignedSignatureProperties');
      const timestamp = document.createElementNS(XADES, 'xades:SignatureTimeStamp');
      const token = document.createElementNS(XADES, 'xades:EncapsulatedTimeStamp');
      token.textContent = 'MIIBAA==';
      timestamp.appendChild(token);
      unsignedSignature.appendChild(timestamp);
      unsigned.appendChild(unsignedSignature);
      element(signature, XADES, 'QualifyingProperties').appendChild(unsigned);
    });
    const result = verifyXades(verifyInput(signatureXml));
    expect(result.hasSignatureTimeStamp).toBe(true);
    expect(result.signer.raw.equals(pki.ec.certificate.raw)).toBe(true);
  });
});
