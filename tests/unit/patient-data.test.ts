import { describe, expect, it } from 'vitest';
import { PatientData, type AuditEntry, type HostRequest, type PatientDataStore } from '../../src/background/patient-data.js';
import { routeFor, type Insurability } from '../../src/shared/domain/insurability.js';
import type { Tariffs } from '../../src/shared/domain/tariff.js';
import { AppError } from '../../src/shared/errors.js';
import type { HostCommandName, HostParams } from '../../src/shared/host-protocol.js';

const SSIN = '85073003328';
const OTHER_SSIN = '90010100123';
const NIHII = '10012345001';
const PAGE = 'chrome-extension://id/src/popup/index.html';

class MemoryStore implements PatientDataStore {
  readonly answers = new Map<string, { date: string; insurability: Insurability }>();
  readonly audit: AuditEntry[] = [];
  insurabilityFor(key: string) {
    return Promise.resolve(this.answers.get(key)?.insurability);
  }
  keepInsurability(key: string, insurability: Insurability, today: string) {
    this.answers.set(key, { date: today, insurability });
    for (const [other, value] of this.answers) if (value.date < today) this.answers.delete(other);
    return Promise.resolve();
  }
  appendAudit(entry: AuditEntry) {
    this.audit.push(entry);
    return Promise.resolve();
  }
  readonly tariffs = new Map<string, Tariffs>();
  keepTariffs(key: string, tariffs: Tariffs) {
    this.tariffs.set(key, tariffs);
    return Promise.resolve();
  }
  tariffsFor(key: string) {
    return Promise.resolve(this.tariffs.get(key));
  }
}

function insurabilityOf(ssin: string, date: string): Insurability {
  const base = {
    patient: { ssin },
    insurer: '100',
    periods: [{ start: '2026-01-01', mutuality: '120' }],
    paymentByInsurer: false,
    warnings: [],
    date,
    consultedAt: '2026-11-30T09:00:00.000Z',
  };
  return { ...base, route: routeFor(base) };
}

function fakeHost(options: { failInsurability?: AppError } = {}) {
  const calls: { command: HostCommandName; params: unknown }[] = [];
  const host: HostRequest = (command, params) => {
    calls.push({ command, params });
    const answer = (): unknown => {
      switch (command) {
        case 'provider':
          return { ssin: '70010100153', nihii11: NIHII, profession: 'doctor', sessionValidUntil: '2026-11-30T20:00:00.000Z' };
        case 'insurability': {
          if (options.failInsurability !== undefined) throw options.failInsurability;
          const { ssin, date } = params as HostParams<'insurability'>;
          return insurabilityOf(ssin, date);
        }
        case 'tariffs': {
          const { date, codes } = params as HostParams<'tariffs'>;
          // 101010 priced; any other code unknown to the insurer.
          return { date, lines: codes.includes('101010') ? [{ code: '101010', fee: 3000, reimbursement: 2600, patientShare: 400 }] : [], errors: [] };
        }
        case 'dmgHolder':
          return { holder: null, consultedAt: '2026-11-30T09:00:00.000Z' };
        default:
          throw new Error(`unexpected ${command}`);
      }
    };
    // Resolved later, as a real host answer is, so that concurrent callers overlap.
    return new Promise((resolve, reject) => setTimeout(() => {
      try {
        resolve(answer() as never);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }, 5));
  };
  return { host, calls, count: (command: HostCommandName) => calls.filter((call) => call.command === command).length };
}

describe('insurability: at most once per contact (provider + patient + Belgian day)', () => {
  it('answers a cache-only question from this contact’s answer, and never asks MyCareNet for it', async () => {
    const { host, count } = fakeHost();
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => new Date('2026-11-30T09:00:00Z'));
    expect(await data.cachedInsurability(SSIN, PAGE)).toBeUndefined();
    expect(count('insurability')).toBe(0);
    await data.insurability(SSIN, 'other', PAGE);
    expect(await data.cachedInsurability(SSIN, PAGE)).toMatchObject({ fromCache: true, insurability: { patient: { ssin: SSIN } } });
    expect(await data.cachedInsurability(OTHER_SSIN, PAGE)).toBeUndefined();
    expect(count('insurability')).toBe(1);
    expect(store.audit.map((entry) => entry.action)).toEqual(['insurability.consulted', 'insurability.reused']);
  });

  it('asks MyCareNet once, then answers from the cache, and logs both', async () => {
    const { host, count } = fakeHost();
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => new Date('2026-11-30T09:00:00Z'));
    const first = await data.insurability(SSIN, 'other', PAGE);
    const again = await data.insurability(SSIN, 'other', PAGE);
    expect(first.fromCache).toBe(false);
    expect(again).toEqual({ insurability: first.insurability, fromCache: true });
    expect(count('insurability')).toBe(1);
    expect(store.audit.map((entry) => [entry.action, entry.outcome, entry.providerNihii11, entry.patientSsin, entry.date])).toEqual([
      ['insurability.consulted', 'ok', NIHII, SSIN, '2026-11-30'],
      ['insurability.reused', 'ok', NIHII, SSIN, '2026-11-30'],
    ]);
  });

  it('makes one call when two pages ask at the same time', async () => {
    const { host, count } = fakeHost();
    const data = new PatientData(host, new MemoryStore(), () => new Date('2026-11-30T09:00:00Z'));
    const answers = await Promise.all([data.insurability(SSIN, 'other', PAGE), data.insurability(SSIN, 'other', PAGE)]);
    expect(count('insurability')).toBe(1);
    expect(answers[0].insurability).toEqual(answers[1].insurability);
  });

  it('asks again for another patient, and on the next Belgian day (not the next UTC day)', async () => {
    const { host, calls, count } = fakeHost();
    let now = new Date('2026-11-30T22:30:00Z'); // 23:30 in Brussels
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => now);
    await data.insurability(SSIN, 'other', PAGE);
    await data.insurability(OTHER_SSIN, 'other', PAGE);
    expect(count('insurability')).toBe(2);
    now = new Date('2026-11-30T23:30:00Z'); // 00:30 on 1 December in Brussels
    const nextDay = await data.insurability(SSIN, 'other', PAGE);
    expect(nextDay.fromCache).toBe(false);
    expect(count('insurability')).toBe(3);
    expect((calls.at(-1)?.params as HostParams<'insurability'>).date).toBe('2026-12-01');
    // Yesterday's answers are forgotten.
    expect([...store.answers.values()].map((value) => value.date)).toEqual(['2026-12-01']);
  });

  it('a refresh is an explicit, logged second consultation that replaces the cached answer', async () => {
    const { host, count } = fakeHost();
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => new Date('2026-11-30T09:00:00Z'));
    await data.insurability(SSIN, 'other', PAGE);
    const refreshed = await data.refreshInsurability(SSIN, 'hospitalized', PAGE);
    expect(refreshed.fromCache).toBe(false);
    expect(count('insurability')).toBe(2);
    expect(store.audit.map((entry) => entry.action)).toEqual(['insurability.consulted', 'insurability.refreshed']);
    expect((await data.insurability(SSIN, 'other', PAGE)).fromCache).toBe(true);
    expect(count('insurability')).toBe(2);
  });

  it('caches nothing when the consultation fails, and logs the error code', async () => {
    const { host, count } = fakeHost({ failInsurability: new AppError('PATIENT_UNKNOWN', 'unknown') });
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => new Date('2026-11-30T09:00:00Z'));
    await expect(data.insurability(SSIN, 'other', PAGE)).rejects.toMatchObject({ code: 'PATIENT_UNKNOWN' });
    await expect(data.insurability(SSIN, 'other', PAGE)).rejects.toMatchObject({ code: 'PATIENT_UNKNOWN' });
    expect(count('insurability')).toBe(2);
    expect(store.answers.size).toBe(0);
    expect(store.audit.map((entry) => entry.outcome)).toEqual(['PATIENT_UNKNOWN', 'PATIENT_UNKNOWN']);
  });
});

describe('tariffs and the DMG holder', () => {
  it('are asked only when called, never as a side effect of insurability, and each call is logged', async () => {
    const { host, count } = fakeHost();
    const store = new MemoryStore();
    const data = new PatientData(host, store, () => new Date('2026-11-30T09:00:00Z'));
    await data.insurability(SSIN, 'other', PAGE);
    expect(count('tariffs')).toBe(0);
    expect(count('dmgHolder')).toBe(0);
    await data.tariffs(SSIN, ['101010', '475075'], PAGE);
    await data.dmgHolder(SSIN, PAGE);
    expect(count('tariffs')).toBe(1);
    expect(count('dmgHolder')).toBe(1);
    expect(store.audit.slice(1).map((entry) => [entry.action, entry.details])).toEqual([
      ['tariffs.consulted', '101010,475075'],
      ['dmg.consulted', undefined],
    ]);
  });

  it('passes a dental code’s tooth to the host with the codes (CD-ISO-3950 in the tariff request)', async () => {
    const { host, calls } = fakeHost();
    const data = new PatientData(host, new MemoryStore(), () => new Date('2026-11-30T09:00:00Z'));
    await data.tariffs(SSIN, ['374636', '371011'], PAGE, { '374636': '36' });
    expect(calls.find((call) => call.command === 'tariffs')?.params).toEqual({ ssin: SSIN, date: '2026-11-30', codes: ['374636', '371011'], teeth: { '374636': '36' } });
  });

  it('knows the patient’s share of the codes this contact’s tariffs priced, for the receipt, and asks nothing for it', async () => {
    const { host, count } = fakeHost();
    let now = new Date('2026-11-30T09:00:00Z');
    const data = new PatientData(host, new MemoryStore(), () => now);
    expect(await data.knownPatientShares(SSIN, ['101010'])).toBeUndefined();
    await data.tariffs(SSIN, ['101010', '475075'], PAGE);
    expect(await data.knownPatientShares(SSIN, ['101010', '475075'])).toEqual({ '101010': 400 });
    // Another patient, or the same one another day: another contact, nothing known.
    expect(await data.knownPatientShares(OTHER_SSIN, ['101010'])).toBeUndefined();
    now = new Date('2026-12-01T09:00:00Z');
    expect(await data.knownPatientShares(SSIN, ['101010'])).toBeUndefined();
    expect(count('tariffs')).toBe(1);
  });

  it('asks the host for the provider once per worker life', async () => {
    const { host, count } = fakeHost();
    const data = new PatientData(host, new MemoryStore(), () => new Date('2026-11-30T09:00:00Z'));
    await data.insurability(SSIN, 'other', PAGE);
    await data.tariffs(SSIN, ['101010'], PAGE);
    expect(count('provider')).toBe(1);
  });
});
