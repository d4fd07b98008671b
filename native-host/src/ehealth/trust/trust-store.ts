import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AppError } from '../../../../src/shared/errors.js';
import type { HostConfig } from '../../config.js';

/**
 * The platform's trust store for the configured environment: the CAs that issue the eHealth and
 * MyCareNet certificates the host must recognise (the STS's signing certificate, MyCareNet's seal
 * on answers, the insurers' XAdES-T signer and its time-stamping authority). Each environment has
 * its own CAs (PROTOCOL §3: acceptance and production are issued by different Zetes CAs, the
 * simulator by the test PKI), so they are configuration, per environment, in config.json:
 * `trust.platformCas.<environment>` lists PEM or DER certificate files, or folders of them (every
 * .pem/.crt/.cer/.der inside), each holding one or more anchors. `trust.stsCaFile`, the older single
 * file, still counts, for every environment.
 *
 * The STS's own signing certificate is pinned too, per environment (`trust.stsSigners.<environment>`,
 * files or folders in the same form): the platform's CAs also issue the clinicians' certificates, so
 * "issued by an anchor" does not say "the STS". Several may be listed for a change of certificate.
 */

const CERTIFICATE_FILE = new Set(['.pem', '.crt', '.cer', '.der']);
const MAX_FILES_PER_FOLDER = 50;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ANCHORS = 100;

/** What a set of configured certificates is, in the refusals' words. */
type Kind = 'platform trust anchor' | 'pinned STS certificate';

function misconfigured(message: string, file: string): AppError {
  return new AppError('HOST_MISCONFIGURED', message, { file });
}

function readCertificates(file: string, kind: Kind): X509Certificate[] {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw misconfigured(`a ${kind} file is too large`, file);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw misconfigured(`a ${kind} file cannot be read`, file);
  }
  const text = bytes.toString('latin1');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  try {
    return pems === null ? [new X509Certificate(bytes)] : pems.map((pem) => new X509Certificate(pem));
  } catch {
    throw misconfigured(`a ${kind} file holds something other than certificates`, file);
  }
}

function filesOf(path: string, kind: Kind): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw misconfigured(`a ${kind} file or folder cannot be read`, path);
  }
  if (!isFolder) return [path];
  const names = readdirSync(path)
    .filter((name) => CERTIFICATE_FILE.has(extname(name).toLowerCase()))
    .sort();
  if (names.length > MAX_FILES_PER_FOLDER) throw misconfigured(`a ${kind} folder holds more than ${MAX_FILES_PER_FOLDER} certificate files`, path);
  return names.map((name) => join(path, name));
}

/** The certificates of the configured files and folders, each once, at most MAX_ANCHORS of them. */
function loadCertificates(sources: readonly string[], kind: Kind): X509Certificate[] {
  const certificates = new Map<string, X509Certificate>();
  for (const file of sources.flatMap((source) => filesOf(source, kind))) {
    for (const certificate of readCertificates(file, kind)) certificates.set(certificate.fingerprint256, certificate);
  }
  if (certificates.size > MAX_ANCHORS) throw new AppError('HOST_MISCONFIGURED', `more than ${MAX_ANCHORS} ${kind} certificates are configured`);
  return [...certificates.values()];
}

/** The configured sources of the environment's anchors, in order. */
export function platformTrustSources(config: HostConfig): string[] {
  const perEnvironment = config.trust?.platformCas?.[config.environment] ?? [];
  return [...(config.trust?.stsCaFile !== undefined ? [config.trust.stsCaFile] : []), ...perEnvironment];
}

/** Reads the environment's anchors (CA certificates only; duplicates once). */
export function loadPlatformAnchors(config: HostConfig): X509Certificate[] {
  const sources = platformTrustSources(config);
  const setting = `trust.platformCas.${config.environment}`;
  if (sources.length === 0) {
    throw new AppError('HOST_MISCONFIGURED', `no trust anchor is configured for the platform in the ${config.environment} environment (${setting} in config.json)`, { missing: setting });
  }
  const anchors = loadCertificates(sources, 'platform trust anchor');
  if (anchors.length === 0) throw new AppError('HOST_MISCONFIGURED', `the platform trust store of the ${config.environment} environment holds no certificate`, { missing: setting });
  return anchors;
}

/** The setting that pins the STS's signing certificate in the configured environment. */
export function stsSignerSetting(config: HostConfig): string {
  return `trust.stsSigners.${config.environment}`;
}

/**
 * The certificates the STS of the configured environment signs its tokens with. None configured is a
 * configuration error in every environment, the simulator's included: without a pin, any certificate
 * the platform's CAs issued (a clinician's) could sign a token the host would believe.
 */
export function loadStsSigners(config: HostConfig): X509Certificate[] {
  const setting = stsSignerSetting(config);
  const sources = config.trust?.stsSigners?.[config.environment] ?? [];
  const signers = sources.length === 0 ? [] : loadCertificates(sources, 'pinned STS certificate');
  if (signers.length === 0) {
    throw new AppError('HOST_MISCONFIGURED', `the STS signing certificate of the ${config.environment} environment is not pinned (${setting} in config.json)`, { missing: setting });
  }
  return signers;
}
