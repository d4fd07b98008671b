import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKey, issueCertificate, type ExtensionProfile, type Issuer, type KeyType, type Validity } from './certificates.js';
import { createEtk } from './etk.js';
import { guardPostIdentity, guardPostSubject, identities, MYCARENET_CBE, organisationSubject, personalSubject, STS_CBE, type Rdn } from './identities.js';
import { buildKeystores } from './keystores.js';
import { all } from './openssl.js';
import type { ClinicianIdentity, ClinicianMaterial, KeyMaterial, ServiceMaterial, TestPki } from './types.js';

/**
 * Generates a whole test PKI into an empty folder (absolute path). The steps of different holders
 * run concurrently (the process runner caps the number of children); every path in the result is
 * inside `dir`.
 */

const DAY = 86_400_000;

function addYears(date: Date, years: number): Date {
  const result = new Date(date);
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

interface Context {
  dir: string;
  scratch: string;
}

interface Issued extends ServiceMaterial {
  serial: bigint;
}

async function makeCa(context: Context, name: string, subject: readonly Rdn[], validity: Validity): Promise<Issuer> {
  const key = join(context.dir, `${name}.key.pem`);
  const cert = join(context.dir, `${name}.crt.pem`);
  await generateKey('rsa', key);
  await issueCertificate({ scratch: context.scratch, subject, key, out: cert, issuer: 'self', validity, profile: 'ca' });
  return { cert, key };
}

/** A key pair and its certificate; the key is generated while the issuer may still be in the making. */
async function makeCertified(
  context: Context,
  name: string,
  keyType: KeyType,
  subject: readonly Rdn[],
  issuer: Promise<Issuer>,
  validity: Validity,
  profile: ExtensionProfile,
): Promise<Issued> {
  const key = join(context.dir, `${name}.key.pem`);
  const cert = join(context.dir, `${name}.crt.pem`);
  await generateKey(keyType, key);
  const serial = await issueCertificate({ scratch: context.scratch, subject, key, out: cert, issuer: await issuer, validity, profile });
  return { cert, key, serial };
}

async function makePassword(context: Context, id: string): Promise<{ password: string; passwordFile: string }> {
  const password = randomBytes(18).toString('base64url');
  const passwordFile = join(context.dir, `${id}.password`);
  await writeFile(passwordFile, password, { mode: 0o600 });
  return { password, passwordFile };
}

async function makeClinician(
  context: Context,
  identity: ClinicianIdentity,
  issuer: Promise<Issuer>,
  validity: Validity,
  withLegacyKeystore: boolean,
): Promise<ClinicianMaterial> {
  const material = await makeKeyMaterial(context, identity, personalSubject(identity), issuer, validity, withLegacyKeystore);
  return { identity: { ...identity }, ...material };
}

/** Keystores, certificates and ETK of one holder (a clinician or an organisation). */
async function makeKeyMaterial(
  context: Context,
  holder: { id: string; keyType: KeyType; encryptionKeyType?: KeyType },
  subject: readonly Rdn[],
  issuer: Promise<Issuer>,
  validity: Validity,
  withLegacyKeystore: boolean,
): Promise<KeyMaterial> {
  const { id, keyType } = holder;
  const encryptionKeyType = holder.encryptionKeyType ?? keyType;
  const [{ password, passwordFile }, auth, enc, { cert: caCert }] = await all([
    makePassword(context, id),
    makeCertified(context, `${id}.auth`, keyType, subject, issuer, validity, 'authentication'),
    makeCertified(context, `${id}.enc`, encryptionKeyType, subject, issuer, validity, 'encryption'),
    issuer,
  ]);
  const encAlias = enc.serial.toString(10);
  const modernKeystore = join(context.dir, `${id}.modern.p12`);
  // The expired and untrusted doctors get the modern keystore only (it saves keytool runs);
  // their legacyKeystore names that same modern file.
  const legacyKeystore = withLegacyKeystore ? join(context.dir, `${id}.legacy.p12`) : modernKeystore;
  const etk = join(context.dir, `${id}.etk.der`);
  await all([
    createEtk({ scratch: context.scratch, encCert: enc.cert, signerCert: auth.cert, signerKey: auth.key, out: etk }),
    buildKeystores({
      scratch: context.scratch,
      entries: [
        { alias: 'authentication', cert: auth.cert, key: auth.key },
        { alias: encAlias, cert: enc.cert, key: enc.key },
      ],
      chain: [caCert],
      passwordFile,
      modern: modernKeystore,
      ...(withLegacyKeystore ? { legacy: legacyKeystore } : {}),
    }),
  ]);
  return {
    legacyKeystore,
    modernKeystore,
    password,
    passwordFile,
    authCert: auth.cert,
    authKey: auth.key,
    encCert: enc.cert,
    encKey: enc.key,
    encAlias,
    etk,
    notBefore: validity.notBefore.toISOString(),
    notAfter: validity.notAfter.toISOString(),
  };
}

async function makeMycarenet(context: Context, issuer: Promise<Issuer>, validity: Validity): Promise<TestPki['mycarenet']> {
  const subject = organisationSubject(MYCARENET_CBE, 'MYCARENET', 'MYCARENET');
  const [auth, enc] = await all([
    makeCertified(context, 'mycarenet.auth', 'rsa', subject, issuer, validity, 'authentication'),
    makeCertified(context, 'mycarenet.enc', 'rsa', subject, issuer, validity, 'encryption'),
  ]);
  const etk = join(context.dir, 'mycarenet.etk.der');
  await createEtk({ scratch: context.scratch, encCert: enc.cert, signerCert: auth.cert, signerKey: auth.key, out: etk });
  return {
    cbe: MYCARENET_CBE,
    auth: { cert: auth.cert, key: auth.key },
    enc: { cert: enc.cert, key: enc.key },
    encAlias: enc.serial.toString(10),
    etk,
  };
}

export async function generatePki(dir: string, now: Date = new Date()): Promise<TestPki> {
  const scratch = join(dir, '.scratch');
  await mkdir(scratch, { mode: 0o700 });
  const context: Context = { dir, scratch };

  const start = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const yesterday = new Date(start.getTime() - DAY);
  // 10 years, started early enough to cover the whole life of the expired certificates.
  const caValidity: Validity = { notBefore: addYears(start, -4), notAfter: addYears(start, 6) };
  const current: Validity = { notBefore: yesterday, notAfter: addYears(yesterday, 3) };
  const expired: Validity = { notBefore: addYears(yesterday, -3), notAfter: yesterday };
  // 397 days: the longest a server certificate may live for browsers.
  const tlsValidity: Validity = { notBefore: yesterday, notAfter: new Date(yesterday.getTime() + 397 * DAY) };

  const ca = makeCa(context, 'ca', [['C', 'BE'], ['O', 'eAttest test PKI'], ['CN', 'eAttest Test eHealth issuing CA']], caValidity);
  const untrustedCa = makeCa(
    context,
    'untrusted-ca',
    [['C', 'BE'], ['O', 'Untrusted test PKI'], ['CN', 'Untrusted Test issuing CA']],
    caValidity,
  );
  const [caMaterial, untrusted, doctorRsa, dentistRsa, doctorEc, doctorEcRsaEtk, physiotherapist, nurse, midwife, speechTherapist, traineeDoctor, guardPostKeys, expiredDoctor, untrustedDoctor, mycarenet, sts, tls, tsa] = await all([
    ca,
    untrustedCa,
    makeClinician(context, identities.doctorRsa, ca, current, true),
    makeClinician(context, identities.dentistRsa, ca, current, true),
    makeClinician(context, identities.doctorEc, ca, current, true),
    makeClinician(context, identities.doctorEcRsaEtk, ca, current, true),
    makeClinician(context, identities.physiotherapist, ca, current, true),
    makeClinician(context, identities.nurse, ca, current, true),
    makeClinician(context, identities.midwife, ca, current, true),
    makeClinician(context, identities.speechTherapist, ca, current, true),
    makeClinician(context, identities.traineeDoctor, ca, current, true),
    makeKeyMaterial(context, guardPostIdentity, guardPostSubject(guardPostIdentity), ca, current, true),
    makeClinician(context, identities.expiredDoctor, ca, expired, false),
    makeClinician(context, identities.untrustedDoctor, untrustedCa, current, false),
    makeMycarenet(context, ca, current),
    makeCertified(context, 'sts', 'rsa', organisationSubject(STS_CBE, 'STS test'), ca, current, 'signing'),
    makeCertified(context, 'tls', 'rsa', [['C', 'BE'], ['O', 'eAttest test PKI'], ['CN', 'localhost']], ca, tlsValidity, 'tlsServer'),
    makeCertified(context, 'tsa', 'rsa', [['C', 'BE'], ['O', 'eAttest test PKI'], ['CN', 'eAttest Test Time-Stamping Authority']], ca, current, 'timestamping'),
  ]);
  await rm(scratch, { recursive: true, force: true });

  return {
    dir,
    caCert: caMaterial.cert,
    caKey: caMaterial.key,
    untrustedCaCert: untrusted.cert,
    clinicians: { doctorRsa, dentistRsa, doctorEc, doctorEcRsaEtk, physiotherapist, nurse, midwife, speechTherapist, traineeDoctor },
    guardPost: { identity: { ...guardPostIdentity }, ...guardPostKeys },
    expiredDoctor,
    untrustedDoctor,
    mycarenet,
    sts: { cert: sts.cert, key: sts.key },
    tsa: { cert: tsa.cert, key: tsa.key },
    tls: { cert: tls.cert, key: tls.key, caCert: caMaterial.cert },
  };
}
