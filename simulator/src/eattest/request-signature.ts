import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Caller } from '../front.js';
import { DS_NS, newDocument, readXml, tag, text, writeXml } from '../xml.js';
import { XADES_NS } from './xades-t.js';

/**
 * The clinician's XAdES-BES on an eAttest request (PROTOCOL §5.3), judged by xmlsec1: the detached
 * signature and the content it names are put in one document, both references must verify, the
 * key must chain to the eHealth CA, and the signing certificate must be the caller's own.
 */

export class RequestSignatureRejected extends Error {
  override readonly name = 'RequestSignatureRejected';
}

function xmlsecVerify(file: string, caFile: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('xmlsec1', ['--verify', '--trusted-pem', caFile, '--id-attr:Id', 'BusinessContent', '--id-attr:Id', `${XADES_NS}:SignedProperties`, file], { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code === 0));
  });
}

export async function verifyRequestXades(signatureXml: Buffer, content: { id: string; content: Buffer }, caller: Caller, caFile: string): Promise<void> {
  let signature: Element;
  try {
    signature = readXml(signatureXml.toString('utf8')).documentElement;
  } catch {
    throw new RequestSignatureRejected('the XAdES is not XML');
  }
  if (signature.namespaceURI !== DS_NS || signature.localName !== 'Signature') throw new RequestSignatureRejected('the XAdES is not a ds:Signature');
  const certificates = signature.getElementsByTagNameNS(DS_NS, 'X509Certificate');
  if (certificates.length !== 1 || text(certificates.item(0) ?? undefined).replace(/\s+/g, '') !== caller.holder.raw.toString('base64')) {
    throw new RequestSignatureRejected('the XAdES is not signed with the caller\'s certificate');
  }
  const document = newDocument('', 'Wrapper');
  const wrapper = document.documentElement as Element;
  wrapper.appendChild(tag(document, '', 'BusinessContent', { Id: content.id }, content.content.toString('base64')));
  wrapper.appendChild(document.importNode(signature, true));
  const dir = await mkdtemp(join(tmpdir(), 'sim-xades-verify-'));
  try {
    const file = join(dir, 'signed.xml');
    await writeFile(file, writeXml(document));
    if (!(await xmlsecVerify(file, caFile))) throw new RequestSignatureRejected('the XAdES does not verify over the content');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
