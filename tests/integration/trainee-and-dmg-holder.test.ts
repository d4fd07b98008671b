import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema, cancelOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * Through the built host against the simulator: a physician in training, whose supervisor was set
 * at `certificate import`, sends an eAttest the supervisor attests and cancels it; an act naming
 * the patient's DMG holder is acknowledged, naming another physician is refused with 167.
 */

/** The scenario patient "inOrder", whose DMG holder is Dr Dupont (simulator/src/scenarios.ts). */
const IN_ORDER = '85041213359';
const DMG_HOLDER = '19910140004';
const OTHER_GP = '19910239004';
let pki: TestPki;
let simulator: Simulator;
const stateDirs: string[] = [];

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  await simulator.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

async function hostFor(clinician: ClinicianMaterial, importOptions: readonly string[] = []): Promise<{ host: HostProcess; stateDir: string }> {
  const stateDir = provisionHostState({ pki, clinician, simulatorUrl: simulator.url, importOptions });
  stateDirs.push(stateDir);
  const host = startHost({ stateDir });
  await hello(host);
  return { host, stateDir };
}

function consultation(code: string, dmgHolderNihii?: string): Attestation {
  const today = brusselsDate(new Date());
  return {
    patient: { ssin: IN_ORDER, firstName: 'Julie', lastName: 'Lambert' },
    careDate: today,
    patientPaidCents: 600,
    acts: [{ code, quantity: 1, serviceDate: today, amountPaidCents: 600, ...(dmgHolderNihii !== undefined ? { dmgHolderNihii } : {}) }],
  };
}

async function stored(number: string): Promise<StoredAttestation | undefined> {
  return ((await simulatorAttestations(simulator.url, pki.tls.caCert)) as StoredAttestation[]).find((candidate) => candidate.acknowledgementNumber === number);
}

describe('a physician in training with a supervisor', () => {
  it('sends an eAttest the supervisor attests, and cancels it', async () => {
    const trainee = pki.clinicians.traineeDoctor.identity;
    const supervisor = pki.clinicians.doctorRsa.identity;
    const { host, stateDir } = await hostFor(pki.clinicians.traineeDoctor, [
      '--supervisor-nihii',
      supervisor.nihii11,
      '--supervisor-ssin',
      supervisor.ssin,
      '--supervisor-first-name',
      supervisor.givenName,
      '--supervisor-last-name',
      supervisor.surname,
    ]);
    try {
      const config = JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8')) as { supervisor?: unknown };
      expect(config.supervisor).toEqual({ nihii11: supervisor.nihii11, ssin: supervisor.ssin, firstName: supervisor.givenName, lastName: supervisor.surname });

      const sent = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation: consultation('101076') })));
      if (sent.outcome !== 'acknowledged') throw new Error(`not acknowledged: ${JSON.stringify(sent)}`);
      expect(await stored(sent.acknowledgementNumber)).toMatchObject({ providerNihii11: trainee.nihii11, supervisorNihii11: supervisor.nihii11 });

      const cancelled = cancelOutcomeSchema.parse(resultOf(await host.request('cancel', { acknowledgementNumber: sent.acknowledgementNumber, patientSsin: IN_ORDER, reason: 'C' })));
      expect(cancelled).toMatchObject({ outcome: 'cancelled', acknowledgementNumber: sent.acknowledgementNumber });
      expect((await stored(sent.acknowledgementNumber))?.cancelled?.reason).toBe('C');
    } finally {
      await host.stop();
    }
  });
});

describe('the DMG holder of an act', () => {
  it('is acknowledged when it is the patient’s holder; another physician gets 167', async () => {
    const { host } = await hostFor(pki.clinicians.doctorRsa);
    try {
      const right = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation: consultation('101010', DMG_HOLDER) })));
      expect(right.outcome).toBe('acknowledged');
      const wrong = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation: consultation('101032', OTHER_GP) })));
      if (wrong.outcome !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(wrong)}`);
      expect(wrong.refusals.map((refusal) => refusal.code)).toEqual(['167']);
    } finally {
      await host.stop();
    }
  });
});
