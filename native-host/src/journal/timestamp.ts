import { brusselsIsoTime } from '../../../src/shared/domain/calendar.js';

/**
 * Journal time: Belgian wall-clock time with its UTC offset and milliseconds
 * ("2026-03-29T03:00:00.000+02:00"), so that an auditor reads both the local time of the
 * consultation and the exact instant, across summer-time changes.
 */
export function journalTimestamp(instant: Date): string {
  return brusselsIsoTime(instant);
}

/** ISO 8601 with milliseconds and an explicit offset, as written by `journalTimestamp`. */
export const JOURNAL_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;
