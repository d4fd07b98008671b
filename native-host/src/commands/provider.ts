import type { CommandHandler } from './context.js';

/** Signs in to eHealth (or reuses the session) and says who the platform says the clinician is. */
export const provider: CommandHandler<'provider'> = async (_params, context) => {
  const token = await (await context.ehealth.sts()).token();
  return {
    ssin: token.ssin,
    nihii11: token.nihii11,
    profession: token.profession,
    ...(token.givenName !== undefined ? { givenName: token.givenName } : {}),
    ...(token.surname !== undefined ? { surname: token.surname } : {}),
    sessionValidUntil: token.notOnOrAfter.toISOString(),
  };
};
