import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { attestOutcomeSchema, cancelOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { providerResultSchema } from '../../src/shared/host-protocol.js';
import { hello, resultOf, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * Through the built host against the simulator: a guard post signs in with its organisation
 * certificate (no SSIN: the STS certifies it a recognised guard post by its NIHII number), reads a
 * patient's insurability, sends an eAttest of the care its physician on duty gave, and cancels it.
 */

const IN_ORDER = '85041213359';
let pki: TestPki;
let simulator: Simulator;
let stateDir: string;
let host: HostProcess;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  stateDir = provisionHostState({ pki, clinician: pki.guardPost, simulatorUrl: simulator.url });
  host = startHost({ stateDir });
  await hello(host);
});
afterAll(async () => {
  await host.stop();
  await simulator.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function consultation(withPerformer: boolean): Attestation {
  const today = brusselsDate(new Date());
  const onDuty = pki.clinicians.doctorRsa.identity;
  return {
    patient: { ssin: IN_ORDER, firstName: 'Julie', lastName: 'Lambert' },
    careDate: today,
    patientPaidCents: 600,
    ...(withPerformer ? { performer: { nihii11: onDuty.nihii11, ssin: onDuty.ssin, firstName: onDuty.givenName, lastName: onDuty.surname } } : {}),
    acts: [{ code: '101076', quantity: 1, serviceDate: today, amountPaidCents: 600 }],
  };
}

describe('a guard post', () => {
  it('is imported with its organisation certificate and signs in as a guard post, without an SSIN', async () => {
    const config = JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8')) as { profession?: string };
    expect(config.profession).toBe('guardPost');
    const provider = providerResultSchema.parse(resultOf(await host.request('provider', {})));
    expect(provider).toMatchObject({ profession: 'guardPost', nihii11: pki.guardPost.identity.nihii11, name: pki.guardPost.identity.name });
    expect(provider.ssin).toBeUndefined();
  });

  it('reads insurability, sends the eAttest of its physician on duty and cancels it', async () => {
    const today = brusselsDate(new Date());
    const insurability = resultOf(await host.request('insurability', { ssin: IN_ORDER, date: today, contactType: 'other' })) as Insurability;
    expect(insurability.route.kind).toBe('eattest');

    const sent = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation: consultation(true) })));
    if (sent.outcome !== 'acknowledged') throw new Error(`not acknowledged: ${JSON.stringify(sent)}`);
    expect(sent.provider).toMatchObject({ nihii11: pki.guardPost.identity.nihii11, name: pki.guardPost.identity.name });
    const attested = ((await simulatorAttestations(simulator.url, pki.tls.caCert)) as StoredAttestation[]).find((candidate) => candidate.acknowledgementNumber === sent.acknowledgementNumber);
    expect(attested).toMatchObject({ providerNihii11: pki.guardPost.identity.nihii11, performerNihii11: pki.clinicians.doctorRsa.identity.nihii11 });

    const cancelled = cancelOutcomeSchema.parse(resultOf(await host.request('cancel', { acknowledgementNumber: sent.acknowledgementNumber, patientSsin: IN_ORDER, reason: 'C' })));
    expect(cancelled).toMatchObject({ outcome: 'cancelled', acknowledgementNumber: sent.acknowledgementNumber });
  });

  it('consults tariffs as a guard post (CareProvider Organization, author guardpost)', async () => {
    const reply = await host.request('tariffs', { ssin: IN_ORDER, date: brusselsDate(new Date()), codes: ['101076'] });
    if (!reply.ok) throw new Error(`tariffs failed: ${JSON.stringify(reply.error)}`);
    expect(reply.result).toMatchObject({ errors: [] });
  });

  it('is refused before sending an eAttest that names no physician on duty', async () => {
    const answer = await host.request('attest', { attestation: consultation(false) });
    expect(answer).toMatchObject({ error: { code: 'ATTESTATION_CHECK_FAILED' } });
  });
});
