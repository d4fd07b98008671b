import { execFile, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../native-host/src/journal/journal.js';
import type { InsurerSignatureEvidence, JournalEntry } from '../../native-host/src/journal/entry.js';
import { verifyInsurerSignature } from '../../native-host/src/mycarenet/eattest/insurer-signature.js';
import { loadSendRecord } from '../../native-host/src/transmission/send-records.js';
import { ensureTestPki, type TestPki } from '../../simulator/pki/test-pki.js';
import type { FaultRule } from '../../simulator/src/faults.js';
import { startSimulator, type Simulator } from '../../simulator/src/server.js';
import type { Attestation } from '../../src/shared/domain/attestation.js';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { attestOutcomeSchema, cancelOutcomeSchema, type AttestOutcome, type CancelOutcome } from '../../src/shared/domain/receipt.js';
import type { HostReply } from '../../src/shared/host-protocol.js';
import { hello, startHost, type HostProcess } from '../support/host-process.js';
import { builtHostScript } from '../support/paths.js';
import { provisionHostState } from '../support/provisioning.js';

/**
 * The insurer's XAdES-T on real eAttest answers, through the built host against the simulator:
 * an answer signed intact by a certificate of a CA the host's trust store does not hold (or
 * time-stamped by an unknown authority) is still an acknowledgement, with the verification result
 * in the reply and the signed answer in the journal as evidence; an answer altered after signing,
 * or signed by a clinician's certificate, is refused and leaves the outcome unknown, as any
 * unreadable answer does, and the next send settles it under the same reference.
 */

const execFileAsync = promisify(execFile);
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

function attestation(codes: readonly string[]): Attestation {
  const careDate = brusselsDate(new Date());
  return {
    patient: { ssin: PATIENT, firstName: 'Test', lastName: 'Patient' },
    careDate,
    collectingEntityCbe: '0820563481',
    patientPaidCents: 1250,
    acts: codes.map((code) => ({ code, quantity: 1, serviceDate: careDate, amountPaidCents: 1250 })),
  };
}

async function hostWithState(): Promise<{ host: HostProcess; stateDir: string }> {
  const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const host = startHost({ stateDir });
  cleanups.push(async () => {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.stdin.end();
      await host.exited;
    }
  });
  if (!(await hello(host)).ok) throw new Error('the host refused the handshake');
  return { host, stateDir };
}

function faults(rules: FaultRule[]): void {
  simulator.setFaults(rules);
  cleanups.push(() => simulator.setFaults([]));
}

function attested(reply: HostReply): AttestOutcome {
  if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
  return attestOutcomeSchema.parse(reply.result);
}

function cancelled(reply: HostReply): CancelOutcome {
  if (!reply.ok) throw new Error(`the host refused: ${JSON.stringify(reply.error)}`);
  return cancelOutcomeSchema.parse(reply.result);
}

function outcomes(stateDir: string, kind: 'send-outcome' | 'cancel-outcome'): JournalEntry['record'][] {
  return readJournal(stateDir).entries.map((entry) => entry.record).filter((record) => record.kind === kind);
}

function evidenceOf(record: JournalEntry['record'] | undefined): InsurerSignatureEvidence {
  if (record === undefined || !('insurerSignature' in record) || record.insurerSignature === undefined) throw new Error('no signature evidence in the journal');
  return record.insurerSignature;
}

async function chainValid(stateDir: string): Promise<void> {
  const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--verify', '--state-dir', stateDir], { encoding: 'utf8' });
  expect(stdout).toContain('chain valid');
}

describe('an intact insurer signature the host cannot fully verify', () => {
  it('by a CA outside the trust store: the acknowledgement stands, with the warning in the reply and the signed answer in the journal', async () => {
    const { host, stateDir } = await hostWithState();
    faults([{ service: 'eattest', kind: 'answerSignerUnknownCa', count: 1 }]);
    const outcome = attested(await host.request('attest', { attestation: attestation(['101010']) }));
    if (outcome.outcome !== 'acknowledged') throw new Error(`expected an acknowledgement, got ${outcome.outcome}`);
    expect(outcome.signatureCheck).toEqual({ status: 'unverified', reasons: ['signer-untrusted'] });

    const [record] = outcomes(stateDir, 'send-outcome');
    expect(record).toMatchObject({ result: { status: 'acknowledged', acknowledgementNumber: outcome.acknowledgementNumber } });
    const evidence = evidenceOf(record);
    expect(evidence.check).toEqual(outcome.signatureCheck);
    expect(evidence.signer.subject).toContain('CBE=0820563481');
    expect(evidence.signer.issuer).toContain('Unknown Test issuing CA');
    const signatureXml = Buffer.from(evidence.signature ?? '', 'base64').toString('utf8');
    const answer = Buffer.from(evidence.content ?? '', 'base64');
    expect(signatureXml).toContain('EncapsulatedTimeStamp');
    expect(answer.toString('utf8')).toContain(outcome.acknowledgementNumber);

    // The evidence is complete: with the request the send record keeps, an auditor verifies it again,
    // and with the unknown CA added to the trust store, fully.
    const sent = loadSendRecord(stateDir, outcome.inputReference);
    if (sent === undefined) throw new Error('no send record');
    const again = (anchors: X509Certificate[]) =>
      verifyInsurerSignature({ signatureXml, content: { id: evidence.contentId, content: answer, isXml: true }, requestContent: { id: sent.sealed.blobId, content: sent.sealed.kmehr, isXml: true }, anchors, now: new Date() });
    expect(again([new X509Certificate(readFileSync(pki.caCert))]).check).toEqual(outcome.signatureCheck);
    const signer = new X509Certificate(Buffer.from(/<ds:X509Certificate>([^<]+)</.exec(signatureXml)?.[1] ?? '', 'base64'));
    expect(signer.issuer).toContain('Unknown Test issuing CA');
    await chainValid(stateDir);
    const { stdout: report } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--state-dir', stateDir], { encoding: 'utf8' });
    expect(report).toContain(`acknowledged ${outcome.acknowledgementNumber}  (insurer signature not verified: signer-untrusted)`);

    // Later, with that signer's certificate (or its CA) added to the environment's trust store, the
    // journal's evidence verifies in full.
    const recheck = async () => (await execFileAsync(process.execPath, [builtHostScript, 'journal', '--recheck-signatures', '--state-dir', stateDir], { encoding: 'utf8' })).stdout;
    expect(await recheck()).toContain(`ref ${outcome.inputReference}  recorded unverified (signer-untrusted)  →  today unverified (signer-untrusted)`);
    const pinned = join(stateDir, 'insurer-signer.pem');
    writeFileSync(pinned, signer.toString());
    const config = JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8')) as { trust: { platformCas: { simulator: string[] } } };
    config.trust.platformCas.simulator.push(pinned);
    writeFileSync(join(stateDir, 'config.json'), JSON.stringify(config));
    expect(await recheck()).toContain(`ref ${outcome.inputReference}  recorded unverified (signer-untrusted)  →  today verified`);

    // The next answer, signed as usual, is verified.
    const next = attested(await host.request('attest', { attestation: attestation(['101032']) }));
    expect(next).toMatchObject({ outcome: 'acknowledged', signatureCheck: { status: 'verified' } });
    expect(evidenceOf(outcomes(stateDir, 'send-outcome')[1]).check).toEqual({ status: 'verified' });
  });

  it('time-stamped by an unknown authority, on a cancellation: cancelled, with the warning and the evidence', async () => {
    const { host, stateDir } = await hostWithState();
    const sent = attested(await host.request('attest', { attestation: attestation(['102034']) }));
    if (sent.outcome !== 'acknowledged') throw new Error('not acknowledged');
    faults([{ service: 'eattest', kind: 'answerTimeStampUnknownTsa', count: 1 }]);
    const outcome = cancelled(await host.request('cancel', { acknowledgementNumber: sent.acknowledgementNumber, patientSsin: PATIENT, reason: 'C' }));
    expect(outcome).toMatchObject({ outcome: 'cancelled', signatureCheck: { status: 'unverified', reasons: ['timestamp-authority-untrusted'] } });
    const evidence = evidenceOf(outcomes(stateDir, 'cancel-outcome')[0]);
    expect(evidence.check).toEqual({ status: 'unverified', reasons: ['timestamp-authority-untrusted'] });
    expect(Buffer.from(evidence.signature ?? '', 'base64').toString('utf8')).toContain('SignatureTimeStamp');
    await chainValid(stateDir);
    // The cancellation's evidence verifies again with the signed request the journal keeps.
    const { stdout } = await execFileAsync(process.execPath, [builtHostScript, 'journal', '--recheck-signatures', '--state-dir', stateDir], { encoding: 'utf8' });
    expect(stdout).toMatch(/entry \d+ {2}send {4}ref \d+ {2}recorded verified {2}→ {2}today verified/);
    expect(stdout).toMatch(/entry \d+ {2}cancel {2}ref \d+ {2}recorded unverified \(timestamp-authority-untrusted\) {2}→ {2}today unverified \(timestamp-authority-untrusted\)/);
  });
});

describe('an answer that is not the insurer’s intact answer', () => {
  const refusedCases: [string, FaultRule['kind'], RegExp, string][] = [
    ['altered after signing (its acknowledgement number changed)', 'answerAltered', /digest does not match/, '101075'],
    ['signed with a clinician’s certificate of the platform’s own CA', 'answerSignerClinician', /personal certificate/, '101011'],
  ];
  for (const [name, kind, message, code] of refusedCases) {
    it(`${name}: refused, the outcome journaled unknown, and the next send settles it under the same reference`, async () => {
      const { host, stateDir } = await hostWithState();
      faults([{ service: 'eattest', kind, count: 1 }]);
      const sent = attestation([code]);
      const refused = await host.request('attest', { attestation: sent });
      expect(refused).toMatchObject({ ok: false, error: { code: 'MYCARENET_BAD_ANSWER', details: { outcome: 'unknown', attemptNbr: 1 } } });
      if (refused.ok) throw new Error('not refused');
      expect(refused.error.message).toMatch(message);
      const [record] = outcomes(stateDir, 'send-outcome');
      expect(record).toMatchObject({ result: { status: 'unknown', cause: 'bad-answer', detail: expect.stringMatching(message) as unknown } });
      expect(record !== undefined && 'insurerSignature' in record ? record.insurerSignature : undefined).toBeUndefined();

      const retried = attested(await host.request('attest', { attestation: sent }));
      expect(retried).toMatchObject({ outcome: 'acknowledged', attemptNbr: 2, inputReference: String(refused.error.details?.['inputReference']), signatureCheck: { status: 'verified' } });
      await chainValid(stateDir);
    });
  }

  it('a cancellation answer altered after signing: refused, the cancellation outcome unknown', async () => {
    const { host, stateDir } = await hostWithState();
    const sent = attested(await host.request('attest', { attestation: attestation(['101012']) }));
    if (sent.outcome !== 'acknowledged') throw new Error('not acknowledged');
    faults([{ service: 'eattest', kind: 'answerAltered', count: 1 }]);
    const refused = await host.request('cancel', { acknowledgementNumber: sent.acknowledgementNumber, patientSsin: PATIENT, reason: 'C' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'MYCARENET_BAD_ANSWER', details: { outcome: 'unknown' } } });
    expect(outcomes(stateDir, 'cancel-outcome')[0]).toMatchObject({ result: { status: 'unknown', cause: 'bad-answer' } });
    await chainValid(stateDir);
  });
});

describe('the trust store in `eattest-host doctor`', () => {
  it('names the environment’s anchors, and says where to put them when there are none', () => {
    const stateDir = provisionHostState({ pki, clinician: pki.clinicians.doctorRsa, simulatorUrl: simulator.url });
    const home = mkdtempSync(join(tmpdir(), 'eattest-home-'));
    cleanups.push(() => {
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    });
    const doctor = () => spawnSync(process.execPath, [builtHostScript, 'doctor'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: home, EATTEST_STATE_DIR: stateDir } }).stdout;
    expect(doctor()).toMatch(/ok +platform trust store \(simulator\): 1 CA certificate\n/);
    const config = JSON.parse(readFileSync(join(stateDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(stateDir, 'config.json'), JSON.stringify({ ...config, environment: 'acceptance' }));
    expect(doctor()).toMatch(/WARNING +no platform trust store for the acceptance environment\n +→ list the platform's CA certificates \(files or a folder\) in trust\.platformCas\.acceptance/);
  });
});
