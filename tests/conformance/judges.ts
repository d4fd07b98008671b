import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';

/**
 * The outside judges: Debian's xmllint (official XSDs), xmlsec1 (XML signatures) and openssl
 * (CMS). Each call writes its input to a scratch file and reports the tool's verdict and words.
 */

export const schemasDir = process.env['EATTEST_SCHEMAS_DIR'] ?? join(repoRoot, '..', 'shared', 'schemas');

export function requireSchemas(): void {
  if (!existsSync(schemasDir)) throw new Error(`the official schemas are not at ${schemasDir}: check out shared/ beside the repository or set EATTEST_SCHEMAS_DIR`);
}

const scratch = mkdtempSync(join(tmpdir(), 'eattest-conformance-'));
let counter = 0;

export function scratchFile(name: string, content: string | Uint8Array): string {
  counter += 1;
  const path = join(scratch, `${counter}-${name}`);
  writeFileSync(path, content);
  return path;
}

export interface Verdict {
  ok: boolean;
  output: string;
}

/**
 * The WS-Security schemas in wsdl/ import xml.xsd and xmldsig-core-schema.xsd from their own
 * folder, where the shared set does not carry them; a catalog points those imports at the copies
 * in external/XSD.
 */
function schemaCatalog(): string {
  const entries = ['xml.xsd', 'xmldsig-core-schema.xsd']
    .map((name) => {
      const from = join(schemasDir, 'wsdl', name);
      const to = `file://${join(schemasDir, 'external', 'XSD', name)}`;
      return `<uri name="${from}" uri="${to}"/><system systemId="${from}" uri="${to}"/>`;
    })
    .join('');
  return scratchFile('catalog.xml', `<?xml version="1.0"?><catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">${entries}</catalog>`);
}

function judge(tool: string, args: readonly string[], input?: Uint8Array): Verdict & { stdout: Buffer } {
  const env = tool === 'xmllint' ? { ...process.env, XML_CATALOG_FILES: schemaCatalog() } : process.env;
  const result = spawnSync(tool, args, { input, env, maxBuffer: 32 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`${tool} cannot run (${result.error.message}); .ci/run installs it with apt-get`);
  return { ok: result.status === 0, output: `${result.stdout.toString('utf8')}${result.stderr.toString('utf8')}`.slice(0, 2000), stdout: result.stdout };
}

/** xmllint against an official schema, offline (the schemas' DTD references must not be fetched). */
export function validateXsd(xml: string, schema: string): Verdict {
  return judge('xmllint', ['--nonet', '--noout', '--schema', join(schemasDir, schema), scratchFile('message.xml', xml)]);
}

export interface XmlsecOptions {
  certificate: string;
  idAttributes?: readonly string[];
  nodeXpath?: string;
}

/** xmlsec1 verification of one signature with the given signer certificate. */
export function verifyXmlSignature(xml: string, options: XmlsecOptions): Verdict {
  const args = ['--verify', '--pubkey-cert-pem', options.certificate];
  for (const attribute of options.idAttributes ?? []) args.push(...attribute.split(' '));
  if (options.nodeXpath !== undefined) args.push('--node-xpath', options.nodeXpath);
  args.push(scratchFile('signed.xml', xml));
  return judge('xmlsec1', args);
}

export function opensslCms(args: readonly string[], input: Uint8Array): Verdict & { stdout: Buffer } {
  return judge('openssl', ['cms', ...args], input);
}
