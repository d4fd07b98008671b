import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type ClinicianMaterial, type TestPki } from '../../simulator/pki/test-pki.js';
import type { FaultRule } from '../../simulator/src/faults.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema, cancelOutcomeSchema, journalSendSchema, type AttestOutcome } from '../../src/shared/domain/receipt.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { builtHostScript } from '../support/paths.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * eAttest v3 send and cancel: the built host process (frames on stdio, and its command line)
 * against the simulator over HTTPS, with the journal on disk. The simulator keeps its own record
 * of what was attested (GET /__control/attestations), so that "exactly one attestation" is
 * checked on the insurer's side, not only in the host's journal.
 */

const execFileAsync = promisify(execFile);
const PATIENTS = {
  inOrder: '85041213359',
  medicalHouse: '90011720617',
  thirdPartyPayment: '48060306126',
  jsis: '81112531237',
  unknown: '95022842763',
} as const;
const OBSERVED_FORM = /^\d{3}-1-\d{6}-\d{7}-\d{2}$/;

let pki: TestPki;
let simulator: Simulator;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await simulator.close();
});

function today(): string {
  return brusselsDate(new Date());
}

/** Each test its own acts, so that the simulator's duplicate check (187) only strikes where meant. */
function attestation(ssin: string, codes: readonly string[]): Attestation {
  const careDate = today();
  return {
    patient: { ssin, firstName: 'Test', lastName: 'Patient' },
    careDate,
    collectingEntityCbe: '0820563481',
    patientPaidCents: 1250,
    acts: codes.map((code) => ({ code, quantity: 1, serviceDate: careDate, amountPaidCents: 1250 })),
  };
}

function stateFor(clinician: ClinicianMaterial = pki.clinicians.doctorRsa): string {
  const stateDir = provisionHostState({ pki, clinician, simulatorUrl: simulator.url });
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  return stateDir;
}

async function hostOn(stateDir: string): Promise<HostProcess> {
  const host = startHost({ stateDir });
  // stop() would remove the state directory; the tests' cleanup does that.
  cleanups.push(async () => {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.stdin.end();
      await host.exited;
    }
  });
  const greeting = await hello(host);
  if (!greeting.ok) throw new Error('the host refused the handshake');
  return host;
}

function attestedAt(): Promise<StoredAttestation[]> {
  return new Promise((resolve, reject) => {
    get(`${simulator.url}/__control/attestations`, { ca: readFileSync(pki.caCert, 'utf8') }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { attestations: StoredAttestation[] }).attestations));
    }).on('error', reject);
  });
}

function totalRequests(): number {
  return Object.values(simulator.requestCounts()).reduce((sum, count) => sum + count, 0);
}

function outcomeOf(reply: HostReply): AttestOutcome {
  if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
  return attestOutcomeSchema.parse(reply.result);
}

async function verifyJournal(stateDir: string): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--verify', '--state-dir', stateDir], { encoding: 'utf8' });
  return stdout;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function faults(rules: FaultRule[]): void {
  simulator.setFaults(rules);
  cleanups.push(() => simulator.setFaults([]));
}

describe('eAttest send', () => {
  it('is acknowledged with a number in the observed form; a second send of the same consultation is refused without a network call', async () => {
    const stateDir = stateFor();
    const host = await hostOn(stateDir);
    const sent = attestation(PATIENTS.inOrder, ['101010']);
    const started = performance.now();
    const first = outcomeOf(await host.request('attest', { attestation: sent }));
    const coldMs = performance.now() - started;
    expect(first).toMatchObject({ outcome: 'acknowledged', insurer: '100', attemptNbr: 1, attestation: sent });
    if (first.outcome !== 'acknowledged') throw new Error('not acknowledged');
    expect(first.acknowledgementNumber).toMatch(OBSERVED_FORM);
    expect(first.acknowledgementNumber.startsWith(`100-1-${today().slice(2).replace(/-/g, '')}-`)).toBe(true);
    expect(first.inputReference).toMatch(/^\d{14}$/);

    const requestsBefore = totalRequests();
    // A corrected amount (the act's and so the total) is still the same consultation.
    const second = await host.request('attest', { attestation: { ...sent, patientPaidCents: 1300, acts: sent.acts.map((act) => ({ ...act, amountPaidCents: 1300 })) } });
    expect(second).toMatchObject({ ok: false, error: { code: 'ALREADY_ATTESTED', details: { acknowledgementNumber: first.acknowledgementNumber } } });
    expect(totalRequests()).toBe(requestsBefore);

    // A warm send (token, ETKs and TLS connection reused) of another consultation.
    const warmStarted = performance.now();
    const warm = outcomeOf(await host.request('attest', { attestation: attestation(PATIENTS.inOrder, ['101032']) }));
    const warmMs = performance.now() - warmStarted;
    expect(warm.outcome).toBe('acknowledged');
    process.stderr.write(`eAttest send through the built host: first ${Math.round(coldMs)} ms (STS, ETKs, TLS), warm ${Math.round(warmMs)} ms\n`);

    const day = await host.request('journalDay', { date: today() });
    if (!day.ok) throw new Error('journalDay failed');
    const sends = (day.result as { sends: unknown[] }).sends.map((send) => journalSendSchema.parse(send));
    expect(sends.map((send) => [send.status, send.acknowledgementNumber])).toEqual([
      ['acknowledged', first.acknowledgementNumber],
      ['acknowledged', warm.outcome === 'acknowledged' ? warm.acknowledgementNumber : ''],
    ]);
    expect(sends[0]?.attestation).toEqual(sent);
    expect(await verifyJournal(stateDir)).toContain('chain valid');
  });

  const refusals: [string, Attestation, string, FaultRule[]][] = [
    ['169 for a patient of a medical house', attestation(PATIENTS.medicalHouse, ['101076']), '169', []],
    ['196 when third-party payment is mandatory', attestation(PATIENTS.thirdPartyPayment, ['101076']), '196', []],
    ['120 for a patient no insurer knows', attestation(PATIENTS.unknown, ['101076']), '120', []],
    ['120 for a JSIS patient routed to the Belgian insurers', attestation(PATIENTS.jsis, ['101076']), '120', []],
    ['191 and 238 when the care is not of the insurer’s today', attestation(PATIENTS.inOrder, ['475075']), '191', [{ service: 'eattest', kind: 'clockAheadOneDay', count: 1 }]],
  ];
  for (const [name, sent, code, rules] of refusals) {
    it(`is refused with ${name}`, async () => {
      faults(rules);
      const host = await hostOn(stateFor());
      const outcome = outcomeOf(await host.request('attest', { attestation: sent }));
      if (outcome.outcome !== 'refused') throw new Error(`expected a refusal, got ${outcome.outcome}`);
      expect(outcome.refusals.map((refusal) => refusal.code)).toContain(code);
      for (const refusal of outcome.refusals) {
        expect(refusal.location).toMatch(/^\/SendTransactionRequest\//);
        expect(refusal.description).toBeTruthy();
      }
      if (code === '191') expect(outcome.refusals.map((refusal) => refusal.code)).toContain('238');
    });
  }

  it('routes a JSIS patient to "rcam" when told, and is acknowledged there', async () => {
    const host = await hostOn(stateFor());
    const outcome = outcomeOf(await host.request('attest', { attestation: attestation(PATIENTS.jsis, ['101010']), jsis: true }));
    expect(outcome).toMatchObject({ outcome: 'acknowledged', insurer: 'rcam' });
  });

  it('is refused with 187 when another computer already attested the same care; the journal then refuses it without a call', async () => {
    const sent = attestation(PATIENTS.inOrder, ['102034']);
    expect(outcomeOf(await (await hostOn(stateFor())).request('attest', { attestation: sent })).outcome).toBe('acknowledged');
    const host = await hostOn(stateFor());
    const outcome = outcomeOf(await host.request('attest', { attestation: sent }));
    if (outcome.outcome !== 'refused') throw new Error('expected 187');
    expect(outcome.refusals).toEqual([expect.objectContaining({ code: '187', location: expect.stringContaining('/transaction[2]/item[1]') as unknown })]);
    const requestsBefore = totalRequests();
    expect(await host.request('attest', { attestation: sent })).toMatchObject({ ok: false, error: { code: 'ALREADY_ATTESTED' } });
    expect(totalRequests()).toBe(requestsBefore);
  });

  it('refuses care of another day before sending anything', async () => {
    const host = await hostOn(stateFor());
    const yesterday = new Date(Date.now() - 86_400_000);
    const sent = { ...attestation(PATIENTS.inOrder, ['102550']), careDate: brusselsDate(yesterday) };
    sent.acts = sent.acts.map((act) => ({ ...act, serviceDate: sent.careDate }));
    const requestsBefore = totalRequests();
    expect(await host.request('attest', { attestation: sent })).toMatchObject({ ok: false, error: { code: 'DATE_NOT_ALLOWED' } });
    expect(totalRequests()).toBe(requestsBefore);
  });

  it('refuses an attestation that breaks the insurers’ rules before any request, and journals nothing', async () => {
    const host = await hostOn(stateFor());
    const base = attestation(PATIENTS.inOrder, ['102550']);
    const inHospital = { ...base, acts: base.acts.map((act) => ({ ...act, placeNihii: '71010136', placeType: 'hospital' as const })) };
    // A doctor's attestation with a tooth: the configured profession (the STS's) decides, before the STS is asked.
    const withTooth = { ...base, acts: base.acts.map((act) => ({ ...act, tooth: '36' })) };
    const requestsBefore = totalRequests();
    expect(await host.request('attest', { attestation: inHospital })).toMatchObject({
      ok: false,
      error: { code: 'ATTESTATION_CHECK_FAILED', details: { rules: 'hospitalServiceMissing@acts.0.placeServiceCode', catalogueCodes: '243' } },
    });
    expect(await host.request('attest', { attestation: withTooth })).toMatchObject({ ok: false, error: { code: 'ATTESTATION_CHECK_FAILED', details: { rules: 'toothNotDentist@acts.0.tooth' } } });
    expect(totalRequests()).toBe(requestsBefore);
    expect(await host.request('journalDay', { date: today() })).toMatchObject({ ok: true, result: { sends: [] } });
  });

  it('works from the command line too (attest --file)', async () => {
    const stateDir = stateFor();
    const file = join(stateDir, 'consultation.json');
    writeFileSync(file, JSON.stringify(attestation(PATIENTS.inOrder, ['102093'])));
    const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'attest', '--file', file, '--state-dir', stateDir], { encoding: 'utf8' });
    const outcome = attestOutcomeSchema.parse(JSON.parse(stdout));
    expect(outcome.outcome).toBe('acknowledged');
  });
});

describe('prewarming (the host started when an EHR consultation is seen)', () => {
  it('signs in and fetches the ETKs only, sends and journals nothing, and leaves the first send one round trip', async () => {
    const stateDir = stateFor();
    const host = await hostOn(stateDir);
    const before = simulator.requestCounts();
    const attestedBefore = (await attestedAt()).length;
    const warmed = await host.request('warm', {});
    expect(warmed).toMatchObject({ ok: true, result: { warmed: true } });
    const afterWarm = simulator.requestCounts();
    expect(afterWarm.sts - before.sts).toBe(1);
    expect(afterWarm.etk - before.etk).toBe(2);
    for (const service of ['memberdata', 'tarification', 'eattest'] as const) expect(afterWarm[service]).toBe(before[service]);
    expect(await attestedAt()).toHaveLength(attestedBefore);
    // The send rehearsal left no trace: no journal entry, no send record.
    expect(await verifyJournal(stateDir)).toMatch(/\b0 entries\b/);
    expect(readFileSync(join(stateDir, 'host.log'), 'utf8')).not.toContain('rehearsing a send failed');
    expect(existsSync(join(stateDir, 'eattest', 'sends'))).toBe(false);

    outcomeOf(await host.request('attest', { attestation: attestation(PATIENTS.inOrder, ['104377']) }));
    const afterSend = simulator.requestCounts();
    expect(afterSend.eattest - afterWarm.eattest).toBe(1);
    expect(afterSend.sts).toBe(afterWarm.sts);
    expect(afterSend.etk).toBe(afterWarm.etk);
  });
});

describe('the code cache (native-host/src/boot/code-cache.ts)', () => {
  /** The fields of the last "host services loaded" line of the host's log. */
  function servicesLoaded(stateDir: string): Record<string, unknown> {
    const lines = readFileSync(join(stateDir, 'host.log'), 'utf8').trim().split('\n');
    const line = lines.reverse().find((candidate) => candidate.includes('"host services loaded"'));
    if (line === undefined) throw new Error('the host never loaded its services');
    return JSON.parse(line) as Record<string, unknown>;
  }

  it('is saved by a host that rehearsed a send, and compiles the next host without source parsing', async () => {
    const stateDir = stateFor();
    const first = await hostOn(stateDir);
    expect(await first.request('warm', {})).toMatchObject({ ok: true, result: { warmed: true } });
    expect(servicesLoaded(stateDir)).toMatchObject({ codeCacheAccepted: 0, codeCacheRejected: 0 });
    first.child.stdin.end();
    expect(await first.exited).toBe(0);
    const entries = readdirSync(join(stateDir, 'code-cache'));
    expect(entries).toContain('host-main.cjs.v8cache');
    expect(entries.some((entry) => /^chunks%2Fconsult-.+\.cjs\.v8cache$/.test(entry))).toBe(true);

    const second = await hostOn(stateDir);
    expect(await second.request('provider', {})).toMatchObject({ ok: true });
    const loaded = servicesLoaded(stateDir);
    expect(loaded).toMatchObject({ codeCacheAbsent: 0, codeCacheRejected: 0 });
    expect(loaded['codeCacheAccepted']).toBeGreaterThanOrEqual(4);
    outcomeOf(await second.request('attest', { attestation: attestation(PATIENTS.inOrder, ['101077']) }));
  });
});

describe('an unknown outcome is settled by a retry under the same InputReference', () => {
  async function expectOneAttestation(stateDir: string, retried: AttestOutcome, inputReference: string): Promise<void> {
    expect(retried).toMatchObject({ outcome: 'acknowledged', inputReference, attemptNbr: 2 });
    const held = (await attestedAt()).filter((stored) => stored.inputReference === inputReference);
    expect(held).toHaveLength(1);
    expect(held[0]?.attempts).toEqual([1, 2]);
    if (retried.outcome === 'acknowledged') expect(retried.acknowledgementNumber).toBe(held[0]?.acknowledgementNumber);
    expect(await verifyJournal(stateDir)).toContain('chain valid');
    const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--state-dir', stateDir], { encoding: 'utf8' });
    expect(stdout).toContain(`ref ${inputReference} attempt 2  acknowledged ${held[0]?.acknowledgementNumber ?? '?'}`);
  }

  it('(a) the insurer accepted, the host was killed before journaling the outcome', async () => {
    const stateDir = stateFor();
    const sent = attestation(PATIENTS.inOrder, ['103132']);
    faults([{ service: 'eattest', kind: 'hangAfterAccept', latencyMs: 120_000, count: 1 }]);
    const doomed = await hostOn(stateDir);
    doomed.send({ id: 'lost', command: 'attest', params: { attestation: sent } });
    const stored = await waitFor(async () => (await attestedAt()).find((candidate) => candidate.patientSsin === PATIENTS.inOrder && candidate.acts.some((act) => act.code === '103132')), 20_000);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    expect(doomed.replies.filter((reply) => reply.id === 'lost')).toHaveLength(0);

    const host = await hostOn(stateDir);
    const retried = outcomeOf(await host.request('attest', { attestation: sent }));
    await expectOneAttestation(stateDir, retried, stored.inputReference);
  });

  it('(b) the connection dropped after the insurer accepted', async () => {
    const stateDir = stateFor();
    const sent = attestation(PATIENTS.inOrder, ['101075']);
    faults([{ service: 'eattest', kind: 'dropAfterAccept', count: 1 }]);
    const host = await hostOn(stateDir);
    const dropped = await host.request('attest', { attestation: sent });
    expect(dropped).toMatchObject({ ok: false, error: { code: 'MYCARENET_UNAVAILABLE', details: { outcome: 'unknown', attemptNbr: 1 } } });
    const inputReference = dropped.ok ? '' : String(dropped.error.details?.['inputReference']);
    const retried = outcomeOf(await host.request('attest', { attestation: sent }));
    await expectOneAttestation(stateDir, retried, inputReference);
  });
});

describe('eAttest cancel', () => {
  async function acknowledged(host: HostProcess, code: string): Promise<string> {
    const outcome = outcomeOf(await host.request('attest', { attestation: attestation(PATIENTS.inOrder, [code]) }));
    if (outcome.outcome !== 'acknowledged') throw new Error('not acknowledged');
    return outcome.acknowledgementNumber;
  }
  const cancelled = async (host: HostProcess, params: unknown) => {
    const reply = await host.request('cancel', params);
    if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
    return cancelOutcomeSchema.parse(reply.result);
  };
  const codes = (outcome: Awaited<ReturnType<typeof cancelled>>) => (outcome.outcome === 'refused' ? outcome.refusals.map((refusal) => refusal.code) : []);

  it('cancels the whole attestation once; then 240, and 141 / 244 / 245 for wrong numbers, patients and authors', async () => {
    const stateDir = stateFor();
    const host = await hostOn(stateDir);
    const number = await acknowledged(host, '101011');
    expect(await cancelled(host, { acknowledgementNumber: number, patientSsin: PATIENTS.inOrder, reason: 'C' })).toMatchObject({ outcome: 'cancelled', acknowledgementNumber: number, reason: 'C' });
    expect((await attestedAt()).find((stored) => stored.acknowledgementNumber === number)?.cancelled?.reason).toBe('C');
    expect(codes(await cancelled(host, { acknowledgementNumber: number, patientSsin: PATIENTS.inOrder, reason: 'C' }))).toEqual(['240']);
    expect(codes(await cancelled(host, { acknowledgementNumber: '100-1-200101-9999999-01', patientSsin: PATIENTS.inOrder, reason: 'A' }))).toEqual(['141']);

    const other = await acknowledged(host, '101012');
    expect(codes(await cancelled(host, { acknowledgementNumber: other, patientSsin: PATIENTS.thirdPartyPayment, reason: 'A' }))).toEqual(['244']);
    const dentist = await hostOn(stateFor(pki.clinicians.dentistRsa));
    expect(codes(await cancelled(dentist, { acknowledgementNumber: other, patientSsin: PATIENTS.inOrder, reason: 'B' }))).toEqual(['245']);
    expect(await verifyJournal(stateDir)).toContain('chain valid');

    // Once cancelled, the consultation may be attested again (e.g. corrected).
    const again = outcomeOf(await host.request('attest', { attestation: attestation(PATIENTS.inOrder, ['101011']) }));
    expect(again.outcome).toBe('acknowledged');
  });

  it('is refused with 239 (too late) and 241 (not now) when the insurer says so', async () => {
    const host = await hostOn(stateFor());
    const number = await acknowledged(host, '101013');
    faults([{ service: 'eattest', kind: 'cancelOutOfTime', count: 1 }]);
    expect(codes(await cancelled(host, { acknowledgementNumber: number, patientSsin: PATIENTS.inOrder, reason: 'D' }))).toEqual(['239']);
    faults([{ service: 'eattest', kind: 'cancelBusy', count: 1 }]);
    expect(codes(await cancelled(host, { acknowledgementNumber: number, patientSsin: PATIENTS.inOrder, reason: 'D' }))).toEqual(['241']);
    expect(await cancelled(host, { acknowledgementNumber: number, patientSsin: PATIENTS.inOrder, reason: 'D' })).toMatchObject({ outcome: 'cancelled' });
  });
});
