import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { sealWithOpenssl } from '../../simulator/src/cms.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { attestOutcomeSchema, cancelOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * A doctor whose eHealth certificate and ETK are ECDSA P-384 (the 2025 certificates), through the
 * built host against the simulator: every answer is sealed for the doctor's EC ETK, which takes
 * ECDH key agreement on both sides (the simulator with openssl, the host with its own CMS code).
 */

const IN_ORDER = '85041213359';
let pki: TestPki;
let simulator: Simulator;
let host: HostProcess;
let stateDir: string;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorEc, simulatorUrl: simulator.url });
  host = startHost({ stateDir });
  await hello(host);
});
afterAll(async () => {
  await host.stop();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('an EC P-384 doctor through the built host', () => {
  it('reads insurability, sends an eAttest and cancels it', async () => {
    const today = brusselsDate(new Date());
    const insurability = resultOf(await host.request('insurability', { ssin: IN_ORDER, date: today, contactType: 'other' })) as Insurability;
    expect(insurability.route).toEqual({ kind: 'eattest', reason: 'insured' });

    const attestation: Attestation = {
      patient: { ssin: IN_ORDER, firstName: 'Test', lastName: 'Patient' },
      careDate: today,
      collectingEntityCbe: '0820563481',
      patientPaidCents: 1250,
      acts: [{ code: '101010', quantity: 1, serviceDate: today, amountPaidCents: 1250 }],
    };
    const sent = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation })));
    if (sent.outcome !== 'acknowledged') throw new Error(`not acknowledged: ${sent.outcome}`);
    const cancelled = cancelOutcomeSchema.parse(
      resultOf(await host.request('cancel', { acknowledgementNumber: sent.acknowledgementNumber, patientSsin: IN_ORDER, reason: 'C' })),
    );
    expect(cancelled).toMatchObject({ outcome: 'cancelled', acknowledgementNumber: sent.acknowledgementNumber });
  });

  it('imports the EC keys from a modern keystore (AES/PBKDF2) as well as from a legacy one (3DES/RC2), and reads sealed answers with them', async () => {
    const modernState = provisionHostState({ pki, clinician: pki.clinicians.doctorEc, simulatorUrl: simulator.url, keystore: 'modern' });
    const modernHost = startHost({ stateDir: modernState });
    try {
      await hello(modernHost);
      const today = brusselsDate(new Date());
      const insurability = resultOf(await modernHost.request('insurability', { ssin: IN_ORDER, date: today, contactType: 'other' })) as Insurability;
      expect(insurability.route.kind).toBe('eattest');
    } finally {
      await modernHost.stop();
      rmSync(modernState, { recursive: true, force: true });
    }
  });

  it('with an EC authentication key and an RSA ETK in one keystore (what a 2025 keystore may hold), signs with ECDSA and opens RSA-sealed answers', async () => {
    const mixed = pki.clinicians.doctorEcRsaEtk;
    expect([new X509Certificate(readFileSync(mixed.authCert)).publicKey.asymmetricKeyType, new X509Certificate(readFileSync(mixed.encCert)).publicKey.asymmetricKeyType]).toEqual(['ec', 'rsa']);
    const mixedState = provisionHostState({ pki, clinician: mixed, simulatorUrl: simulator.url, keystore: 'modern' });
    const mixedHost = startHost({ stateDir: mixedState });
    try {
      await hello(mixedHost);
      const today = brusselsDate(new Date());
      const insurability = resultOf(await mixedHost.request('insurability', { ssin: IN_ORDER, date: today, contactType: 'other' })) as Insurability;
      expect(insurability.route.kind).toBe('eattest');
      const attestation: Attestation = {
        patient: { ssin: IN_ORDER, firstName: 'Test', lastName: 'Patient' },
        careDate: today,
        collectingEntityCbe: '0820563481',
        patientPaidCents: 900,
        acts: [{ code: '101032', quantity: 1, serviceDate: today, amountPaidCents: 900 }],
      };
      expect(attestOutcomeSchema.parse(resultOf(await mixedHost.request('attest', { attestation }))).outcome).toBe('acknowledged');
    } finally {
      await mixedHost.stop();
      rmSync(mixedState, { recursive: true, force: true });
    }
  });
});

describe("the simulator's seal for an EC ETK", () => {
  it('is ECDH ephemeral-static with the SHA-256 KDF and AES-128 key wrap, addressed by issuer and serial', async () => {
    const mycarenet = pki.mycarenet.auth;
    const recipient = new X509Certificate(readFileSync(pki.clinicians.doctorEc.encCert));
    const sealed = await sealWithOpenssl(Buffer.from('<answer/>'), { certFile: mycarenet.cert, keyFile: mycarenet.key }, recipient);
    const enveloped = execFileSync('openssl', ['cms', '-verify', '-noverify', '-inform', 'DER', '-binary'], { input: sealed });
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: enveloped, encoding: 'utf8' });
    expect(printed).toContain('d.kari:');
    expect(printed).toContain('dhSinglePass-stdDH-sha256kdf-scheme');
    expect(printed).toContain('id-aes128-wrap');
    expect(printed).toContain('d.issuerAndSerialNumber:');
  });
});
