import { brusselsDate } from '../../../src/shared/domain/calendar.js';
import type { CommandHandler } from './context.js';

/** Signs in to eHealth (or reuses the session) and says who the platform says the clinician is. */
export const provider: CommandHandler<'provider'> = async (_params, context) => {
  const session = await context.ehealth.sts();
  const signingIn = session.token();
  // A send usually follows. On a cold host, the Belgian calendar's one-time set-up (ICU, ~20 ms)
  // runs while the STS request is on its way (queued behind the request's own synchronous sending).
  if (session.cached === undefined) setImmediate(() => brusselsDate(new Date()));
  const token = await signingIn;
  return {
    ...(token.ssin !== undefined ? { ssin: token.ssin } : {}),
    ...(token.name !== undefined ? { name: token.name } : {}),
    nihii11: token.nihii11,
    profession: token.profession,
    ...(token.givenName !== undefined ? { givenName: token.givenName } : {}),
    ...(token.surname !== undefined ? { surname: token.surname } : {}),
    sessionValidUntil: token.notOnOrAfter.toISOString(),
  };
};
