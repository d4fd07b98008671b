import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, ToolFailed } from '../tool.js';
import { DS_NS, newDocument, readXml, tag, writeXml } from '../xml.js';

/**
 * The insurer's XAdES-T (PROTOCOL §5.3), made with outside tools rather than the host's code:
 * xmlsec1 computes the detached signature from a template (contents referenced by Id, transforms
 * base64 and exc-c14n; SignedProperties with SigningTime and SigningCertificate), xmllint
 * canonicalizes the ds:SignatureValue, and `openssl ts` issues the RFC 3161 time-stamp over it.
 */

export const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const BASE64 = 'http://www.w3.org/2000/09/xmldsig#base64';

export interface SignedContent {
  id: string;
  /** The decoded bytes (XML) of the element's base64 text. */
  content: Buffer;
}

export interface KeyFiles {
  certFile: string;
  keyFile: string;
}


/** Decimal serial and RFC 2253 issuer name of a certificate, as XAdES IssuerSerial wants them. */
function issuerSerial(certificate: X509Certificate): { issuer: string; serial: string } {
  // Node prints the issuer one RDN per line, most significant first; RFC 2253 lists them the other way.
  const issuer = certificate.issuer.split('\n').reverse().join(',');
  return { issuer, serial: BigInt(`0x${certificate.serialNumber}`).toString(10) };
}

/** The wrapper document xmlsec1 signs: the contents (base64, by Id) and the signature template. */
function template(contents: readonly SignedContent[], signer: X509Certificate, now: Date): { xml: string; signatureId: string } {
  const document = newDocument('', 'Wrapper');
  const wrapper = document.documentElement as Element;
  for (const content of contents) wrapper.appendChild(tag(document, '', 'BusinessContent', { Id: content.id }, content.content.toString('base64')));
  const signatureId = `xmldsig-${randomUUID()}`;
  const propertiesId = `${signatureId}-xades-signedprops`;
  const ds = (name: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]) => tag(document, DS_NS, `ds:${name}`, attrs, ...children);
  const xades = (name: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]) => tag(document, XADES_NS, `xades:${name}`, attrs, ...children);
  const reference = (attrs: Record<string, string>, transforms: readonly string[]) =>
    ds('Reference', attrs, ds('Transforms', {}, ...transforms.map((algorithm) => ds('Transform', { Algorithm: algorithm }))), ds('DigestMethod', { Algorithm: SHA256 }), ds('DigestValue'));
  const { issuer, serial } = issuerSerial(signer);
  const certDigest = Buffer.from(signer.fingerprint256.replace(/:/g, ''), 'hex').toString('base64');
  const qualifying = xades(
    'QualifyingProperties',
    { Target: `#${signatureId}` },
    xades(
      'SignedProperties',
      { Id: propertiesId },
      xades(
        'SignedSignatureProperties',
        {},
        xades('SigningTime', {}, now.toISOString().replace(/\.\d+Z$/, 'Z')),
        xades('SigningCertificate', {}, xades('Cert', {}, xades('CertDigest', {}, ds('DigestMethod', { Algorithm: SHA256 }), ds('DigestValue', {}, certDigest)), xades('IssuerSerial', {}, ds('X509IssuerName', {}, issuer), ds('X509SerialNumber', {}, serial)))),
      ),
    ),
  );
  qualifying.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:xades', XADES_NS);
  const signature = ds(
    'Signature',
    { Id: signatureId },
    ds(
      'SignedInfo',
      {},
      ds('CanonicalizationMethod', { Algorithm: EXC_C14N }),
      ds('SignatureMethod', { Algorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' }),
      ...contents.map((content) => reference({ URI: `#${content.id}` }, [BASE64, EXC_C14N])),
      reference({ Type: 'http://uri.etsi.org/01903#SignedProperties', URI: `#${propertiesId}` }, [EXC_C14N]),
    ),
    ds('SignatureValue'),
    ds('KeyInfo', {}, ds('X509Data', {}, ds('X509Certificate', {}, signer.raw.toString('base64')))),
    ds('Object', {}, qualifying),
  );
  signature.setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:ds', DS_NS);
  wrapper.appendChild(signature);
  return { xml: writeXml(document), signatureId };
}

const TSA_CONFIG = `[tsa]
default_tsa = simulator_tsa
[simulator_tsa]
serial = ./serial
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

/** Returns the ds:Signature (XAdES-T) over the contents, as XML text. */
export async function signXadesT(contents: readonly SignedContent[], signer: KeyFiles, tsa: KeyFiles, now: Date): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-xades-'));
  try {
    const signerCertificate = new X509Certificate(await readFile(signer.certFile));
    const { xml } = template(contents, signerCertificate, now);
    await writeFile(join(dir, 'template.xml'), xml);
    const signed = await runTool('xmlsec1', [
      '--sign', '--privkey-pem', `${signer.keyFile},${signer.certFile}`,
      '--id-attr:Id', 'BusinessContent', '--id-attr:Id', `${XADES_NS}:SignedProperties`,
      '--output', join(dir, 'signed.xml'), join(dir, 'template.xml'),
    ]).then(() => readFile(join(dir, 'signed.xml'), 'utf8'));
    const document = readXml(signed);
    const signature = document.getElementsByTagNameNS(DS_NS, 'Signature').item(0);
    const value = document.getElementsByTagNameNS(DS_NS, 'SignatureValue').item(0);
    const qualifying = document.getElementsByTagNameNS(XADES_NS, 'QualifyingProperties').item(0);
    if (signature === null || value === null || qualifying === null) throw new ToolFailed('xmlsec1 returned no signature');

    // The time-stamp covers the canonical ds:SignatureValue element (XAdES 1.3.2 §7.3).
    const valueDocument = newDocument(DS_NS, 'ds:SignatureValue');
    (valueDocument.documentElement as Element).appendChild(valueDocument.createTextNode(value.textContent));
    (valueDocument.documentElement as Element).setAttributeNS('http://www.w3.org/2000/xmlns/', 'xmlns:ds', DS_NS);
    await writeFile(join(dir, 'value.xml'), writeXml(valueDocument));
    const canonical = await runTool('xmllint', ['--exc-c14n', join(dir, 'value.xml')]);
    await writeFile(join(dir, 'value.c14n'), canonical);
    await writeFile(join(dir, 'tsa.cnf'), TSA_CONFIG);
    await writeFile(join(dir, 'serial'), '01\n');
    await runTool('openssl', ['ts', '-query', '-data', 'value.c14n', '-sha256', '-cert', '-no_nonce', '-out', 'request.tsq'], { cwd: dir });
    await runTool('openssl', ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'request.tsq', '-signer', tsa.certFile, '-inkey', tsa.keyFile, '-token_out', '-out', 'token.der'], { cwd: dir });
    const token = await readFile(join(dir, 'token.der'));

    const stamp = tag(document, XADES_NS, 'xades:SignatureTimeStamp', { Id: `ts-${randomUUID()}` }, tag(document, DS_NS, 'ds:CanonicalizationMethod', { Algorithm: EXC_C14N }), tag(document, XADES_NS, 'xades:EncapsulatedTimeStamp', {}, token.toString('base64')));
    qualifying.appendChild(tag(document, XADES_NS, 'xades:UnsignedProperties', {}, tag(document, XADES_NS, 'xades:UnsignedSignatureProperties', {}, stamp)));
    return writeXml(signature);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
