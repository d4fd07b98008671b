import { describe, expect, it } from 'vitest';
import { inOrderOn, periodsAround, SCENARIO_PATIENTS, scenarioByKey } from '../../simulator/src/scenarios.js';
import { TARIFF_TABLE, providerKindOf } from '../../simulator/src/tarification/tariff-table.js';
import { isValidSsin } from '../../src/shared/domain/identifiers.js';

describe('scenario patients', () => {
  it('have valid, distinct SSINs, names and a description', () => {
    expect(new Set(SCENARIO_PATIENTS.map((patient) => patient.ssin)).size).toBe(SCENARIO_PATIENTS.length);
    for (const patient of SCENARIO_PATIENTS) {
      expect(isValidSsin(patient.ssin), patient.key).toBe(true);
      expect(patient.description.length).toBeGreaterThan(10);
      expect(patient.familyName).not.toBe('');
    }
  });

  it('give every insured patient a DMG holder', () => {
    for (const patient of SCENARIO_PATIENTS.filter((candidate) => candidate.membership !== undefined)) expect(patient.dmgHolder?.nihii11, patient.key).toMatch(/^\d{11}$/);
  });

  it('are in order or not as their scenario says, on any day', () => {
    for (const day of ['2026-01-01', '2026-03-31', '2026-12-31', '2028-02-29']) {
      expect(inOrderOn(scenarioByKey('inOrder'), day)).toBe(true);
      expect(inOrderOn(scenarioByKey('notInOrder'), day)).toBe(false);
      expect(inOrderOn(scenarioByKey('deceased'), day)).toBe(false);
      expect(inOrderOn(scenarioByKey('unknown'), day)).toBe(false);
      const changed = periodsAround(scenarioByKey('insurerChanged'), day);
      expect(changed.map((period) => period.insurer)).toEqual(['100', '500']);
      expect(changed.every((period) => period.start <= day && period.end >= day)).toBe(true);
      expect(periodsAround(scenarioByKey('notInOrder'), day).every((period) => period.end < day)).toBe(true);
    }
  });
});

describe('the tariff table', () => {
  it('is consistent: fee = reimbursement + patient share, shares within the fee', () => {
    for (const entry of TARIFF_TABLE) {
      expect(entry.reimbursement + entry.patientShare, entry.code).toBe(entry.fee);
      expect(entry.preferentialPatientShare).toBeLessThanOrEqual(entry.patientShare);
      expect(entry.code).toMatch(/^\d{6}$/);
    }
    expect(new Set(TARIFF_TABLE.map((entry) => entry.code)).size).toBe(TARIFF_TABLE.length);
  });

  it('tells GPs from specialists by the NIHII qualification', () => {
    expect(providerKindOf('doctor', '19900104004')).toBe('gp');
    expect(providerKindOf('doctor', '19900104580')).toBe('specialist');
    expect(providerKindOf('dentist', '39900204001')).toBe('dentist');
  });
});
