import { toErrorPayload } from '../../../src/shared/errors.js';
import { exchangeEtks } from '../ehealth/etk/etk-depot.js';
import { Journal } from '../journal/journal.js';
import { rehearseSend } from '../mycarenet/eattest/send-rehearsal.js';
import type { CommandHandler } from './context.js';

/** The rehearsal compiles code: once per process is enough, however many EHR pages ask for a warm-up. */
let rehearsed = false;

/**
 * Prewarming: the keystore opened, the STS token and the ETKs a send needs in cache, the journal's
 * recent entries read, and a send rehearsed without sending (mycarenet/eattest/send-rehearsal.ts),
 * so that the clinician's first click of the day costs what a warm one does. Only STS and ETK
 * depot calls, never a business service (the protocol allows no MemberData or Tarification call unasked).
 */
export const warm: CommandHandler<'warm'> = async (_params, context) => {
  const started = performance.now();
  if (context.certificateSummary() === null) return { warmed: false, elapsedMs: 0 };
  const token = await (await context.ehealth.sts()).token();
  await Promise.all([context.ehealth.etkDepot.getAll(exchangeEtks(token.holder)), context.ehealth.decryptionKeys()]);
  try {
    await new Journal({ stateDir: context.stateDir, logger: context.log }).transaction(() => ({ records: [], value: undefined }));
    if (!rehearsed) {
      rehearsed = true;
      await rehearseSend(context.ehealth, context.config, new Date());
    }
  } catch (error) {
    // The real send will meet the same problem and report it; the warm-up itself has done its part.
    context.log.warn('host warm: reading the journal or rehearsing a send failed', { error: toErrorPayload(error).code });
  }
  const elapsedMs = Math.round(performance.now() - started);
  context.log.info('host warm', { elapsedMs });
  return { warmed: true, elapsedMs };
};
