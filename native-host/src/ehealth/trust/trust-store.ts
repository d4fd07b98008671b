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
 */

const CERTIFICATE_FILE = new Set(['.pem', '.crt', '.cer', '.der']);
const MAX_FILES_PER_FOLDER = 50;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ANCHORS = 100;

function misconfigured(message: string, file: string): AppError {
  return new AppError('HOST_MISCONFIGURED', message, { file });
}

function readCertificates(file: string): X509Certificate[] {
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_FILE_BYTES) throw misconfigured('a platform trust anchor file is too large', file);
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw misconfigured('a platform trust anchor file cannot be read', file);
  }
  const text = bytes.toString('latin1');
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  try {
    return pems === null ? [new X509Certificate(bytes)] : pems.map((pem) => new X509Certificate(pem));
  } catch {
    throw misconfigured('a platform trust anchor file holds something other than certificates', file);
  }
}

function filesOf(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw misconfigured('a platform trust anchor file or folder cannot be read', path);
  }
  if (!isFolder) return [path];
  const names = readdirSync(path)
    .filter((name) => CERTIFICATE_FILE.has(extname(name).toLowerCase()))
    .sort();
  if (names.length > MAX_FILES_PER_FOLDER) throw misconfigured(`a platform trust folder holds more than ${MAX_FILES_PER_FOLDER} certificate files`, path);
  return names.map((name) => join(path, name));
}

/** The configured sources of the environment's anchors, in order. */
export function platformTrustSources(config: HostConfig): string[] {
  const perEnvironment = config.trust?.platformCas?.[config.environment] ?? [];
  return [...(config.trust?.stsCaFile !== undefined ? [config.trust.stsCaFile] : []), ...perEnvironment];
}

/** Reads the environment's anchors (CA certificates only; duplicates once). */
export function loadPlatformAnchors(config: HostConfig): X509Certificate[] {
  const sources = platformTrustSources(config);
  if (sources.length === 0) {
    throw new AppError('HOST_MISCONFIGURED', `no trust anchor is configured for the platform in the ${config.environment} environment (trust.platformCas.${config.environment} in config.json)`, {
      missing: `trust.platformCas.${config.environment}`,
    });
  }
  const anchors = new Map<string, X509Certificate>();
  for (const file of sources.flatMap(filesOf)) {
    for (const certificate of readCertificates(file)) anchors.set(certificate.fingerprint256, certificate);
  }
  if (anchors.size === 0) throw new AppError('HOST_MISCONFIGURED', `the platform trust store of the ${config.environment} environment holds no certificate`, { missing: `trust.platformCas.${config.environment}` });
  if (anchors.size > MAX_ANCHORS) throw new AppError('HOST_MISCONFIGURED', `the platform trust store holds more than ${MAX_ANCHORS} certificates`);
  return [...anchors.values()];
}
