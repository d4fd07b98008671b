import { brusselsDate, brusselsTime } from './calendar.js';

/**
 * Dates as Belgian documents write them, in every language of the product (the patient's receipt):
 * day/month/year with slashes, the 24-hour Brussels wall clock. Beside calendar.ts rather than in
 * it, so that the popup's first paint does not carry them.
 */
/** A calendar day (YYYY-MM-DD) as Belgian documents write it, in every language: 07/12/2026. */
export function belgianDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return match === null ? isoDate : `${match[3] ?? ''}/${match[2] ?? ''}/${match[1] ?? ''}`;
}

/** An instant as the Belgian wall clock shows it: 07/12/2026 16:03 (24 hours, Europe/Brussels). */
export function belgianDateTime(instant: Date): string {
  return `${belgianDate(brusselsDate(instant))} ${brusselsTime(instant)}`;
}
