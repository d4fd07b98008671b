import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { Journal } from '../../native-host/src/journal/journal.js';
import { reserveSend } from '../../native-host/src/transmission/send-reservation.js';
import { PATIENT_SSIN, PROVIDER, sendIntent } from './journal-records.js';

/**
 * A second process writing the real journal module, for the integration tests (run with tsx):
 *   append STATE_DIR COUNT LABEL GO_FILE      says "ready", waits for GO_FILE to exist, then appends COUNT intents
 *   reserve-and-hang STATE_DIR KEY             reserves a send, says so, then waits to be killed
 */

const [mode, stateDir, ...rest] = process.argv.slice(2);
if (stateDir === undefined) throw new Error('usage: journal-writer MODE STATE_DIR …');
const journal = new Journal({ stateDir, lockTimeoutMs: 20_000 });
const today = brusselsDate(new Date());

if (mode === 'append') {
  const [count, label, goFile] = rest;
  // Both writers start together, whatever each one's start-up time on a busy machine.
  process.stdout.write('ready\n');
  while (!existsSync(goFile ?? '')) await new Promise((resolve) => setTimeout(resolve, 10));
  for (let index = 0; index < Number(count); index += 1) {
    const key = createHash('sha256').update(`${label ?? ''}-${index}`).digest('hex');
    await journal.append(sendIntent({ consultationKey: key, inputReference: `${label ?? 'w'}-${index}`, careDate: today }));
    // A breath between appends, as between real sends, so that the other writer gets the lock too.
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  process.stdout.write('done\n');
} else if (mode === 'reserve-and-hang') {
  const [key] = rest;
  const reservation = await reserveSend(journal, { consultationKey: key ?? '', careDate: today, providerNihii11: PROVIDER.nihii11, patientSsin: PATIENT_SSIN }, (go) =>
    Promise.resolve(sendIntent({ consultationKey: key ?? '', inputReference: go.inputReference, attemptNbr: go.attemptNbr, careDate: today })),
  );
  process.stdout.write(`reserved ${reservation.decision.action} ${'inputReference' in reservation.decision ? reservation.decision.inputReference : ''}\n`);
  // Here the real sender would call MyCareNet; the test kills us first.
  setInterval(() => undefined, 60_000);
} else {
  throw new Error(`unknown mode ${mode ?? ''}`);
}
