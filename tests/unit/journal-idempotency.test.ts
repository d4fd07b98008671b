import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newInputReference } from '../../native-host/src/mycarenet/commons/input-reference.js';
import { decideAbandon, decideSend, MAX_SEND_ATTEMPTS } from '../../native-host/src/transmission/send-rules.js';
import { Journal, readJournal } from '../../native-host/src/journal/journal.js';
import { refusalError, reserveSend } from '../../native-host/src/transmission/send-reservation.js';
import { cancelOutcome, EntryChain, KEY_A, KEY_B, OTHER_PATIENT_SSIN, PATIENT_SSIN, PROVIDER, sendIntent, sendOutcome } from '../support/journal-records.js';

/** 10:30 in Brussels (winter, UTC+1). */
const NOW = new Date('2026-11-25T09:30:00.000Z');
const TODAY = '2026-11-25';
const ACK = '500-1-261125-0000001-11';
const request = { consultationKey: KEY_A, careDate: TODAY, providerNihii11: PROVIDER.nihii11, patientSsin: PATIENT_SSIN };
type CancelResult = Parameters<typeof cancelOutcome>[2];

function chainWithIntent(): { chain: EntryChain; intent: ReturnType<EntryChain['add']> } {
  const chain = new EntryChain(new Date('2026-11-25T09:00:00.000Z'));
  const intent = chain.add(sendIntent({ inputReference: '26112510000000', careDate: TODAY }));
  return { chain, intent };
}

describe('the send decision', () => {
  it('is new for a consultation the journal has never seen, with a 14-digit reference in Belgian time', () => {
    expect(decideSend([], request, NOW)).toEqual({ action: 'new', inputReference: '26112510300000', attemptNbr: 1 });
    expect(decideSend([], { ...request, careDate: '2026-07-01' }, new Date('2026-07-01T08:15:42.987Z'))).toMatchObject({ inputReference: '26070110154298' });
  });

  it('retries a send whose process died before its outcome, with the same reference and the next attempt', () => {
    const { chain, intent } = chainWithIntent();
    expect(decideSend(chain.entries, request, NOW)).toEqual({ action: 'retry', inputReference: '26112510000000', attemptNbr: 2, previousIntentSeq: intent.seq, consultationKey: KEY_A });
  });

  it('retries after a timeout, and counts the attempts', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'unknown', cause: 'timeout' }));
    const second = chain.add(sendIntent({ inputReference: '26112510000000', attemptNbr: 2, careDate: TODAY }));
    chain.add(sendOutcome(second, { status: 'unknown', cause: 'connection-dropped' }));
    expect(decideSend(chain.entries, request, NOW)).toEqual({ action: 'retry', inputReference: '26112510000000', attemptNbr: 3, previousIntentSeq: second.seq, consultationKey: KEY_A });
  });

  it('refuses a consultation already acknowledged, with its acknowledgement number, even when a retry got it', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'unknown', cause: 'bad-answer' }));
    const second = chain.add(sendIntent({ inputReference: '26112510000000', attemptNbr: 2, careDate: TODAY }));
    chain.add(sendOutcome(second, { status: 'acknowledged', acknowledgementNumber: ACK }));
    expect(decideSend(chain.entries, request, NOW)).toEqual({ action: 'refuse', reason: 'already-acknowledged', acknowledgementNumber: ACK, intentSeq: intent.seq });
  });

  it('allows a new send after a refusal, with a new reference', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'refused', errors: [{ code: '169', xpath: '/request/kmehrmessage/folder/patient', meaning: 'medical house' }] }));
    const decision = decideSend(chain.entries, request, NOW);
    expect(decision).toMatchObject({ action: 'new', attemptNbr: 1 });
    expect(decision.action === 'new' && decision.inputReference).not.toBe('26112510000000');
  });

  it('refuses when the insurer said the services are already attested (187)', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'refused', errors: [{ code: '187' }] }));
    expect(decideSend(chain.entries, request, NOW)).toEqual({ action: 'refuse', reason: 'duplicate-at-insurer', intentSeq: intent.seq });
  });

  it('allows a new send once the acknowledged one is cancelled (or was already cancelled: 240), not while the cancel is unanswered', () => {
    const cases: [CancelResult, string][] = [
      [{ status: 'cancelled' }, 'new'],
      [{ status: 'refused', errors: [{ code: '240' }] }, 'new'],
      [{ status: 'refused', errors: [{ code: '239' }] }, 'refuse'],
      [{ status: 'unknown', cause: 'timeout' }, 'refuse'],
    ];
    for (const [result, expected] of cases) {
      const { chain, intent } = chainWithIntent();
      chain.add(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: ACK }));
      chain.add(cancelOutcome(ACK, intent.seq + 5, result));
      expect(decideSend(chain.entries, request, NOW).action, JSON.stringify(result)).toBe(expected);
    }
  });

  it('is not affected by other consultations', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: ACK }));
    expect(decideSend(chain.entries, { ...request, consultationKey: KEY_B }, NOW)).toMatchObject({ action: 'new' });
  });

  it('refuses care that is not of today, and a retry of yesterday’s unknown send', () => {
    expect(decideSend([], { ...request, careDate: '2026-11-24' }, NOW)).toEqual({ action: 'refuse', reason: 'not-today', careDate: '2026-11-24', today: TODAY });
    expect(decideSend([], { ...request, careDate: '2026-11-26' }, NOW)).toMatchObject({ reason: 'not-today' });
    const { chain } = chainWithIntent();
    expect(decideSend(chain.entries, request, new Date('2026-11-26T08:00:00.000Z'))).toMatchObject({ action: 'refuse', reason: 'not-today', today: '2026-11-26' });
  });

  it('changes day at midnight in Brussels, not in UTC, in winter and in summer', () => {
    expect(decideSend([], request, new Date('2026-11-25T22:59:59.999Z'))).toMatchObject({ action: 'new', inputReference: '26112523595999' });
    expect(decideSend([], request, new Date('2026-11-25T23:00:00.000Z'))).toMatchObject({ action: 'refuse', reason: 'not-today', today: '2026-11-26' });
    // 00:30 in Brussels is still the 25th in UTC: the care of the 26th is today's.
    expect(decideSend([], { ...request, careDate: '2026-11-26' }, new Date('2026-11-25T23:30:00.000Z'))).toMatchObject({ action: 'new', inputReference: '26112600300000' });
    const summer = { ...request, careDate: '2026-07-01' };
    expect(decideSend([], summer, new Date('2026-07-01T21:59:59.999Z'))).toMatchObject({ action: 'new' });
    expect(decideSend([], summer, new Date('2026-07-01T22:00:00.000Z'))).toMatchObject({ action: 'refuse', reason: 'not-today', today: '2026-07-02' });
  });

  it('stops retrying after too many attempts', () => {
    const chain = new EntryChain(new Date('2026-11-25T09:00:00.000Z'));
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt += 1) {
      const intent = chain.add(sendIntent({ inputReference: '26112510000000', attemptNbr: attempt, careDate: TODAY }));
      chain.add(sendOutcome(intent, { status: 'unknown', cause: 'timeout' }));
    }
    expect(decideSend(chain.entries, request, NOW)).toMatchObject({ action: 'refuse', reason: 'too-many-attempts', attempts: MAX_SEND_ATTEMPTS });
  });

  it('never reuses a reference already in the journal', () => {
    expect(newInputReference(NOW, new Set(['26112510300000', '26112510300001']))).toBe('26112510300002');
    const chain = new EntryChain(NOW);
    const intent = chain.add(sendIntent({ inputReference: '26112510300000', careDate: TODAY, consultationKey: KEY_B }));
    chain.add(sendOutcome(intent, { status: 'acknowledged', acknowledgementNumber: ACK }));
    expect(decideSend(chain.entries, request, NOW)).toMatchObject({ action: 'new', inputReference: '26112510300001' });
  });

  it('retries the stored send, never a new one, when the consultation was edited after an unknown outcome (same provider, patient and day)', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'unknown', cause: 'connection-dropped' }));
    // KEY_B: the same patient and day with another act list (101010 corrected to 101032).
    expect(decideSend(chain.entries, { ...request, consultationKey: KEY_B }, NOW)).toEqual({
      action: 'retry',
      inputReference: '26112510000000',
      attemptNbr: 2,
      previousIntentSeq: intent.seq,
      consultationKey: KEY_A,
    });
    // Another patient of the same provider and day is another room.
    expect(decideSend(chain.entries, { ...request, consultationKey: KEY_B, patientSsin: OTHER_PATIENT_SSIN }, NOW)).toMatchObject({ action: 'new' });
  });

  it('allows a new send only after the unknown one is abandoned in the journal, and abandons only an unknown outcome', () => {
    const { chain, intent } = chainWithIntent();
    chain.add(sendOutcome(intent, { status: 'unknown', cause: 'timeout' }));
    expect(decideAbandon(chain.entries, '26112510000000').inputReference).toBe('26112510000000');
    chain.add({ kind: 'send-abandoned', inputReference: '26112510000000', reason: 'the insurer confirmed by phone it holds nothing', executor: { certificateHolderSsin: PROVIDER.ssin, osUser: 'anna', hostName: 'surgery-pc', via: 'cli' } });
    const decision = decideSend(chain.entries, { ...request, consultationKey: KEY_B }, NOW);
    expect(decision).toMatchObject({ action: 'new', attemptNbr: 1 });
    expect(decision.action === 'new' && decision.inputReference).not.toBe('26112510000000');
    expect(() => decideAbandon(chain.entries, '26112510000000')).toThrow(/not unknown \(abandoned\)/);
    expect(() => decideAbandon(chain.entries, '99999999999999')).toThrow(/no send/);

    const acknowledged = chainWithIntent();
    acknowledged.chain.add(sendOutcome(acknowledged.intent, { status: 'acknowledged', acknowledgementNumber: ACK }));
    expect(() => decideAbandon(acknowledged.chain.entries, '26112510000000')).toThrow(/acknowledged/);
  });

  it('maps refusals to errors the clinician understands', () => {
    expect(refusalError({ action: 'refuse', reason: 'already-acknowledged', acknowledgementNumber: ACK, intentSeq: 1 }).toPayload()).toMatchObject({ code: 'ALREADY_ATTESTED', details: { acknowledgementNumber: ACK } });
    expect(refusalError({ action: 'refuse', reason: 'not-today', careDate: '2026-11-24', today: TODAY }).code).toBe('DATE_NOT_ALLOWED');
  });
});

describe('reserving a send in the journal', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('gives one InputReference per consultation even when two senders race', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eattest-reserve-'));
    directories.push(dir);
    const reserve = () =>
      reserveSend(new Journal({ stateDir: dir, now: () => NOW }), request, (go) => Promise.resolve(sendIntent({ inputReference: go.inputReference, attemptNbr: go.attemptNbr, careDate: TODAY })));
    const [a, b] = await Promise.all([reserve(), reserve()]);
    expect([a.decision.action, b.decision.action].sort()).toEqual(['new', 'retry']);
    const references = readJournal(dir).entries.map((entry) => entry.record.kind === 'send-intent' && entry.record.inputReference);
    expect(new Set(references).size).toBe(1);
  });

  it('writes nothing when it refuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eattest-reserve-'));
    directories.push(dir);
    const reservation = await reserveSend(new Journal({ stateDir: dir, now: () => NOW }), { ...request, careDate: '2026-11-24' }, () => Promise.reject(new Error('must not build')));
    expect(reservation.decision).toMatchObject({ action: 'refuse', reason: 'not-today' });
    expect(readJournal(dir).entries).toHaveLength(0);
  });
});
