import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brusselsDateTime } from '../../native-host/src/mycarenet/commons/kmehr.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { scenarioByKey, SCENARIO_PATIENTS } from '../../simulator/src/scenarios.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Insurability } from '../../src/shared/domain/insurability.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * The built host consulting MemberData on the simulator over HTTPS: every scenario patient, the
 * DMG holder, one STS token for many calls, and a garbled sealed answer.
 */

let pki: TestPki;
let simulator: Simulator;
let host: HostProcess;
const today = brusselsDateTime(new Date()).date;

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  host = startHost({ stateDir: provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url }) });
  await hello(host);
});
afterAll(async () => {
  await host.stop();
  await simulator.close();
});

async function insurability(key: Parameters<typeof scenarioByKey>[0], contactType: 'other' | 'hospitalized' = 'other'): Promise<Insurability> {
  const reply = await host.request('insurability', { ssin: scenarioByKey(key).ssin, date: today, contactType });
  if (!reply.ok) throw new Error(`insurability of ${key} failed: ${JSON.stringify(reply.error)}`);
  return reply.result as Insurability;
}

async function errorOf(command: string, params: unknown): Promise<{ code: string; details?: Record<string, unknown> }> {
  const reply = await host.request(command, params);
  if (reply.ok) throw new Error(`expected ${command} to fail`);
  return reply.error as { code: string; details?: Record<string, unknown> };
}

describe('insurability of the scenario patients', () => {
  it('in order: eAttest, with the patient as the insurer knows them', async () => {
    const result = await insurability('inOrder');
    const patient = scenarioByKey('inOrder');
    expect(result.route).toEqual({ kind: 'eattest', reason: 'insured' });
    expect(result.insurer).toBe('100');
    expect(result.patient).toMatchObject({ ssin: patient.ssin, familyName: patient.familyName, firstName: patient.firstName, birthDate: patient.birthDate, gender: 'female' });
    expect(result.periods).toHaveLength(1);
    expect(result.periods[0]).toMatchObject({ mutuality: '116', ct1: '110', ct2: '110' });
    expect((result.periods[0]?.start ?? '9999') <= today && (result.periods[0]?.end ?? '9999') >= today).toBe(true);
    expect(result.paymentByInsurer).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.date).toBe(today);
  });

  it('not in order: no current period, paper', async () => {
    const result = await insurability('notInOrder');
    expect(result.periods).toEqual([]);
    expect(result.route).toEqual({ kind: 'paper', reason: 'notInsured' });
    expect(result.generalSituation).toEqual({ event: 'closedBefore' });
  });

  it('medical house: paper, with the house named', async () => {
    const result = await insurability('medicalHouse');
    expect(result.medicalHouse).toMatchObject({ nihii11: scenarioByKey('medicalHouse').medicalHouse?.nihii11, type: 'Medical' });
    expect(result.route).toEqual({ kind: 'paper', reason: 'medicalHouse' });
  });

  it('third-party payment mandatory: eFact', async () => {
    const result = await insurability('thirdPartyPayment');
    expect(result.paymentByInsurer).toBe(true);
    expect(result.periods[0]).toMatchObject({ ct1: '121', ct2: '121' });
    expect(result.route).toEqual({ kind: 'efact', reason: 'thirdPartyPayment' });
  });

  it('JSIS: the rcam insurer, eAttest', async () => {
    const result = await insurability('jsis');
    expect(result.insurer).toBe('rcam');
    expect(result.periods[0]?.mutuality).toBe('rcam');
    expect(result.route).toEqual({ kind: 'eattest', reason: 'jsis' });
  });

  it('unknown SSIN: PATIENT_UNKNOWN with the platform detail code', async () => {
    const error = await errorOf('insurability', { ssin: scenarioByKey('unknown').ssin, date: today, contactType: 'other' });
    expect(error).toMatchObject({ code: 'PATIENT_UNKNOWN', details: { detailCode: 'UNKNOWN_NISS_ROUTING', status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' } });
  });

  it('deceased: paper, with the date of death', async () => {
    const result = await insurability('deceased');
    expect(result.patient.deceasedDate !== undefined && result.patient.deceasedDate < today).toBe(true);
    expect(result.route).toEqual({ kind: 'paper', reason: 'deceased' });
  });

  it('hospitalised: the stay when asked as hospitalized, MISMATCHED_CONTACTTYPE for someone at home', async () => {
    const result = await insurability('hospitalised', 'hospitalized');
    expect(result.hospitalisation).toMatchObject({ hospitalNihii: '71010136000', service: '450' });
    expect((await insurability('hospitalised')).hospitalisation).toBeUndefined();
    const error = await errorOf('insurability', { ssin: scenarioByKey('inOrder').ssin, date: today, contactType: 'hospitalized' });
    expect(error).toMatchObject({ code: 'MYCARENET_REFUSED', details: { detailCode: 'MISMATCHED_CONTACTTYPE' } });
  });

  it('insurer changed: a MUTATION warning and two periods, the new insurer answering', async () => {
    const result = await insurability('insurerChanged');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['MUTATION']);
    expect(result.periods.map((period) => period.mutuality)).toEqual(['132', '526']);
    expect(result.insurer).toBe('500');
    expect(result.route.kind).toBe('eattest');
  });

  it('refuses a day in the future with DATE_NOT_ALLOWED (START_DATE_IN_FUTURE)', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await errorOf('insurability', { ssin: scenarioByKey('inOrder').ssin, date: tomorrow, contactType: 'other' })).toMatchObject({
      code: 'DATE_NOT_ALLOWED',
      details: { detailCode: 'START_DATE_IN_FUTURE' },
    });
  });
});

describe('DMG holder', () => {
  it('names the holder of every insured scenario patient, the medical house for its patients', async () => {
    for (const patient of SCENARIO_PATIENTS.filter((candidate) => ['inOrder', 'medicalHouse', 'jsis', 'insurerChanged'].includes(candidate.key))) {
      const reply = await host.request('dmgHolder', { ssin: patient.ssin, date: today });
      expect(reply).toMatchObject({ ok: true, result: { holder: { nihii11: patient.dmgHolder?.nihii11, familyName: patient.dmgHolder?.familyName } } });
    }
  });

  it('has no holder for a patient who is not in order', async () => {
    expect(await host.request('dmgHolder', { ssin: scenarioByKey('notInOrder').ssin, date: today })).toMatchObject({ ok: true, result: { holder: null } });
  });
});

describe('the session', () => {
  it('uses one STS token and one fetch of each ETK for many consultations', async () => {
    const before = simulator.requestCounts();
    for (let i = 0; i < 3; i++) await insurability('inOrder');
    const after = simulator.requestCounts();
    expect(after.memberdata - before.memberdata).toBe(3);
    expect(after.sts - before.sts).toBe(0);
    expect(after.etk - before.etk).toBe(0);
  });

  it('reports a garbled sealed answer as MYCARENET_BAD_ANSWER and stays healthy', async () => {
    simulator.setFaults([{ service: 'memberdata', kind: 'garbledSeal', count: 1 }]);
    const error = await errorOf('insurability', { ssin: scenarioByKey('inOrder').ssin, date: today, contactType: 'other' });
    expect(error.code).toBe('MYCARENET_BAD_ANSWER');
    expect((await insurability('inOrder')).route.kind).toBe('eattest');
    expect((await host.request('status', {})).ok).toBe(true);
  });
});

describe('the journal of consultations (PROTOCOL rule 1)', () => {
  it('records each consultation, answered or failed, with who was responsible, who executed it and when', async () => {
    await insurability('inOrder');
    const failure = await errorOf('insurability', { ssin: scenarioByKey('unknown').ssin, date: today, contactType: 'other' });
    expect(failure.code).toBe('PATIENT_UNKNOWN');
    const lines = readFileSync(join(host.stateDir, 'journal', 'journal.jsonl'), 'utf8').trim().split('\n');
    const consultations = lines.map((line) => JSON.parse(line) as { at: string; record: Record<string, unknown> }).filter((entry) => entry.record['kind'] === 'consultation');
    const last = consultations.slice(-2);
    const doctor = pki.clinicians.doctorRsa.identity;
    expect(last.map((entry) => [entry.record['subject'], entry.record['patientSsin'], entry.record['outcome'], entry.record['errorCode']])).toEqual([
      ['insurability', scenarioByKey('inOrder').ssin, 'answered', undefined],
      ['insurability', scenarioByKey('unknown').ssin, 'failed', 'PATIENT_UNKNOWN'],
    ]);
    for (const entry of last) {
      expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
      expect(entry.record['responsible']).toMatchObject({ nihii11: doctor.nihii11, ssin: doctor.ssin });
      expect(entry.record['executor']).toMatchObject({ certificateHolderSsin: doctor.ssin, via: 'browser' });
    }
  });
});

