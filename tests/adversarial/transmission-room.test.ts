import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import type { StoredAttestation } from '../../simulator/src/eattest/store.js';
import type { FaultRule } from '../../simulator/src/faults.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema, journalSendSchema, type AttestOutcome, type JournalSend } from '../../src/shared/domain/receipt.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { builtHostScript } from '../support/paths.js';
import { CRASH_ENV, CRASH_POINTS } from '../../native-host/src/transmission/crash-points.js';
import { provisionHostState } from '../support/provisioning.js';
import { simulatorAttestations } from '../support/simulator-control.js';

/**
 * Findings 1, 2 and 6 of issue 13, against the built host over native messaging and the simulator
 * over HTTPS, counted on the insurer's side (its stored attestations and its request counts):
 * - an edit after an unknown outcome never becomes a second live eAttest for the patient and day;
 * - what the host reports (and the extension records and prints) is what the insurer received;
 * - a retry while an attempt is on the wire never puts a second one on it.
 */

const execFileAsync = promisify(execFile);
/** In order at a mutuality; each test its own codes, as the simulator refuses the same act twice (187). */
const PATIENT = '85041213359';

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

function attestation(ssin: string, codes: readonly string[], paidCents: number): Attestation {
  const careDate = brusselsDate(new Date());
  return {
    patient: { ssin, firstName: 'Test', lastName: 'Patient' },
    careDate,
    collectingEntityCbe: '0820563481',
    patientPaidCents: paidCents,
    acts: codes.map((code) => ({ code, quantity: 1, serviceDate: careDate, amountPaidCents: paidCents })),
  };
}

function newState(): string {
  const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  return stateDir;
}

async function hostOn(stateDir: string): Promise<HostProcess> {
  const host = startHost({ stateDir });
  cleanups.push(async () => {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.stdin.end();
      await host.exited;
    }
  });
  if (!(await hello(host)).ok) throw new Error('the host refused the handshake');
  return host;
}

function outcomeOf(reply: HostReply): AttestOutcome {
  if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
  return attestOutcomeSchema.parse(reply.result);
}

function referenceOf(reply: HostReply): string {
  if (reply.ok) throw new Error('expected an unknown outcome');
  return String(reply.error.details?.['inputReference']);
}

/** The live attestations the insurer holds for the patient with any of these codes. */
async function insurerHolds(codes: readonly string[]): Promise<StoredAttestation[]> {
  const all = (await simulatorAttestations(simulator.url, pki.caCert)) as StoredAttestation[];
  return all.filter((stored) => stored.patientSsin === PATIENT && stored.cancelled === undefined && stored.acts.some((act) => codes.includes(act.code)));
}

async function journalDay(host: HostProcess): Promise<JournalSend[]> {
  const reply = await host.request('journalDay', { date: brusselsDate(new Date()) });
  if (!reply.ok) throw new Error(JSON.stringify(reply.error));
  return (reply.result as { sends: unknown[] }).sends.map((send) => journalSendSchema.parse(send));
}

function faults(rules: FaultRule[]): void {
  simulator.setFaults(rules);
}

function eattestRequests(): number {
  return simulator.requestCounts().eattest;
}

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('finding 1: an edit after an unknown outcome', () => {
  it('re-sends the stored eAttest under its reference instead of a new one; the insurer holds one; only a journaled abandon lets a new one out', async () => {
    const stateDir = newState();
    const host = await hostOn(stateDir);
    faults([{ service: 'eattest', kind: 'dropAfterAccept', count: 1 }]);
    const dropped = await host.request('attest', { attestation: attestation(PATIENT, ['101010'], 3000) });
    expect(dropped).toMatchObject({ ok: false, error: { details: { outcome: 'unknown', attemptNbr: 1 } } });
    const reference = referenceOf(dropped);

    // The clinician corrects the code (101010 → 101032) and sends: the stored request goes again.
    const retried = outcomeOf(await host.request('attest', { attestation: attestation(PATIENT, ['101032'], 3000) }));
    expect(retried).toMatchObject({ outcome: 'acknowledged', inputReference: reference, attemptNbr: 2, draftNotSent: true });
    expect(retried.outcome === 'acknowledged' && retried.attestation.acts.map((act) => act.code)).toEqual(['101010']);
    const held = await insurerHolds(['101010', '101032']);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ inputReference: reference, acts: [{ code: '101010' }], attempts: [1, 2] });
    expect(retried.outcome === 'acknowledged' && retried.acknowledgementNumber).toBe(held[0]?.acknowledgementNumber);

    // Another unknown outcome, this time one the insurer never received (the connection was reset).
    faults([{ service: 'eattest', kind: 'reset', count: 1 }]);
    const reset = await host.request('attest', { attestation: attestation(PATIENT, ['101032'], 3000) });
    expect(reset).toMatchObject({ ok: false, error: { details: { outcome: 'unknown' } } });
    const open = referenceOf(reset);
    expect(open).not.toBe(reference);
    const requestsBefore = eattestRequests();

    // An abandon needs a real reason, and cannot give up what the insurer acknowledged.
    expect(await host.request('abandon', { inputReference: open, reason: 'ok' })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await host.request('abandon', { inputReference: reference, reason: 'checked with the insurer' })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(eattestRequests()).toBe(requestsBefore);
    expect((await journalDay(host)).find((send) => send.inputReference === open)?.status).toBe('unknown');

    // Given up from the command line after the clinician checked with the insurer: then a new send goes out.
    const cli = await execFileAsync(process.execPath, [builtHostScript, 'journal', 'abandon', '--reference', open, '--reason', 'the insurer helpdesk holds nothing under this reference', '--state-dir', stateDir], {
      encoding: 'utf8',
    });
    expect(cli.stdout).toContain(`Abandoned send ${open}`);
    expect((await journalDay(host)).find((send) => send.inputReference === open)?.status).toBe('abandoned');
    const fresh = outcomeOf(await host.request('attest', { attestation: attestation(PATIENT, ['101032'], 3000) }));
    expect(fresh).toMatchObject({ outcome: 'acknowledged', attemptNbr: 1 });
    expect(fresh.inputReference).not.toBe(open);
    expect(fresh.draftNotSent).toBeUndefined();
    expect((await insurerHolds(['101010', '101032'])).map((stored) => stored.acts.map((act) => act.code).join())).toEqual(['101010', '101032']);

    const journal = readFileSync(`${stateDir}/journal/journal.jsonl`, 'utf8');
    expect(journal).toContain('"kind":"send-abandoned"');
    expect(journal).toContain('the insurer helpdesk holds nothing under this reference');
  });
});

describe('finding 2: the receipt is what the insurer received', () => {
  it('reports the stored 30 € attestation the insurer acknowledged, not the 50 € draft, and the journal day says the same', async () => {
    const host = await hostOn(newState());
    faults([{ service: 'eattest', kind: 'dropAfterAccept', count: 1 }]);
    const first = attestation(PATIENT, ['101076'], 3000);
    const dropped = await host.request('attest', { attestation: first });
    const reference = referenceOf(dropped);
    const edited = attestation(PATIENT, ['101076'], 5000);
    const outcome = outcomeOf(await host.request('attest', { attestation: edited }));
    expect(outcome).toMatchObject({ outcome: 'acknowledged', inputReference: reference, draftNotSent: true });
    if (outcome.outcome !== 'acknowledged') throw new Error('not acknowledged');
    expect(outcome.attestation).toEqual(first);
    const held = await insurerHolds(['101076']);
    expect(held).toHaveLength(1);
    expect(held[0]?.acknowledgementNumber).toBe(outcome.acknowledgementNumber);
    expect(held[0]?.acts.map((act) => act.code)).toEqual(outcome.attestation.acts.map((act) => act.code));
    // What the extension settles its records from after a restart.
    const send = (await journalDay(host)).find((candidate) => candidate.inputReference === reference);
    expect(send).toMatchObject({ status: 'acknowledged', acknowledgementNumber: outcome.acknowledgementNumber, attestation: first });
  });
});

describe('finding 6: a retry while an attempt is on the wire', () => {
  // latency: the request waits before the insurer reads it; hangAfterAccept: stored, the answer held back.
  it.each([
    ['hangAfterAccept', '102771'],
    ['latency', '103132'],
  ] as const)('%s: puts one request on the wire: the same host waits for the attempt in flight, another host is refused with SEND_IN_FLIGHT', async (kind, code) => {
    const stateDir = newState();
    const host = await hostOn(stateDir);
    const other = await hostOn(stateDir);
    // Both signed in and warm, so that the only eAttest requests are the sends.
    expect((await host.request('warm', {})).ok).toBe(true);
    expect((await other.request('warm', {})).ok).toBe(true);
    const sent = attestation(PATIENT, [code], 2000);
    const before = eattestRequests();
    faults([{ service: 'eattest', kind, latencyMs: 4000, count: 1 }]);

    const firstAttempt = host.request('attest', { attestation: sent });
    await until(() => eattestRequests() === before + 1);
    // "Send again" in the same browser session, and from another process, while the first hangs.
    const sameHost = host.request('attest', { attestation: sent });
    const refused = await other.request('attest', { attestation: sent });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SEND_IN_FLIGHT' } });
    expect(refused.ok ? 0 : Number(refused.error.details?.['retryAfterS'])).toBeGreaterThan(0);

    const first = outcomeOf(await firstAttempt);
    expect(first).toMatchObject({ outcome: 'acknowledged', attemptNbr: 1 });
    // The waiting retry finds the send acknowledged and sends nothing.
    expect(await sameHost).toMatchObject({ ok: false, error: { code: 'ALREADY_ATTESTED' } });
    expect(eattestRequests()).toBe(before + 1);
    expect(await insurerHolds([code])).toHaveLength(1);
  });
});

describe('the host killed at each step of a send (the crash points the fault matrix uses)', () => {
  const codes = { 'before-intent': '101075', 'after-intent': '101077', 'after-request-left': '102034', 'after-answer': '102093', 'during-outcome-write': '102550' } as const;

  it.each(CRASH_POINTS.map((point) => [point]))('%s: the next host settles it under the same reference or sends it once; the insurer holds one', async (point) => {
    const stateDir = newState();
    const sent = attestation(PATIENT, [codes[point]], 1500);
    const doomed = startHost({ stateDir, env: { [CRASH_ENV]: point } });
    if (!(await hello(doomed)).ok) throw new Error('the host refused the handshake');
    void doomed.request('attest', { attestation: sent });
    expect(await doomed.exited).toBeNull();
    expect(doomed.child.signalCode).toBe('SIGKILL');

    const host = await hostOn(stateDir);
    const outcome = outcomeOf(await host.request('attest', { attestation: sent }));
    expect(outcome.outcome).toBe('acknowledged');
    const held = await insurerHolds([codes[point]]);
    expect(held).toHaveLength(1);
    expect(outcome.outcome === 'acknowledged' && outcome.acknowledgementNumber).toBe(held[0]?.acknowledgementNumber);
    // Died before the intent: nothing was journaled, the next send is the first; otherwise it is a retry.
    expect(outcome.attemptNbr).toBe(point === 'before-intent' ? 1 : 2);
    // The same draft as the stored request: nothing to warn about.
    expect(outcome.draftNotSent).toBeUndefined();
    const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--verify', '--state-dir', stateDir], { encoding: 'utf8' });
    expect(stdout).toContain('chain valid');
    // The half-written outcome line was kept aside and said so, never taken for an entry.
    if (point === 'during-outcome-write') expect(readFileSync(`${stateDir}/journal/journal.jsonl`, 'utf8')).toContain('"disturbance":"torn-tail-quarantined"');
  });
});
