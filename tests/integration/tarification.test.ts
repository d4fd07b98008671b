import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { tariffOf } from '../../simulator/src/tarification/tariff-table.js';
import type { Tariffs } from '../../src/shared/domain/tariff.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/** The built host asking tariffs of the simulator over HTTPS, for a GP and for a dentist. */

let pki: TestPki;
let simulator: Simulator;
let doctor: HostProcess;
let dentist: HostProcess;
const today = brusselsDateTime(new Date()).date;
const daysFromToday = (days: number) => new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  doctor = startHost({ stateDir: provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url }) });
  dentist = startHost({ stateDir: provisionHostState({ pki, clinician: pki.clinicians.dentistRsa, simulatorUrl: simulator.url }) });
  await Promise.all([hello(doctor), hello(dentist)]);
});
afterAll(async () => {
  await Promise.all([doctor.stop(), dentist.stop()]);
  await simulator.close();
});

async function tariffs(host: HostProcess, key: Parameters<typeof scenarioByKey>[0], codes: string[], date = today): Promise<Tariffs> {
  const reply = await host.request('tariffs', { ssin: scenarioByKey(key).ssin, date, codes });
  if (!reply.ok) throw new Error(`tariffs failed: ${JSON.stringify(reply.error)}`);
  return reply.result as Tariffs;
}

async function refusal(host: HostProcess, key: Parameters<typeof scenarioByKey>[0], codes: string[], date = today): Promise<{ code: string; details?: Record<string, unknown> }> {
  const reply = await host.request('tariffs', { ssin: scenarioByKey(key).ssin, date, codes });
  if (reply.ok) throw new Error('expected a refusal');
  return reply.error as { code: string; details?: Record<string, unknown> };
}

describe('tariffs', () => {
  it('gives fee, reimbursement and patient share in cents for GP codes', async () => {
    const result = await tariffs(doctor, 'inOrder', ['101010', '101032']);
    const consultation = tariffOf('101010');
    expect(result).toEqual({
      date: today,
      errors: [],
      lines: [
        { code: '101010', fee: consultation?.fee, reimbursement: consultation?.reimbursement, patientShare: consultation?.patientShare },
        { code: '101032', fee: 4675, reimbursement: 3575, patientShare: 1100 },
      ],
    });
  });

  it('applies the preferential patient share to a patient with increased reimbursement', async () => {
    const result = await tariffs(doctor, 'thirdPartyPayment', ['101010']);
    expect(result.lines[0]).toMatchObject({ code: '101010', patientShare: tariffOf('101010')?.preferentialPatientShare });
  });

  it('keeps the usable lines and reports per-code errors (171 specialist code, 130 unknown code) with their code', async () => {
    const result = await tariffs(doctor, 'inOrder', ['101076', '102034', '999999']);
    expect(result.lines.map((line) => line.code)).toEqual(['101076']);
    expect(result.errors).toEqual([
      expect.objectContaining({ code: '171', nomenclatureCode: '102034' }),
      expect.objectContaining({ code: '130', nomenclatureCode: '999999' }),
    ]);
  });

  it('gives dentists their own codes and refuses them GP codes (171)', async () => {
    const result = await tariffs(dentist, 'inOrder', ['371011', '101010']);
    expect(result.lines.map((line) => line.code)).toEqual(['371011']);
    expect(result.errors).toEqual([expect.objectContaining({ code: '171', nomenclatureCode: '101010' })]);
  });

  it('refuses GP codes for a medical-house patient (169) and throws when nothing is usable', async () => {
    const error = await refusal(doctor, 'medicalHouse', ['101010']);
    expect(error).toMatchObject({ code: 'MYCARENET_REFUSED', details: { kmehrCode: '169' } });
  });

  it('types the refusals of the patient and of the date', async () => {
    expect(await refusal(doctor, 'unknown', ['101010'])).toMatchObject({ code: 'PATIENT_UNKNOWN', details: { kmehrCode: '120' } });
    expect(await refusal(doctor, 'notInOrder', ['101010'])).toMatchObject({ code: 'MYCARENET_REFUSED', details: { kmehrCode: '170' } });
    expect(await refusal(doctor, 'inOrder', ['101010'], daysFromToday(2))).toMatchObject({ code: 'DATE_NOT_ALLOWED', details: { kmehrCode: '146' } });
    expect(await refusal(doctor, 'inOrder', ['101010'], daysFromToday(-70))).toMatchObject({ code: 'DATE_NOT_ALLOWED', details: { kmehrCode: '166' } });
  });

  it('accepts a date within the last two months', async () => {
    expect((await tariffs(doctor, 'inOrder', ['101010'], daysFromToday(-30))).lines).toHaveLength(1);
  });
});
