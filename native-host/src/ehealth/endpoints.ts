import type { HostConfig } from '../config.js';

/** Service endpoints per environment (PROTOCOL §1.1); the simulator mirrors the real paths. */

export interface Endpoints {
  sts: string;
  etkDepot: string;
  memberData: string;
  tarification: string;
  eAttest: string;
}

const PATHS: Endpoints = {
  sts: '/IAM/Saml11TokenService/v1',
  etkDepot: '/EtkDepot/v1',
  memberData: '/MyCareNet/MemberData/v1',
  tarification: '/MyCareNet/Tarification/v1',
  eAttest: '/MyCareNet/eAttest/v3',
};

const HOSTS = {
  acceptance: 'https://services-acpt.ehealth.fgov.be',
  production: 'https://services.ehealth.fgov.be',
} as const;

export function endpointsFor(config: HostConfig): Endpoints {
  const base = config.environment === 'simulator' ? config.simulatorUrl.replace(/\/$/, '') : HOSTS[config.environment];
  const resolved = Object.fromEntries(Object.entries(PATHS).map(([service, path]) => [service, `${base}${path}`])) as unknown as Endpoints;
  for (const [service, url] of Object.entries(config.endpoints ?? {})) {
    if (url !== undefined) resolved[service as keyof Endpoints] = url;
  }
  return resolved;
}
