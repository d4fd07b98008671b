import { createHash } from 'node:crypto';
import { brusselsDate } from '../../src/shared/domain/calendar.js';
import { Journal } from '../../native-host/src/journal/journal.js';
import { reserveSend } from '../../native-host/src/journal/send-reservation.js';
import { sendIntent } from './journal-records.js';

/**
 * A second process writing the real journal module, for the integration tests (run with tsx):
 *   append STATE_DIR COUNT LABEL START_AT_MS   appends COUNT intents, starting at a given instant
 *   reserve-and-hang STATE_DIR KEY             reserves a send, says so, then waits to be killed
 */

const [mode, stateDir, ...rest] = process.argv.slice(2);
if (stateDir === undefined) throw new Error('usage: journal-writer MODE STATE_DIR …');
const journal = new Journal({ stateDir, lockTimeoutMs: 20_000 });
const today = brusselsDate(new Date());

if (mode === 'append') {
  const [count, label, startAt] = rest;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  for (let index = 0; index < Number(count); index += 1) {
    const key = createHash('sha256').update(`${label ?? ''}-${index}`).digest('hex');
    await journal.append(sendIntent({ consultationKey: key, inputReference: `${label ?? 'w'}-${index}`, careDate: today }));
  }
  process.stdout.write('done\n');
} else if (mode === 'reserve-and-hang') {
  const [key] = rest;
  const reservation = await reserveSend(journal, { consultationKey: key ?? '', careDate: today }, (go) =>
    Promise.resolve(sendIntent({ consultationKey: key ?? '', inputReference: go.inputReference, attemptNbr: go.attemptNbr, careDate: today })),
  );
  process.stdout.write(`reserved ${reservation.decision.action} ${'inputReference' in reservation.decision ? reservation.decision.inputReference : ''}\n`);
  // Here the real sender would call MyCareNet; the test kills us first.
  setInterval(() => undefined, 60_000);
} else {
  throw new Error(`unknown mode ${mode ?? ''}`);
}
