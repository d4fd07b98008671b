import { describe, expect, it, vi } from 'vitest';
import { Attestations, type AttestationStore } from '../../src/background/attestations.js';
import type { HostRequest } from '../../src/background/patient-data.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import type { AttestationRecord, JournalSend } from '../../src/shared/domain/receipt.js';
import { AppError } from '../../src/shared/errors.js';
import type { HostCommandName } from '../../src/shared/host-protocol.js';
import { BACKGROUND_ATTEST_WAIT_MS } from '../../src/shared/transmission-timing.js';

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
  it('keeps the patient’s language the EHR page gave on the record, for their supporting document', async () => {
    const store = new MemoryStore();
    const { host } = fakeHost({ attest: () => acknowledged([...store.records.keys()][0] ?? '') });
    await new Attestations(host, store, undefined, () => NOW).send(attestation, undefined, { patientLanguage: 'de' });
    const [record] = [...store.records.values()];
    expect(record).toMatchObject({ status: 'acknowledged', patientLanguage: 'de' });
  });

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

  it('records what the insurer received, not the edited draft, when the host re-sent the stored request (finding 2)', async () => {
    const store = new MemoryStore();
    const sent: Attestation = { ...attestation, patientPaidCents: 3000 };
    const draft: Attestation = { ...attestation, patientPaidCents: 5000 };
    const { host } = fakeHost({ attest: () => ({ ...acknowledged([...store.records.keys()][0] ?? ''), attestation: sent, attemptNbr: 2, draftNotSent: true }) });
    const outcome = await new Attestations(host, store, undefined, () => NOW).send(draft);
    expect(outcome).toMatchObject({ draftNotSent: true });
    const [record] = store.records.values();
    expect(record?.attestation.patientPaidCents).toBe(3000);
    expect(record?.inputReference).toBe('R1');
  });

  it('keeps an edited draft that did not go out as not sent, and the stored send the host retried as acknowledged under its own key', async () => {
    const store = new MemoryStore();
    const storedKey = 'c'.repeat(64);
    const stored: Attestation = { ...attestation, acts: [{ code: '101010', quantity: 1, serviceDate: '2026-11-30' }] };
    const startedAt = '2026-11-30T08:50:00.000Z';
    await store.putRecord({ consultationKey: storedKey, careDate: '2026-11-30', attestation: stored, status: 'unknown', inputReference: 'R1', lastError: 'MYCARENET_TIMEOUT', startedAt, updatedAt: startedAt });
    const edited: Attestation = { ...attestation, acts: [{ code: '101032', quantity: 1, serviceDate: '2026-11-30' }] };
    const { host } = fakeHost({ attest: () => ({ ...acknowledged(storedKey), attestation: stored, attemptNbr: 2, draftNotSent: true }) });
    await new Attestations(host, store, undefined, () => NOW).send(edited);
    const records = [...store.records.values()];
    expect(records.map((record) => [record.status, record.attestation.acts[0]?.code]).sort()).toEqual([
      ['acknowledged', '101010'],
      ['notSent', '101032'],
    ]);
    expect(store.records.get(storedKey)?.lastError).toBeUndefined();
  });

  it('refuses a second send for the same patient and day while the first is on its way, without asking the host (finding 6)', async () => {
    const store = new MemoryStore();
    let answer: (value: unknown) => void = () => undefined;
    const calls: string[] = [];
    const host: HostRequest = (command) => {
      calls.push(command);
      if (command === 'provider') return Promise.resolve({ ssin: '70010100153', nihii11: NIHII, profession: 'doctor', sessionValidUntil: '2026-11-30T20:00:00.000Z' } as never);
      return new Promise((resolve) => (answer = resolve)) as never;
    };
    const attestations = new Attestations(host, store, undefined, () => NOW);
    const first = attestations.send(attestation);
    await vi.waitFor(() => expect(calls).toContain('attest'));
    await expect(attestations.send({ ...attestation, patientPaidCents: 5000 })).rejects.toMatchObject({ code: 'SEND_IN_FLIGHT', details: { retryAfterS: Math.ceil(BACKGROUND_ATTEST_WAIT_MS / 1000) } });
    expect(calls.filter((command) => command === 'attest')).toHaveLength(1);
    answer(acknowledged([...store.records.keys()][0] ?? ''));
    await expect(first).resolves.toMatchObject({ outcome: 'acknowledged' });
  });

  it('gives up an unknown send through the host with the clinician’s reason, and only an unknown one', async () => {
    const store = new MemoryStore();
    let abandonParams: unknown;
    const { host } = fakeHost({
      attest: () => {
        throw new AppError('MYCARENET_TIMEOUT', 'no answer', { outcome: 'unknown', inputReference: '26113010000000', attemptNbr: 1 });
      },
      abandon: (params) => {
        abandonParams = params;
        return { inputReference: '26113010000000', abandonedAt: '2026-11-30T09:10:00.000Z' };
      },
    });
    const attestations = new Attestations(host, store, undefined, () => NOW);
    await expect(attestations.send(attestation)).rejects.toMatchObject({ code: 'MYCARENET_TIMEOUT' });
    const [record] = store.records.values();
    expect(record).toMatchObject({ status: 'unknown', inputReference: '26113010000000' });
    const abandoned = await attestations.abandon(record?.consultationKey ?? '', 'the insurer holds nothing for this reference');
    expect(abandoned.status).toBe('abandoned');
    expect(abandonParams).toEqual({ inputReference: '26113010000000', reason: 'the insurer holds nothing for this reference' });
    await expect(attestations.abandon(record?.consultationKey ?? '', 'once more, for nothing')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });
});
