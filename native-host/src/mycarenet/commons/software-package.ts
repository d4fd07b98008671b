import { AppError } from '../../../../src/shared/errors.js';
import type { HostConfig } from '../../config.js';

/**
 * The software package as MyCareNet knows it (CommonInput/Origin/Package) and the IsTest flag.
 * MyCareNet licences the vendor, not the clinician; the licence comes from the configuration.
 */
export interface SoftwarePackage {
  name: string;
  licenceUsername: string;
  licencePassword: string;
}

/** What the simulator expects; never valid against the real platform. */
export const DEVELOPMENT_PACKAGE: SoftwarePackage = {
  name: 'eattest-companion',
  licenceUsername: 'eattest-companion-dev',
  licencePassword: 'simulator-only',
};

export function softwarePackageFor(config: HostConfig): SoftwarePackage {
  if (config.mycarenet !== undefined) {
    return { name: config.mycarenet.packageName, licenceUsername: config.mycarenet.licenceUsername, licencePassword: config.mycarenet.licencePassword };
  }
  if (config.environment === 'simulator') return DEVELOPMENT_PACKAGE;
  throw new AppError('HOST_MISCONFIGURED', `no MyCareNet licence is configured for ${config.environment} (mycarenet.packageName, licenceUsername, licencePassword)`);
}

/** Everything but production is a test: a wrong IsTest sends test data to insurers' real files. */
export function isTestEnvironment(config: HostConfig): boolean {
  return config.environment !== 'production';
}
