import { brusselsClockReading } from '../../../../src/shared/domain/calendar.js';

/**
 * The one InputReference generator (PROTOCOL §2.3): a client reference MyCareNet echoes back in
 * CommonOutput; the XSD types it as a plain string. Every reference (the official connector,
 * freehealth-connector, ehealth-pyconnector) sends 14 digits; we use the Belgian time to the
 * centisecond (yyMMddHHmmssSS), as the Python client does, which the kmehr request id suffix and
 * MemberData's AttributeQuery ID reuse. A reference already taken (in the journal, or recently issued
 * by the caller) moves it on by one, so two requests of one host never share one.
 */
export function newInputReference(now: Date, taken: ReadonlySet<string>): string {
  const clock = brusselsClockReading(now);
  let candidate = BigInt(`${clock.year.slice(2)}${clock.month}${clock.day}${clock.hour}${clock.minute}${clock.second}${clock.millisecond.slice(0, 2)}`);
  while (taken.has(candidate.toString().padStart(14, '0'))) candidate += 1n;
  return candidate.toString().padStart(14, '0');
}

/** References a client issued lately (consultations have no journal to look them up in); bounded. */
export class RecentReferences {
  private readonly issued = new Set<string>();

  next(now: Date): string {
    const reference = newInputReference(now, this.issued);
    this.issued.add(reference);
    if (this.issued.size > 1000) this.issued.delete(this.issued.values().next().value as string);
    return reference;
  }
}

/** The same characters as newInputReference produces, with room for references made elsewhere. */
export const INPUT_REFERENCE = /^[0-9A-Za-z._-]{1,40}$/;
