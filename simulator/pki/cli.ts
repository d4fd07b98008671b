import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeKeystore, type KeystoreReport } from './keystores.js';
import { defaultPkiDir, ensureTestPki, type ClinicianMaterial, type GuardPostMaterial, type TestPki } from './test-pki.js';

/**
 * `tsx simulator/pki/cli.ts [--dir DIR] [--force]`: makes (or reuses) the test PKI and prints what
 * is in it: paths, subjects, serials, algorithms. Never a password or a key.
 */

const usage = 'usage: tsx simulator/pki/cli.ts [--dir DIR] [--force]';

function certificate(path: string): X509Certificate {
  return new X509Certificate(readFileSync(path));
}

function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

function keyOf(cert: X509Certificate): string {
  const details = cert.publicKey.asymmetricKeyDetails;
  if (cert.publicKey.asymmetricKeyType === 'ec') return `EC ${details?.namedCurve ?? '?'}`;
  return `${(cert.publicKey.asymmetricKeyType ?? '?').toUpperCase()} ${details?.modulusLength ?? '?'}`;
}

function decimal(cert: X509Certificate): string {
  return BigInt(`0x${cert.serialNumber}`).toString(10);
}

function until(cert: X509Certificate): string {
  return new Date(cert.validTo).toISOString().slice(0, 10);
}

function protection(report: KeystoreReport): string {
  return `keys ${report.keyBags.join(' | ')}; certificates ${report.certBags.join(' | ')}; MAC ${report.mac}`;
}

function line(label: string, text: string): string {
  return `  ${label.padEnd(15)}${text}`;
}

async function clinicianLines(name: string, material: ClinicianMaterial | GuardPostMaterial): Promise<string[]> {
  const { identity } = material;
  const who = identity.profession === 'guardPost' ? `${identity.name}, guardPost (organisation), NIHII-GUARDPOST ${identity.nihii}` : `${identity.givenName} ${identity.surname}, ${identity.profession}, SSIN ${identity.ssin}`;
  const auth = certificate(material.authCert);
  const enc = certificate(material.encCert);
  const keystores = [...new Set([material.legacyKeystore, material.modernKeystore])];
  const reports = await Promise.all(keystores.map((path) => describeKeystore(path, material.passwordFile)));
  return [
    `${name}: ${who}, NIHII ${identity.nihii11}`,
    line('subject', subjectOf(auth)),
    line('issuer', auth.issuer.split('\n').join(', ')),
    line('auth cert', `serial ${decimal(auth)}, ${keyOf(auth)}, ${material.notBefore} → ${material.notAfter}, ${material.authCert}`),
    line('enc cert', `alias ${material.encAlias}, ${keyOf(enc)}, until ${until(enc)}, ${material.encCert}`),
    ...keystores.flatMap((path, index) => [
      line(index === 0 && keystores.length > 1 ? 'legacy p12' : 'modern p12', path),
      line('', protection(reports[index] ?? { mac: '?', keyBags: [], certBags: [] })),
    ]),
    line('ETK', material.etk),
    line('password in', material.passwordFile),
  ];
}

function serviceLine(label: string, path: string): string {
  const cert = certificate(path);
  return line(label, `${subjectOf(cert)} — serial ${decimal(cert)}, ${keyOf(cert)}, until ${until(cert)}, ${path}`);
}

async function summary(pki: TestPki): Promise<string[]> {
  const named: [string, ClinicianMaterial | GuardPostMaterial][] = [
    ...Object.entries(pki.clinicians),
    ['guardPost', pki.guardPost],
    ['expiredDoctor', pki.expiredDoctor],
    ['untrustedDoctor', pki.untrustedDoctor],
  ];
  const clinicians = await Promise.all(named.map(([name, material]) => clinicianLines(name, material)));
  return [
    serviceLine('test CA', pki.caCert),
    serviceLine('untrusted CA', pki.untrustedCaCert),
    serviceLine('MyCareNet', pki.mycarenet.auth.cert),
    serviceLine('MyCareNet enc', pki.mycarenet.enc.cert),
    line('MyCareNet ETK', `${pki.mycarenet.etk} (CBE ${pki.mycarenet.cbe}, alias ${pki.mycarenet.encAlias})`),
    serviceLine('STS', pki.sts.cert),
    serviceLine('TLS', pki.tls.cert),
    ...clinicians.flat(),
  ];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const started = performance.now();
  const pki = await ensureTestPki(values.dir ?? defaultPkiDir, { force: values.force });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`Test PKI in ${pki.dir} (ready in ${seconds} s)`);
  for (const text of await summary(pki)) console.log(text);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) console.error(usage);
    process.exitCode = 1;
  },
);
