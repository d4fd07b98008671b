import { execFile } from 'node:child_process';
import { randomBytes, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Throwaway test PKI made with the `openssl` CLI (no shell): a self-signed CA and end-entity keys
 * and certificates it issues. Module-level cache, so each test file (its own module instance under
 * vitest) makes the material once.
 */
export type KeyKind = 'rsa' | 'ec';

export interface TestIdentity {
  name: string;
  kind: KeyKind;
  keyPath: string;
  certPath: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
}

export interface TestPki {
  dir: string;
  ca: TestIdentity;
  /** RSA-2048 end entity issued by the CA. */
  rsa: TestIdentity;
  /** EC P-384 end entity issued by the CA (like the 2025 eHealth certificates). */
  ec: TestIdentity;
  /** Issues one more end entity (RSA-2048, or EC on `curve`, P-384 by default) under the CA. */
  issue(name: string, kind: KeyKind, curve?: string): Promise<TestIdentity>;
  /** Runs `openssl` in the PKI directory; rejects with stderr on failure. */
  openssl(args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  path(file: string): string;
  cleanup(): void;
}

const END_ENTITY_EXTENSIONS = [
  '[v3]',
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment',
  'extendedKeyUsage = clientAuth, emailProtection',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  '',
].join('\n');

async function runOpenssl(dir: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync('openssl', [...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`openssl ${args[0] ?? ''} ${args[1] ?? ''} failed: ${stderr}`);
  }
}

function identity(dir: string, name: string, kind: KeyKind): TestIdentity {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.pem`);
  return {
    name,
    kind,
    keyPath,
    certPath,
    privateKey: createPrivateKey(readFileSync(keyPath)),
    certificate: new X509Certificate(readFileSync(certPath)),
  };
}

/** A positive random serial of 16 bytes, so decimal aliases are long like real ones. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return `0x${bytes.toString('hex')}`;
}

function keyArgs(kind: KeyKind, curve = 'P-384'): string[] {
  if (!/^[A-Za-z0-9-]+$/.test(curve)) throw new Error(`bad curve name ${curve}`);
  return kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`];
}

async function makePki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'eattest-pki-'));
  const openssl = (args: readonly string[]): Promise<{ stdout: string; stderr: string }> => runOpenssl(dir, args);
  writeFileSync(join(dir, 'ee.cnf'), END_ENTITY_EXTENSIONS);

  await openssl([
    'req', '-x509', ...keyArgs('rsa'), '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3',
    '-subj', '/C=BE/O=eAttest tests/CN=Test CA', '-set_serial', randomSerial(),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);

  const issue = async (name: string, kind: KeyKind, curve?: string): Promise<TestIdentity> => {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad test identity name ${name}`);
    await openssl([
      'req', '-new', ...keyArgs(kind, curve), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`,
      '-subj', `/C=BE/O=eAttest tests/OU=SSIN=00000000097/CN=${name}`,
    ]);
    await openssl([
      'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', randomSerial(),
      '-days', '2', '-sha256', '-extfile', 'ee.cnf', '-extensions', 'v3', '-out', `${name}.pem`,
    ]);
    return identity(dir, name, kind);
  };

  const [rsa, ec] = await Promise.all([issue('rsa', 'rsa'), issue('ec', 'ec')]);
  return {
    dir,
    ca: identity(dir, 'ca', 'rsa'),
    rsa,
    ec,
    issue,
    openssl,
    path: (file) => join(dir, file),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let cached: Promise<TestPki> | undefined;

/** The test file's PKI, made on first use. Call `cleanup()` in `afterAll`. */
export function testPki(): Promise<TestPki> {
  cached ??= makePki();
  return cached;
}
