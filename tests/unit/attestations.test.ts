import { describe, expect, it } from 'vitest';
import { Attestations, type AttestationStore } from '../../src/background/attestations.js';
import type { HostRequest } from '../../src/background/patient-data.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import type { AttestationRecord, JournalSend } from '../../src/shared/domain/receipt.js';
import { AppError } from '../../src/shared/errors.js';
import type { HostCommandName } from '../../src/shared/host-protocol.js';

const NIHII = '10012345001';
const NOW = new Date('2026-11-30T09:00:00Z');
const attestation: Attestation = {
  patient: { ssin: '85073003328', firstName: 'Jan', lastName: 'Peeters' },
  careDate: '2026-11-30',
  patientPaidCents: 3000,
  acts: [{ code: '101010', quantity: 1, serviceDate: '2026-11-30' }],
};

class MemoryStore implements AttestationStore {
  readonly records = new Map<string, AttestationRecord>();
  readonly writes: AttestationRecord['status'][] = [];
  record(key: string) {
    return Promise.resolve(this.records.get(key));
  }
  putRecord(record: AttestationRecord) {
    this.records.set(record.consultationKey, record);
    this.writes.push(record.status);
    return Promise.resolve();
  }
  recordsOf(date: string) {
    return Promise.resolve([...this.records.values()].filter((record) => record.careDate === date));
  }
  recordByAcknowledgement(number: string) {
    return Promise.resolve([...this.records.values()].find((record) => record.acknowledgementNumber === number));
  }
}

type Answer = (params: unknown) => unknown;

function fakeHost(answers: Partial<Record<HostCommandName, Answer>>) {
  const calls: HostCommandName[] = [];
  const host: HostRequest = (command, params) => {
    calls.push(command);
    if (command === 'provider') return Promise.resolve({ ssin: '70010100153', nihii11: NIHII, profession: 'doctor', sessionValidUntil: '2026-11-30T20:00:00.000Z' } as never);
    const answer = answers[command];
    if (answer === undefined) return Promise.reject(new Error(`unexpected ${command}`));
    try {
      return Promise.resolve(answer(params) as never);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return { host, calls };
}

function acknowledged(consultationKey: string) {
  return {
    outcome: 'acknowledged',
    acknowledgementNumber: '100-1-261130-1234567-89',
    acknowledgedAt: '2026-11-30T09:00:01.000+01:00',
    inputReference: 'R1',
    attemptNbr: 1,
    consultationKey,
    provider: { nihii11: NIHII, ssin: '70010100153' },
    attestation,
  };
}

describe('sending from the extension', () => {
  it('writes a pending record before asking the host, then the acknowledgement', async () => {
    const store = new MemoryStore();
    let statusWhenHostAsked: string | undefined;
    const { host } = fakeHost({
      attest: () => {
        statusWhenHostAsked = [...store.records.values()][0]?.status;
        return acknowledged([...store.records.keys()][0] ?? '');
      },
    });
    const outcome = await new Attestations(host, store, undefined, () => NOW).send(attestation);
    expect(statusWhenHostAsked).toBe('pending');
    expect(outcome.outcome).toBe('acknowledged');
    expect(store.writes).toEqual(['pending', 'acknowledged']);
    expect([...store.records.values()][0]?.acknowledgementNumber).toBe('100-1-261130-1234567-89');
  });

  it('reads the insurer while the host signs in, and routes a JSIS patient to JSIS', async () => {
    const store = new MemoryStore();
    const order: string[] = [];
    let attestParams: unknown;
    const { host } = fakeHost({
      attest: (params) => {
        attestParams = params;
        return acknowledged([...store.records.keys()][0] ?? '');
      },
    });
    const tracedHost: HostRequest = (command, params) => {
      order.push(`host ${command}`);
      return host(command, params);
    };
    const insurerOf = (ssin: string) => {
      order.push(`insurer ${ssin}`);
      return Promise.resolve('rcam');
    };
    await new Attestations(tracedHost, store, insurerOf, () => NOW).send(attestation);
    expect(order).toEqual([`insurer ${attestation.patient.ssin}`, 'host provider', 'host attest']);
    expect(attestParams).toMatchObject({ jsis: true });
  });

  it('sends nothing when the insurer cannot be read, and says why', async () => {
    const store = new MemoryStore();
    const { host, calls } = fakeHost({ attest: () => acknowledged('') });
    const failing = () => Promise.reject(new AppError('INTERNAL', 'the insurability cache cannot be read'));
    await expect(new Attestations(host, store, failing, () => NOW).send(attestation)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(calls).not.toContain('attest');
    expect(store.writes).toEqual(['pending', 'unknown']);
  });

  it('refuses care of another day before the host is asked', async () => {
    const { host, calls } = fakeHost({});
    const yesterday = { ...attestation, careDate: '2026-11-29', acts: [{ ...attestation.acts[0], serviceDate: '2026-11-29' }] } as Attestation;
    await expect(new Attestations(host, new MemoryStore(), undefined, () => NOW).send(yesterday)).rejects.toMatchObject({ code: 'DATE_NOT_ALLOWED' });
    expect(calls).toEqual([]);
  });

  it('refuses an attestation that breaks the insurers’ rules before the host is asked, and records nothing', async () => {
    const store = new MemoryStore();
    const { host, calls } = fakeHost({ attest: () => acknowledged('') });
    const hospital: Attestation = { ...attestation, acts: [{ code: '101010', quantity: 1, serviceDate: '2026-11-30', placeNihii: '71010136', placeType: 'hospital' }] };
    await expect(new Attestations(host, store, undefined, () => NOW).send(hospital)).rejects.toMatchObject({
      code: 'ATTESTATION_CHECK_FAILED',
      details: { rules: 'hospitalServiceMissing@acts.0.placeServiceCode', catalogueCodes: '243' },
    });
    expect(calls).toEqual([]);
    expect(store.writes).toEqual([]);
  });

  it('refuses a tooth from a provider the platform certified as no dentist, without sending', async () => {
    const store = new MemoryStore();
    const { host, calls } = fakeHost({ attest: () => acknowledged('') });
    const withTooth: Attestation = { ...attestation, acts: [{ code: '374636', quantity: 1, serviceDate: '2026-11-30', tooth: '36' }] };
    await expect(new Attestations(host, store, undefined, () => NOW).send(withTooth)).rejects.toMatchObject({ code: 'ATTESTATION_CHECK_FAILED', details: { rules: 'toothNotDentist@acts.0.tooth' } });
    expect(calls).toEqual(['provider']);
    expect(store.writes).toEqual([]);
  });

  it('refuses a consultation already acknowledged in this profile without asking the host to send', async () => {
    const store = new MemoryStore();
    const { host, calls } = fakeHost({ attest: () => acknowledged([...store.records.keys()][0] ?? '') });
    const attestations = new Attestations(host, store, undefined, () => NOW);
    await attestations.send(attestation);
    await expect(attestations.send({ ...attestation, patientPaidCents: 2500 })).rejects.toMatchObject({ code: 'ALREADY_ATTESTED' });
    expect(calls.filter((command) => command === 'attest')).toHaveLength(1);
  });

  it('leaves the outcome unknown when the host does not answer, and the journal settles it later', async () => {
    const store = new MemoryStore();
    let journal: JournalSend[] = [];
    const { host } = fakeHost({
      attest: () => {
        throw new AppError('MYCARENET_TIMEOUT', 'no answer');
      },
      journalDay: () => ({ sends: journal }),
    });
    const attestations = new Attestations(host, store, undefined, () => NOW);
    await expect(attestations.send(attestation)).rejects.toMatchObject({ code: 'MYCARENET_TIMEOUT' });
    const [record] = store.records.values();
    expect(record?.status).toBe('unknown');
    // The journal learnt the acknowledgement (a retry with the same InputReference got it).
    journal = [
      {
        consultationKey: record?.consultationKey ?? '',
        inputReference: 'R1',
        attemptNbr: 2,
        patientSsin: attestation.patient.ssin,
        careDate: attestation.careDate,
        status: 'acknowledged',
        acknowledgementNumber: '100-1-261130-1234567-89',
        at: '2026-11-30T09:05:00.000+01:00',
        attestation,
      },
    ];
    const [settled] = await attestations.today();
    expect(settled?.status).toBe('acknowledged');
    expect(settled?.acknowledgementNumber).toBe('100-1-261130-1234567-89');
  });

  it('settles leftovers at start only when there is something to settle', async () => {
    const store = new MemoryStore();
    const { host, calls } = fakeHost({ journalDay: () => ({ sends: [] }) });
    const attestations = new Attestations(host, store, undefined, () => NOW);
    await attestations.settleLeftovers();
    expect(calls).toEqual([]);
    const startedAt = '2026-11-30T08:59:00.000Z';
    await store.putRecord({ consultationKey: 'b'.repeat(64), careDate: '2026-11-30', attestation, status: 'unknown', startedAt, updatedAt: startedAt });
    await attestations.settleLeftovers();
    expect(calls).toEqual(['journalDay']);
    expect(store.records.get('b'.repeat(64))?.status).toBe('notSent');
  });

  it('marks a pending record the journal never saw as not sent', async () => {
    const store = new MemoryStore();
    const { host } = fakeHost({ journalDay: () => ({ sends: [] }) });
    const startedAt = '2026-11-30T08:59:00.000Z';
    await store.putRecord({ consultationKey: 'a'.repeat(64), careDate: '2026-11-30', attestation, status: 'pending', startedAt, updatedAt: startedAt });
    const [record] = await new Attestations(host, store, undefined, () => NOW).today();
    expect(record?.status).toBe('notSent');
  });

  it('records a cancellation on the acknowledged record', async () => {
    const store = new MemoryStore();
    const { host } = fakeHost({
      attest: () => acknowledged([...store.records.keys()][0] ?? ''),
      cancel: () => ({ outcome: 'cancelled', acknowledgementNumber: '100-1-261130-1234567-89', reason: 'B', cancelledAt: '2026-11-30T09:10:00.000+01:00' }),
    });
    const attestations = new Attestations(host, store, undefined, () => NOW);
    await attestations.send(attestation);
    await attestations.cancel('100-1-261130-1234567-89', attestation.patient.ssin, 'B');
    expect([...store.records.values()][0]?.status).toBe('cancelled');
  });
});
