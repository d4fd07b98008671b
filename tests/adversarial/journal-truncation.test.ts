import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import { Attestations, type AttestationRecord, type AttestationStore } from '../../src/background/attestations.js';
import type { ConsultationDeps } from '../../src/background/consultation-handlers.js';
import { createHandlers } from '../../src/background/handlers.js';
import { JournalAnchor, type JournalHeadStore, type SeenJournalHead } from '../../src/background/journal-anchor.js';
import { Ledger } from '../../src/background/ledger.js';
import type { NativeHostClient } from '../../src/background/native-host-client.js';
import type { HostRequest, PatientData } from '../../src/background/patient-data.js';
import type { Sender } from '../../src/background/router.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema } from '../../src/shared/domain/receipt.js';
import { AppError } from '../../src/shared/errors.js';
import { hostCommands, type HostCommandName, type HostParams, type HostResult } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { builtHostScript } from '../support/paths.js';
import { provisionHostState } from '../support/provisioning.js';

/** Patient data that knows no tariffs: the send handler asks it for the patient's shares, nothing else. */
const noKnownShares = { knownPatientShares: () => Promise.resolve(undefined) } as unknown as PatientData;

/**
 * Issue 13, finding 8: a journal of 14 lines cut to 2 still verified ("chain valid"), and a removed
 * send then counted as new. Now the head is anchored twice outside the journal: in `journal/head`
 * (the host refuses to decide a send, `journal --verify` names the cut) and in the extension (the
 * highest head the host ever reported), which also catches a head file deleted or rewritten along.
 * The built host sends seven eAttests to the simulator (14 lines: intent and outcome each), then
 * each case cuts a copy of that state; "nothing sent" is counted at the simulator.
 */

const PATIENT_IN_ORDER = '85041213359';
const SENDS = 7;

let pki: TestPki;
let simulator: Simulator;
/** The state after seven acknowledged sends, copied for each case. */
let pristine: string;
let sent: Attestation[];
/** The head the extension saw while the journal was whole. */
let seenWhole: SeenJournalHead;
const directories: string[] = [];
const hosts: HostProcess[] = [];

function attestationOf(code: string): Attestation {
  const careDate = brusselsDate(new Date());
  return {
    patient: { ssin: PATIENT_IN_ORDER, firstName: 'Julie', lastName: 'Lambert' },
    careDate,
    patientPaidCents: 400,
    acts: [{ code, quantity: 1, serviceDate: careDate, amountPaidCents: 400 }],
  };
}

async function hostOn(stateDir: string): Promise<HostProcess> {
  const host = startHost({ stateDir });
  hosts.push(host);
  const greeting = await hello(host);
  if (!greeting.ok) throw new Error(`the host refused the handshake: ${JSON.stringify(greeting.error)}`);
  return host;
}

/** The background's view of the real host process: typed results, typed errors, and which commands it was asked. */
function backgroundHost(host: HostProcess): { request: HostRequest; asked: HostCommandName[] } {
  const asked: HostCommandName[] = [];
  const request = async <C extends HostCommandName>(command: C, params: HostParams<C>): Promise<HostResult<C>> => {
    asked.push(command);
    const reply = await host.request(command, params);
    if (!reply.ok) throw AppError.fromPayload(reply.error);
    return hostCommands[command].result.parse(reply.result) as HostResult<C>;
  };
  return { request, asked };
}

class MemoryHeadStore implements JournalHeadStore {
  constructor(private head: SeenJournalHead | undefined) {}
  highestJournalHead(): Promise<SeenJournalHead | undefined> {
    return Promise.resolve(this.head);
  }
  keepJournalHead(head: SeenJournalHead): Promise<void> {
    this.head = head;
    return Promise.resolve();
  }
}

class MemoryAttestationStore implements AttestationStore {
  readonly records = new Map<string, AttestationRecord>();
  record(key: string): Promise<AttestationRecord | undefined> {
    return Promise.resolve(this.records.get(key));
  }
  putRecord(record: AttestationRecord): Promise<void> {
    this.records.set(record.consultationKey, record);
    return Promise.resolve();
  }
  recordsOf(careDate: string): Promise<AttestationRecord[]> {
    return Promise.resolve([...this.records.values()].filter((record) => record.careDate === careDate));
  }
  recordByAcknowledgement(acknowledgementNumber: string): Promise<AttestationRecord | undefined> {
    return Promise.resolve([...this.records.values()].find((record) => record.acknowledgementNumber === acknowledgementNumber));
  }
}

/** The extension's background as the service worker builds it, over the real host, with the anchor it kept. */
function background(host: HostProcess, seen: SeenJournalHead | undefined) {
  const { request, asked } = backgroundHost(host);
  const store = new MemoryAttestationStore();
  const anchor = new JournalAnchor(request, new MemoryHeadStore(seen));
  // Only the host-status and send handlers are exercised: of the client only `request` is reached, the patient data only for the shares it knows (none), the proposals not at all.
  const client = { request } as unknown as NativeHostClient;
  const handlers = createHandlers(client, noKnownShares, {} as ConsultationDeps, new Attestations(request, store), anchor, new Ledger({ recordsBetween: () => Promise.resolve([]) }));
  const popup: Sender = { kind: 'extension-page', url: 'chrome-extension://test/src/popup/index.html' };
  return { handlers, popup, asked, store };
}

function copyOfPristine(): string {
  const stateDir = mkdtempSync(join(tmpdir(), 'eattest-truncated-'));
  directories.push(stateDir);
  cpSync(pristine, stateDir, { recursive: true });
  return stateDir;
}

const journalFile = (stateDir: string): string => join(stateDir, 'journal', 'journal.jsonl');
const journalLines = (stateDir: string): string[] => readFileSync(journalFile(stateDir), 'utf8').split('\n').slice(0, -1);

function cutToTwoLines(stateDir: string): { seq: number; hash: string; at: string } {
  const kept = journalLines(stateDir).slice(0, 2);
  writeFileSync(journalFile(stateDir), `${kept.join('\n')}\n`);
  const last = JSON.parse(kept[1] ?? '') as { seq: number; hash: string; at: string };
  return { seq: last.seq, hash: last.hash, at: last.at };
}

function journalCli(stateDir: string, option: '--verify' | '--accept-loss'): { code: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, [builtHostScript, 'journal', option, '--state-dir', stateDir], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
const verify = (stateDir: string) => journalCli(stateDir, '--verify');

const eattestRequests = (): number => simulator.requestCounts().eattest;

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  pki = await ensureTestPki();
  simulator = await startSimulator({ pki });
  pristine = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  directories.push(pristine);
  const host = await hostOn(pristine);
  // Act codes far from the common ones, one per send, so that the simulator's duplicate check never strikes.
  const base = 600_000 + Math.floor(Math.random() * 100_000);
  sent = Array.from({ length: SENDS }, (_, index) => attestationOf(String(base + index)));
  for (const attestation of sent) {
    const reply = await host.request('attest', { attestation });
    if (!reply.ok) throw new Error(`send refused: ${JSON.stringify(reply.error)}`);
    expect(attestOutcomeSchema.parse(reply.result)).toMatchObject({ outcome: 'acknowledged' });
  }
  // The popup opened while the journal was whole: the extension keeps the head the host reported.
  const { handlers, popup } = background(host, undefined);
  const connection = await handlers['host.status']({ type: 'host.status' }, popup);
  if (!connection.connected || connection.status.journalHead === undefined) throw new Error('no journal head in the host status');
  expect(connection).not.toHaveProperty('journalAlarm');
  seenWhole = { seq: connection.status.journalHead.seq, hash: connection.status.journalHead.hash, seenAt: new Date().toISOString() };
  host.child.stdin.end();
  await host.exited;
}, 120_000);

afterAll(async () => {
  for (const host of hosts) {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.stdin.end();
      await host.exited;
    }
  }
  await simulator.close();
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

describe('a journal of 14 lines cut to 2', () => {
  it('was whole: 14 lines, verified and anchored at entry 14', () => {
    expect(journalLines(pristine)).toHaveLength(14);
    expect(seenWhole.seq).toBe(14);
    const whole = verify(pristine);
    expect(whole.code).toBe(0);
    expect(whole.out).toContain('chain valid, 14 entries');
    expect(whole.out).toContain('head anchor reached');
  });

  it('verify names the cut; the host refuses a removed, acknowledged send, which never reaches the insurer; the popup shows the alarm', async () => {
    const stateDir = copyOfPristine();
    cutToTwoLines(stateDir);
    const verified = verify(stateDir);
    expect(verified.code).toBe(1);
    // The chain alone is still valid: the anchor is what tells.
    expect(verified.out).toContain('chain valid, 2 entries');
    expect(verified.out).toContain('TRUNCATED: the journal ends at entry 2 but its head anchor says entry 14 was written; entries 3–14 are missing');

    const host = await hostOn(stateDir);
    const before = eattestRequests();
    const removed = sent[4] as Attestation;
    const reply = await host.request('attest', { attestation: removed });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error).toMatchObject({ code: 'JOURNAL_TAMPERED', details: { anchor: 'the head file', anchoredSeq: 14, lastSeq: 2 } });
    expect(eattestRequests()).toBe(before);
    expect(journalLines(stateDir)).toHaveLength(2);

    // Even a browser that never saw the whole journal is told by the host's own check.
    const { handlers, popup } = background(host, undefined);
    const connection = await handlers['host.status']({ type: 'host.status' }, popup);
    expect(connection).toMatchObject({ connected: true, status: { journalHead: { seq: 2, anchor: 'truncated' } }, journalAlarm: { code: 'JOURNAL_TAMPERED' } });

    // Without a backup, the loss may be accepted only once no lost send can go out again: not on the day it was sent.
    const accepting = journalCli(stateDir, '--accept-loss');
    expect(accepting.code).toBe(1);
    expect(accepting.err).toContain('the last lost entry was written today');
    expect(journalLines(stateDir)).toHaveLength(2);
  });

  it('cut with its head file deleted: verify says it is not anchored, and the host refuses the send against the head the extension carried', async () => {
    const stateDir = copyOfPristine();
    cutToTwoLines(stateDir);
    rmSync(join(stateDir, 'journal', 'head'));
    const verified = verify(stateDir);
    expect(verified.code).toBe(1);
    expect(verified.out).toContain('NOT ANCHORED');

    const host = await hostOn(stateDir);
    const { handlers, popup, asked, store } = background(host, seenWhole);
    const before = eattestRequests();
    const refused = await errorOf(Promise.resolve(handlers['attestation.send']({ type: 'attestation.send', attestation: sent[4] as Attestation }, popup)));
    expect(refused.code).toBe('JOURNAL_TAMPERED');
    expect(refused.details).toMatchObject({ anchor: 'this browser', anchoredSeq: 14, lastSeq: 2 });
    // The anchor travels with the attest request and is checked in the locked read that decides it: no extra round trip.
    expect(asked.filter((command) => command === 'attest')).toHaveLength(1);
    expect([...store.records.values()].map((record) => record.status)).toEqual(['notSent']);
    expect(eattestRequests()).toBe(before);
    const connection = await handlers['host.status']({ type: 'host.status' }, popup);
    expect(connection).toMatchObject({ connected: true, journalAlarm: { code: 'JOURNAL_TAMPERED', details: { anchor: 'this browser' } } });
  });

  it('cut with its head file rewritten to match: the host cannot tell, the extension’s anchor can', async () => {
    const stateDir = copyOfPristine();
    const newLast = cutToTwoLines(stateDir);
    writeFileSync(join(stateDir, 'journal', 'head'), `${JSON.stringify(newLast)}\n`);
    const verified = verify(stateDir);
    // What an attacker who rewrites both files achieves against the host alone.
    expect(verified.code).toBe(0);
    expect(verified.out).toContain('head anchor reached');

    const host = await hostOn(stateDir);
    const { handlers, popup } = background(host, seenWhole);
    const before = eattestRequests();
    const refused = await errorOf(Promise.resolve(handlers['attestation.send']({ type: 'attestation.send', attestation: sent[4] as Attestation }, popup)));
    expect(refused.code).toBe('JOURNAL_TAMPERED');
    expect(refused.details).toMatchObject({ anchor: 'this browser', anchoredSeq: 14, lastSeq: 2 });
    expect(eattestRequests()).toBe(before);
  });

  it('the same entry count with another entry 14 is caught as rewritten by the extension', async () => {
    const stateDir = copyOfPristine();
    const host = await hostOn(stateDir);
    const { handlers, popup } = background(host, { ...seenWhole, hash: 'e'.repeat(64) });
    const connection = await handlers['host.status']({ type: 'host.status' }, popup);
    expect(connection).toMatchObject({ journalAlarm: { code: 'JOURNAL_TAMPERED', details: { anchor: 'this browser', anchoredSeq: 14 } } });
  });
});
