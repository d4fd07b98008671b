import { PROFESSIONS } from '../../src/shared/domain/profession.js';
import { X509Certificate } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { KeyMaterial, TestPki } from './types.js';

/**
 * `<dir>/pki.json`: the TestPki object of a generated folder, written last. A folder is reusable
 * when its pki.json parses, names this folder, all its files exist and no certificate (except the
 * expired doctor's) expires within 30 days.
 */

export const PKI_JSON = 'pki.json';
const RENEW_BEFORE_MS = 30 * 86_400_000;

const path = z.string().min(1);
const service = z.strictObject({ cert: path, key: path });
const clinician = z.strictObject({
  identity: z.strictObject({
    id: z.string(),
    profession: z.enum(PROFESSIONS).exclude(['guardPost']),
    ssin: z.string().regex(/^\d{11}$/),
    nihii11: z.string().regex(/^\d{11}$/),
    givenName: z.string(),
    surname: z.string(),
    keyType: z.enum(['rsa', 'ec']),
    encryptionKeyType: z.exactOptional(z.enum(['rsa', 'ec'])),
  }),
  legacyKeystore: path,
  modernKeystore: path,
  password: z.string().min(1),
  passwordFile: path,
  authCert: path,
  authKey: path,
  encCert: path,
  encKey: path,
  encAlias: z.string().regex(/^\d+$/),
  etk: path,
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
});
const keyMaterial = clinician.omit({ identity: true });
const guardPost = keyMaterial.extend({
  identity: z.strictObject({
    id: z.string(),
    profession: z.literal('guardPost'),
    nihii: z.string().regex(/^\d{8}$/),
    nihii11: z.string().regex(/^\d{11}$/),
    name: z.string(),
    keyType: z.literal('rsa'),
  }),
});
const pkiSchema = z.strictObject({
  dir: path,
  caCert: path,
  caKey: path,
  untrustedCaCert: path,
  clinicians: z.strictObject({ doctorRsa: clinician, dentistRsa: clinician, doctorEc: clinician, doctorEcRsaEtk: clinician, physiotherapist: clinician, nurse: clinician, midwife: clinician, speechTherapist: clinician, traineeDoctor: clinician }),
  guardPost,
  expiredDoctor: clinician,
  untrustedDoctor: clinician,
  mycarenet: z.strictObject({ cbe: z.string().regex(/^\d{10}$/), auth: service, enc: service, encAlias: z.string().regex(/^\d+$/), etk: path }),
  sts: service,
  tsa: service,
  tls: z.strictObject({ cert: path, key: path, caCert: path }),
}) satisfies z.ZodType<TestPki>;

function clinicianFiles(material: KeyMaterial): string[] {
  const { legacyKeystore, modernKeystore, passwordFile, authCert, authKey, encCert, encKey, etk } = material;
  return [legacyKeystore, modernKeystore, passwordFile, authCert, authKey, encCert, encKey, etk];
}

function allClinicians(pki: TestPki): KeyMaterial[] {
  return [...Object.values(pki.clinicians), pki.guardPost, pki.expiredDoctor, pki.untrustedDoctor];
}

/** Every certificate that must stay valid (all but the expired doctor's). */
function liveCertificates(pki: TestPki): string[] {
  const clinicians: KeyMaterial[] = [...Object.values(pki.clinicians), pki.guardPost, pki.untrustedDoctor];
  return [
    pki.caCert,
    pki.untrustedCaCert,
    ...clinicians.flatMap((material) => [material.authCert, material.encCert]),
    pki.mycarenet.auth.cert,
    pki.mycarenet.enc.cert,
    pki.sts.cert,
    pki.tsa.cert,
    pki.tls.cert,
  ];
}

function allFiles(pki: TestPki): string[] {
  return [
    pki.caCert,
    pki.caKey,
    pki.untrustedCaCert,
    ...allClinicians(pki).flatMap(clinicianFiles),
    pki.mycarenet.auth.cert,
    pki.mycarenet.auth.key,
    pki.mycarenet.enc.cert,
    pki.mycarenet.enc.key,
    pki.mycarenet.etk,
    pki.sts.cert,
    pki.sts.key,
    pki.tsa.cert,
    pki.tsa.key,
    pki.tls.cert,
    pki.tls.key,
  ];
}

/** The raw text of `<dir>/pki.json`, or undefined when there is none. */
export async function readPkiText(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, PKI_JSON), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The PKI described by a pki.json text if it is complete and fresh enough for `dir`, else undefined. */
export async function freshPki(dir: string, text: string | undefined, now: Date = new Date()): Promise<TestPki | undefined> {
  if (text === undefined) return undefined;
  let pki: TestPki;
  try {
    const parsed = pkiSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    pki = parsed.data;
  } catch {
    return undefined; // not JSON
  }
  if (pki.dir !== dir) return undefined;
  try {
    await Promise.all(allFiles(pki).map((file) => access(file)));
    const certificates = await Promise.all(liveCertificates(pki).map(async (file) => new X509Certificate(await readFile(file))));
    const horizon = now.getTime() + RENEW_BEFORE_MS;
    return certificates.every((certificate) => Date.parse(certificate.validTo) > horizon) ? pki : undefined;
  } catch {
    return undefined; // a file is missing or unreadable
  }
}

/** Loads `<dir>/pki.json` if the folder is reusable. */
export async function loadFreshPki(dir: string): Promise<TestPki | undefined> {
  return freshPki(dir, await readPkiText(dir));
}

/** The same PKI with every path under `from` moved under `to` (from the generation folder to its final place). */
export function relocatePki(pki: TestPki, from: string, to: string): TestPki {
  const move = (value: unknown): unknown => {
    if (typeof value === 'string') return value === from || value.startsWith(from + sep) ? join(to, relative(from, value)) : value;
    if (Array.isArray(value)) return value.map(move);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, move(item)]));
    return value;
  };
  return pkiSchema.parse(move(pki));
}

/** Writes `<dir>/pki.json` (mode 0600: it holds the keystore passwords). */
export async function writePkiJson(dir: string, pki: TestPki): Promise<void> {
  await writeFile(join(dir, PKI_JSON), `${JSON.stringify(pki, null, 2)}\n`, { mode: 0o600 });
}
