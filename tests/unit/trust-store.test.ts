import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostConfigSchema, type HostConfig } from '../../native-host/src/config.js';
import { loadPlatformAnchors, loadStsSigners } from '../../native-host/src/ehealth/trust/trust-store.js';
import { AppError } from '../../src/shared/errors.js';
import { testPki, type TestPki } from '../support/openssl-keys.js';

/**
 * The platform's trust store per environment (ehealth/trust/trust-store.ts): configuration in
 * config.json naming files or folders of CA certificates for each environment, several anchors
 * each; the environment in use picks its own.
 */

let pki: TestPki;

beforeAll(async () => {
  pki = await testPki();
  await pki.openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'second.key', '-out', 'second.pem', '-days', '3', '-subj', '/CN=Second CA', '-addext', 'basicConstraints=critical,CA:TRUE']);
  await pki.openssl(['x509', '-in', 'second.pem', '-outform', 'DER', '-out', 'second.der']);
  mkdirSync(pki.path('acceptance'));
  copyFileSync(pki.path('ca.pem'), pki.path('acceptance/issuing-ca.pem'));
  copyFileSync(pki.path('second.der'), pki.path('acceptance/root.der'));
  writeFileSync(pki.path('acceptance/README.txt'), 'not a certificate: ignored');
  writeFileSync(pki.path('junk.pem'), 'not a certificate either');
}, 60_000);
afterAll(() => pki.cleanup());

function config(raw: Record<string, unknown>): HostConfig {
  return hostConfigSchema.parse(raw);
}

function subjects(raw: Record<string, unknown>): string[] {
  return loadPlatformAnchors(config(raw)).map((certificate) => certificate.subject.split('\n').at(-1) ?? '');
}

describe('the platform trust store', () => {
  it('takes the anchors of the environment in use, from files and folders (PEM and DER)', () => {
    const trust = { platformCas: { simulator: [pki.path('second.pem')], acceptance: [pki.path('acceptance')] } };
    expect(subjects({ environment: 'simulator', trust })).toEqual(['CN=Second CA']);
    expect(subjects({ environment: 'acceptance', trust }).sort()).toEqual(['CN=Second CA', 'CN=Test CA']);
  });

  it('still counts the older single stsCaFile, once per certificate', () => {
    expect(subjects({ environment: 'production', trust: { stsCaFile: pki.path('ca.pem'), platformCas: { production: [pki.path('ca.pem')] } } })).toEqual(['CN=Test CA']);
  });

  it('is a configuration error when the environment has none, or a file cannot be read', () => {
    const refused = (raw: Record<string, unknown>): AppError => {
      try {
        loadPlatformAnchors(config(raw));
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
      throw new Error('expected HOST_MISCONFIGURED');
    };
    expect(refused({ environment: 'production', trust: { platformCas: { acceptance: [pki.path('acceptance')] } } })).toMatchObject({ code: 'HOST_MISCONFIGURED', message: expect.stringContaining('trust.platformCas.production') as unknown });
    expect(refused({ environment: 'acceptance', trust: { platformCas: { acceptance: [pki.path('missing.pem')] } } }).code).toBe('HOST_MISCONFIGURED');
    expect(refused({ environment: 'acceptance', trust: { platformCas: { acceptance: [pki.path('junk.pem')] } } }).code).toBe('HOST_MISCONFIGURED');
  });

  it('is refused by the configuration schema for an unknown environment', () => {
    expect(hostConfigSchema.safeParse({ trust: { platformCas: { staging: ['/x.pem'] } } }).success).toBe(false);
    expect(hostConfigSchema.safeParse({ trust: { stsSigners: { staging: ['/x.pem'] } } }).success).toBe(false);
  });
});

describe('the pinned STS signing certificate', () => {
  function refusedPin(raw: Record<string, unknown>): AppError {
    try {
      loadStsSigners(config(raw));
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected HOST_MISCONFIGURED');
  }

  it('is the environment in use’s own, from files or folders', () => {
    const trust = { stsSigners: { simulator: [pki.path('second.der')], acceptance: [pki.path('acceptance')] } };
    expect(loadStsSigners(config({ environment: 'simulator', trust })).map((certificate) => certificate.subject)).toEqual(['CN=Second CA']);
    expect(loadStsSigners(config({ environment: 'acceptance', trust }))).toHaveLength(2);
  });

  it('missing in any environment, the simulator’s included, is a configuration error naming the setting', () => {
    for (const environment of ['simulator', 'acceptance', 'production']) {
      // The platform's CAs alone do not stand in for the pin, nor does another environment's pin.
      const error = refusedPin({ environment, trust: { platformCas: { [environment]: [pki.path('ca.pem')] }, stsSigners: { ...(environment === 'production' ? { acceptance: [pki.path('ca.pem')] } : {}) } } });
      expect(error).toMatchObject({ code: 'HOST_MISCONFIGURED', details: { missing: `trust.stsSigners.${environment}` } });
      expect(error.message).toContain(`trust.stsSigners.${environment}`);
    }
  });

  it('unreadable, or not a certificate, is a configuration error', () => {
    expect(refusedPin({ environment: 'acceptance', trust: { stsSigners: { acceptance: [pki.path('missing.pem')] } } }).code).toBe('HOST_MISCONFIGURED');
    expect(refusedPin({ environment: 'acceptance', trust: { stsSigners: { acceptance: [pki.path('junk.pem')] } } }).code).toBe('HOST_MISCONFIGURED');
  });
});
