import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subjectArgument, type Rdn } from './identities.js';
import { openssl } from './openssl.js';

/**
 * Keys and certificates with `openssl genpkey`, `openssl req` and `openssl ca`. Every issuance gets
 * its own throw-away CA database and configuration, so issuances run in parallel, and `openssl ca`
 * sets exact start and end dates and the serial we choose.
 */

export type KeyType = 'rsa' | 'ec';

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** A CA able to sign: its certificate and private key (PEM paths). */
export interface Issuer {
  cert: string;
  key: string;
}

/** The X.509 v3 extensions of each kind of certificate, in `openssl.cnf` syntax. */
export const extensionProfiles = {
  ca: {
    basicConstraints: 'critical,CA:TRUE',
    keyUsage: 'critical,keyCertSign,cRLSign',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid:always',
  },
  /** Personal or organisation authentication (signing) certificate. */
  authentication: {
    basicConstraints: 'critical,CA:FALSE',
    keyUsage: 'critical,digitalSignature,nonRepudiation,keyEncipherment',
    extendedKeyUsage: 'clientAuth,emailProtection',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid',
  },
  /** The encryption certificate published in an ETK. */
  encryption: {
    basicConstraints: 'critical,CA:FALSE',
    keyUsage: 'critical,keyEncipherment,dataEncipherment',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid',
  },
  /** The STS's SAML assertion signing certificate. */
  signing: {
    basicConstraints: 'critical,CA:FALSE',
    keyUsage: 'critical,digitalSignature,nonRepudiation',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid',
  },
  /** The time-stamping authority (RFC 3161 requires this one critical extended key usage). */
  timestamping: {
    basicConstraints: 'critical,CA:FALSE',
    keyUsage: 'critical,digitalSignature,nonRepudiation',
    extendedKeyUsage: 'critical,timeStamping',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid',
  },
  /** The simulator's HTTPS server certificate. */
  tlsServer: {
    basicConstraints: 'critical,CA:FALSE',
    keyUsage: 'critical,digitalSignature,keyEncipherment',
    extendedKeyUsage: 'serverAuth',
    subjectAltName: 'DNS:localhost,IP:127.0.0.1',
    subjectKeyIdentifier: 'hash',
    authorityKeyIdentifier: 'keyid',
  },
} as const satisfies Record<string, Record<string, string>>;

export type ExtensionProfile = keyof typeof extensionProfiles;

/** RSA 2048 or EC P-384 (secp384r1), unencrypted PKCS#8 PEM, mode 0600. */
export async function generateKey(type: KeyType, out: string): Promise<void> {
  const algorithm =
    type === 'rsa' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp384r1'];
  await openssl(['genpkey', '-quiet', ...algorithm, '-out', out]);
  await chmod(out, 0o600);
}

/** A random positive serial of 64 bits (top bit clear so DER needs no sign byte; never small). */
export function randomSerial(): bigint {
  const bytes = randomBytes(8);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return BigInt(`0x${bytes.toString('hex')}`);
}

/** `YYYYMMDDHHMMSSZ`, as `openssl ca -startdate/-enddate` take it. */
export function opensslTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}

function caConfig(profile: ExtensionProfile): string {
  const extensions = Object.entries(extensionProfiles[profile]).map(([name, value]) => `${name} = ${value}`);
  return [
    '[req]',
    'distinguished_name = req_dn',
    'string_mask = utf8only',
    '[req_dn]',
    '[ca]',
    'default_ca = test_ca',
    '[test_ca]',
    'database = index.txt',
    'serial = serial',
    'new_certs_dir = .',
    'default_md = sha256',
    'policy = policy_any',
    'unique_subject = no',
    'copy_extensions = none',
    'email_in_dn = no',
    '[policy_any]',
    // With -preserveDN every RDN of the request is kept, in its order; the policy only checks.
    'countryName = optional',
    '[extensions]',
    ...extensions,
    '',
  ].join('\n');
}

export interface IssueRequest {
  /** A folder for the throw-away CA database (a sub-folder is created and removed). */
  scratch: string;
  subject: readonly Rdn[];
  /** The subject's private key (PEM path). */
  key: string;
  /** Where to write the certificate (PEM). */
  out: string;
  /** The signing CA, or 'self' for a self-signed CA certificate (signed with `key`). */
  issuer: Issuer | 'self';
  validity: Validity;
  profile: ExtensionProfile;
}

/** Issues one certificate; returns its serial number. */
export async function issueCertificate(request: IssueRequest): Promise<bigint> {
  const work = await mkdtemp(join(request.scratch, 'ca-'));
  try {
    const config = join(work, 'ca.cnf');
    const csr = join(work, 'request.csr');
    const serial = randomSerial();
    const hex = serial.toString(16).toUpperCase();
    await Promise.all([
      writeFile(config, caConfig(request.profile)),
      writeFile(join(work, 'index.txt'), ''),
      writeFile(join(work, 'serial'), `${hex.length % 2 === 0 ? hex : `0${hex}`}\n`),
    ]);
    await openssl(['req', '-new', '-config', config, '-key', request.key, '-subj', subjectArgument(request.subject), '-out', csr]);
    const signer = request.issuer === 'self' ? ['-selfsign', '-keyfile', request.key] : ['-cert', request.issuer.cert, '-keyfile', request.issuer.key];
    // The configuration names its database relative to the working directory (no paths in it).
    await openssl(
      [
        'ca', '-batch', '-notext', '-preserveDN', '-config', config, '-name', 'test_ca', '-extensions', 'extensions', ...signer,
        '-startdate', opensslTime(request.validity.notBefore), '-enddate', opensslTime(request.validity.notAfter),
        '-in', csr, '-out', request.out,
      ],
      { cwd: work },
    );
    return serial;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
