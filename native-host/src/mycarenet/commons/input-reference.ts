import { randomInt } from 'node:crypto';

/**
 * A fresh CommonInput/InputReference: the UTC time to the second (14 digits,
 * the connector's own format) and 6 random digits, so that two requests in the same second of the
 * same host still differ. MyCareNet echoes it in CommonOutput; MemberData also derives the
 * AttributeQuery ID from it.
 */
export function newInputReference(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** The same characters as newInputReference produces, with room for references made elsewhere. */
export const INPUT_REFERENCE = /^[0-9A-Za-z._-]{1,40}$/;
