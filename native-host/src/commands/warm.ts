import { MYCARENET_ETK } from '../ehealth/etk/etk-depot.js';
import type { CommandHandler } from './context.js';

/**
 * Prewarming: the keystore opened, the STS token and the ETKs a send needs in cache, so that the
 * clinician's first click of the day costs what a warm one does. Only STS and ETK depot calls,
 * never a business service (the protocol allows no MemberData or Tarification call unasked).
 */
export const warm: CommandHandler<'warm'> = async (_params, context) => {
  const started = performance.now();
  if (context.certificateSummary() === null) return { warmed: false, elapsedMs: 0 };
  const token = await (await context.ehealth.sts()).token();
  await Promise.all([context.ehealth.etkDepot.get(MYCARENET_ETK), context.ehealth.etkDepot.get({ type: 'SSIN', value: token.ssin }), context.ehealth.decryptionKeys()]);
  const elapsedMs = Math.round(performance.now() - started);
  context.log.info('host warm', { elapsedMs });
  return { warmed: true, elapsedMs };
};
