import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { attestOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { providerResultSchema } from '../../src/shared/host-protocol.js';
import { hello, resultOf, startHost } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * Every profession whose eAttests the platform accepts, through the built host against the
 * simulator: the STS certifies the profession with its own attributes, the host names the author
 * with the profession's CD-HCPARTY, and the insurer attests an act of that profession.
 */

const IN_ORDER = '85041213359';
let pki: TestPki;
let simulator: Simulator;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  await simulator.close();
});

async function attested(): Promise<StoredAttestation[]> {
  return (await simulatorAttestations(simulator.url, pki.tls.caCert)) as StoredAttestation[];
}

/** Each profession's act; a physiotherapy session is prescribed (the simulator refuses it without its prescriber: 217). */
const cases = [
  ['physiotherapist', { code: '560011', prescriberNihii: '19910239004', prescribedDaysAgo: 9 }],
  ['nurse', { code: '425110' }],
  ['midwife', { code: '422306' }],
  ['speechTherapist', { code: '711012' }],
] as const;

function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

describe('each profession signs in, reads insurability and attests its own act', () => {
  for (const [profession, act] of cases) {
    it(`a ${profession}`, async () => {
      const clinician = pki.clinicians[profession];
      const stateDir = provisionHostState({ pki, clinician, simulatorUrl: simulator.url });
      const host = startHost({ stateDir });
      try {
        await hello(host);
        const provider = providerResultSchema.parse(resultOf(await host.request('provider', {})));
        expect(provider).toMatchObject({ profession, nihii11: clinician.identity.nihii11, ssin: clinician.identity.ssin });

        const today = brusselsDate(new Date());
        const insurability = resultOf(await host.request('insurability', { ssin: IN_ORDER, date: today, contactType: 'other' })) as Insurability;
        expect(insurability.route.kind).toBe('eattest');

        const attestation: Attestation = {
          patient: { ssin: IN_ORDER, firstName: 'Julie', lastName: 'Lambert' },
          careDate: today,
          collectingEntityCbe: '0820563481',
          patientPaidCents: 2500,
          acts: [
            {
              code: act.code,
              quantity: 1,
              serviceDate: today,
              amountPaidCents: 2500,
              ...('prescriberNihii' in act ? { prescriberNihii: act.prescriberNihii, prescriptionDate: daysBefore(today, act.prescribedDaysAgo) } : {}),
            },
          ],
        };
        const sent = attestOutcomeSchema.parse(resultOf(await host.request('attest', { attestation })));
        if (sent.outcome !== 'acknowledged') throw new Error(`not acknowledged: ${JSON.stringify(sent)}`);
        const stored = (await attested()).find((candidate) => candidate.acknowledgementNumber === sent.acknowledgementNumber);
        expect(stored).toMatchObject({ providerNihii11: clinician.identity.nihii11, acts: [{ code: act.code }] });
      } finally {
        await host.stop();
        rmSync(stateDir, { recursive: true, force: true });
      }
    });
  }
});
